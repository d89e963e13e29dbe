/**
 * Escaping untrusted text where it meets a reader: a terminal, a CI log, the Markdown job summary. Registry
 * answers, media types, platforms, annotations, JWE headers and ref names are chosen by whoever built or serves
 * the image; raw, they could clear a terminal or forge its contents (ESC, CSI, OSC, C1 controls), forge log
 * lines and GitHub workflow commands (CR/LF, a line starting `::`), reorder what is shown (bidi overrides), or
 * inject HTML and Markdown into the summary. The front ends call these at their boundaries; data stays raw
 * (JSON output, Action outputs, report files), only its display is escaped.
 */

/**
 * C0 and C1 controls, DEL, Unicode line and paragraph separators, bidi marks, embeddings, overrides and isolates,
 * zero-width characters, BOM, interlinear annotations, and lone surrogates.
 */
const UNSAFE =
  /[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** ASCII controls as `\xNN` (familiar from C and shells), everything else as `\u{...}`. */
function visible(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * Text for one terminal or log line: every unsafe character replaced by a visible escape, and GitHub Actions
 * workflow commands broken: a leading `::` (the runner trims any Unicode white space first) and `##[` anywhere
 * (its legacy parser looks for it anywhere in a line). Backslashes are left as they are, so escaping twice
 * changes nothing.
 */
export function escapeTerminal(text: string): string {
  return text
    .replace(UNSAFE, visible)
    .replace(/##\[/g, `${visible('#')}#[`)
    .replace(/^(\s*)::/u, (_m, sp: string) => `${sp}${visible(':')}:`);
}

const MARKDOWN: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '[': '&#91;',
  ']': '&#93;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '\\': '&#92;',
  // GitHub splits table rows on pipes before it reads entities: only a backslash keeps a pipe in its cell.
  '|': '\\|',
};

/**
 * Text for one Markdown table cell or line of the job summary: controls made visible as in escapeTerminal
 * (so a newline cannot end the row), then HTML and Markdown specials (tags, code spans, links, emphasis,
 * table pipes) turned into entities that GitHub renders as the characters themselves.
 */
export function escapeMarkdown(text: string): string {
  return (
    escapeTerminal(text)
      .replace(/[&<>"'`[\]*_~\\|]/g, (c) => MARKDOWN[c]!)
      // GitHub links bare URLs and www. names by itself: an entity keeps them as text.
      .replace(/:\/\//g, '&#58;//')
      .replace(/\b(www)\./gi, '$1&#46;')
  );
}

/** JSON.stringify leaves DEL, C1 controls and bidi characters raw: these `\uXXXX` forms decode to the same data. */
const JSON_UNSAFE = /[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/** A value as indented JSON for stdout: the same data, with no raw control or bidi character in the text. */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
