/**
 * Escaping untrusted text where it meets a reader: a terminal, a CI log, the Markdown job summary. Registry
 * answers, media types, platforms, annotations, JWE headers and ref names are chosen by whoever built or serves
 * the image; raw, they could clear a terminal or forge its contents (ESC, CSI, OSC, C1 controls), forge log
 * lines and GitHub workflow commands (CR/LF, a line starting `::`), reorder what is shown (bidi overrides), or
 * inject HTML and Markdown into the summary. The front ends call these at their boundaries; data stays raw
 * (JSON output, Action outputs, report files), only its display is escaped.
 */
/**
 * Text for one terminal or log line: every unsafe character replaced by a visible escape, and GitHub Actions
 * workflow commands broken: a leading `::` (the runner trims any Unicode white space first) and `##[` anywhere
 * (its legacy parser looks for it anywhere in a line). Backslashes are left as they are, so escaping twice
 * changes nothing.
 */
export declare function escapeTerminal(text: string): string;
/**
 * Text for one Markdown table cell or line of the job summary: controls made visible as in escapeTerminal
 * (so a newline cannot end the row), then HTML and Markdown specials (tags, code spans, links, emphasis,
 * table pipes) turned into entities that GitHub renders as the characters themselves.
 */
export declare function escapeMarkdown(text: string): string;
/** A value as indented JSON for stdout: the same data, with no raw control or bidi character in the text. */
export declare function terminalJson(value: unknown): string;
