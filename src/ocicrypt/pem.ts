/**
 * Splitting PEM text into blocks, all or nothing. A key file or a secret with several blocks is several keys:
 * a block that is truncated, mislabelled or malformed must fail the whole input, never vanish, or an image
 * would be encrypted for fewer recipients than the user listed. Text outside blocks (comments) is allowed.
 * Messages name the source and the block's number (1-based), never the block's content: it is key material.
 */
import { OepError } from '../errors.js';

export interface PemBlock {
  label: string;
  /** The block re-assembled from trimmed lines, as node's PEM parsers read it. */
  text: string;
  /** RFC 1421 headers (Proc-Type, DEK-Info): a legacy encrypted private key. */
  headers: boolean;
  /** 1-based position among the input's blocks. */
  number: number;
}

const BEGIN_RE = /^-----BEGIN ([A-Z0-9]+(?: [A-Z0-9]+)*)-----$/;
const END_RE = /^-----END (.*)-----$/;
const HEADER_RE = /^[A-Za-z-]+:/;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** "keys/team.pem (PEM block 2)": how messages name a block. */
export function blockName(source: string, number: number): string {
  return `${source} (PEM block ${number})`;
}

function bad(source: string, number: number, what: string, label?: string): OepError {
  const where = label ? `${source} (PEM block ${number}, ${label})` : blockName(source, number);
  return new OepError('E_KEY', `${where} ${what}`, {
    hint: 'each key must be whole: a -----BEGIN line, base64 lines, and the matching -----END line, each on its own line',
  });
}

interface Open {
  label: string;
  number: number;
  body: string[];
}

function close(open: Open, source: string): PemBlock {
  const headers = open.body.some((l) => HEADER_RE.test(l));
  if (!headers && !open.body.every((l) => BASE64_RE.test(l))) {
    throw bad(source, open.number, 'holds text that is not base64', open.label);
  }
  return {
    label: open.label,
    number: open.number,
    headers,
    text: `-----BEGIN ${open.label}-----\n${open.body.join('\n')}\n-----END ${open.label}-----\n`,
  };
}

/** Every block in `text`, checked for shape (BEGIN, base64, matching END); parsing the keys is the caller's. */
export function pemBlocks(text: string, source: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let open: Open | undefined;
  let count = 0;
  for (const [i, raw] of text.split(/\r\n|\r|\n/).entries()) {
    const line = raw.trim();
    if (line.includes('-----BEGIN')) {
      if (open) throw bad(source, open.number, 'has no END line before the next BEGIN', open.label);
      const m = BEGIN_RE.exec(line);
      count += 1;
      if (!m) throw bad(source, count, 'has a malformed BEGIN line');
      open = { label: m[1]!, number: count, body: [] };
    } else if (line.includes('-----END')) {
      const m = END_RE.exec(line);
      if (!open) {
        throw new OepError('E_KEY', `${source} line ${i + 1}: an END line with no BEGIN line before it`, {
          hint: 'the key was cut at its start: copy the whole key, from its -----BEGIN line',
        });
      }
      if (!m || m[1] !== open.label) {
        const end = m && /^[A-Z0-9 ]{1,64}$/.test(m[1]!) ? `END ${m[1]}` : 'a malformed END line';
        throw bad(source, open.number, `begins with BEGIN ${open.label} but ends with ${end}`);
      }
      blocks.push(close(open, source));
      open = undefined;
    } else if (open) {
      open.body.push(line);
    }
  }
  if (open) throw bad(source, open.number, 'has no END line', open.label);
  return blocks;
}
