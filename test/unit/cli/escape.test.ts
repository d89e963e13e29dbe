/**
 * Untrusted text reaches the terminal escaped: an image's ref name, platform, media types, JWE headers and
 * annotations in `inspect`, names listed in an error, and a registry's error body. `--json` stays the raw data,
 * JSON-encoded so that no raw control character reaches stdout either.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { escapeMarkdown, escapeTerminal, terminalJson } from '../../../src/escape.js';
import { httpError } from '../../../src/registry/transport/errors.js';
import { runCli, runCliAsync } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/fixtures.js';
import { assertNoRawControl, assertNoWorkflowCommand, HOSTILE, hostileLayout } from './hostile.js';

describe('escapeTerminal: one visible line', () => {
  test('C0, DEL, C1 controls and bidi overrides become visible escapes', () => {
    assert.equal(escapeTerminal('a\x1b[2Jb'), 'a\\x1b[2Jb');
    assert.equal(escapeTerminal('\r\n\t\x00\x7f'), '\\x0d\\x0a\\x09\\x00\\x7f');
    assert.equal(escapeTerminal('\u009b31m'), '\\u{9b}31m');
    assert.equal(escapeTerminal('x\u202ey\u2066z\u2069'), 'x\\u{202e}y\\u{2066}z\\u{2069}');
    assert.equal(escapeTerminal('\u2028\u2029\ufeff'), '\\u{2028}\\u{2029}\\u{feff}');
  });

  test('ordinary text, including non-ASCII letters, is unchanged; escaping twice changes nothing', () => {
    const text = 'linux/arm64/v8 application/vnd.oci.image.layer.v1.tar+gzip café 镜像';
    assert.equal(escapeTerminal(text), text);
    assert.equal(escapeTerminal(escapeTerminal(HOSTILE)), escapeTerminal(HOSTILE));
  });

  test('a line cannot start as a GitHub workflow command', () => {
    assert.ok(!escapeTerminal('::set-output name=x::y').startsWith('::'));
    assert.ok(!escapeTerminal('  ::error::x').trimStart().startsWith('::'));
    assert.ok(!escapeTerminal('##[set-output name=x;]y').startsWith('##['));
    assert.equal(escapeTerminal('a::b'), 'a::b');
  });

  test('##[ is broken anywhere in a line (the legacy parser of the runner finds it anywhere), :: after any space', () => {
    const line = escapeTerminal('retrying: x ##[set-output name=digest;]sha256:evil');
    assert.ok(!line.includes('##['), line);
    for (const space of ['\u00a0', '\u2003', '\u3000', '\t']) {
      const out = escapeTerminal(`${space}::error::x`);
      assert.ok(!/^\s*::/u.test(out), JSON.stringify(out));
    }
  });

  test('a lone surrogate is shown, not passed on', () => {
    assert.equal(escapeTerminal('a\ud800b'), 'a\\u{d800}b');
  });
});

describe('escapeMarkdown: one table cell or line of the job summary', () => {
  test('HTML, table pipes, code spans, links and emphasis are inert', () => {
    const md = escapeMarkdown('<img src=x onerror=alert(1)>|`c`[a](b)*_~\\&');
    assert.ok(!/[<>`[\]*_~]/.test(md), md);
    assert.ok(!/(^|[^\\])\|/.test(md), `an unescaped pipe: ${md}`);
    assert.ok(md.includes('&lt;img'), md);
  });

  test('URLs from the image are not turned into links by the GitHub autolinker', () => {
    const md = escapeMarkdown('see https://evil.example/login or WWW.evil.example');
    assert.ok(!/https?:\/\//i.test(md), md);
    assert.ok(!/www\./i.test(md), md);
  });

  test('controls and bidi are visible escapes, newlines included', () => {
    const md = escapeMarkdown(HOSTILE);
    assertNoRawControl(md, 'markdown');
    assert.ok(!md.includes('\n'));
  });
});

describe('terminalJson', () => {
  test('the same data, with no raw control or bidi character in the text', () => {
    const value = { refName: HOSTILE, n: 1 };
    const text = terminalJson(value);
    assertNoRawControl(text.replace(/\n/g, ''), 'json');
    assert.deepEqual(JSON.parse(text), value);
  });
});

describe('registry error texts', () => {
  test('httpError escapes the registry code, message and body', () => {
    const body = JSON.stringify({ errors: [{ code: `DENIED${HOSTILE}`, message: HOSTILE }] });
    const err = httpError(403, {}, body, 'push manifest');
    assertNoRawControl(err.describe(), 'message');
    assert.equal(err.diagnostics[0]!.message, HOSTILE, 'the structured diagnostics keep the raw data');
    const plain = httpError(500, {}, `<html>${HOSTILE}</html>`, 'push blob');
    assertNoRawControl(plain.describe(), 'message');
  });
});

describe('oci-encrypt-push inspect with hostile strings in the image', () => {
  const dir = tempDir('oep-escape-');
  const layout = hostileLayout(join(dir, 'hostile'));

  test('text output: no raw control, no workflow command line, the escapes visible', () => {
    const r = runCli(['inspect', '--layout', layout]);
    assert.equal(r.status, 0, r.stderr);
    assertNoRawControl(r.stdout.replace(/\n/g, ''), 'stdout');
    assertNoWorkflowCommand(r.stdout);
    assert.ok(r.stdout.includes('\\x1b[2J'), r.stdout);
    assert.ok(r.stdout.includes('\\u{202e}'), r.stdout);
  });

  test('--json: the raw data, but no raw control character in the text', () => {
    const r = runCli(['inspect', '--layout', layout, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assertNoRawControl(r.stdout.replace(/\n/g, ''), 'stdout');
    const report = JSON.parse(r.stdout) as { refName: string; platforms: { platform: string }[] };
    assert.equal(report.refName, HOSTILE);
    assert.equal(report.platforms[0]!.platform, `linux/amd64/${HOSTILE}`);
  });

  test('an error listing hostile ref names is escaped on stderr', () => {
    const twin = hostileLayout(join(dir, 'twin'), { twin: true });
    const r = runCli(['inspect', '--layout', twin]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /E_REF_NAME|ref-name/);
    assertNoRawControl(r.stderr.replace(/\n/g, ''), 'stderr');
    assertNoWorkflowCommand(r.stderr);
  });
});

describe('a registry answering with a hostile error body', () => {
  let server: Server;
  let port: number;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/v2/') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const body = { errors: [{ code: 'MANIFEST_UNKNOWN', message: `\r\n::error::pwned ${HOSTILE}` }] };
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  test('inspect --image: one escaped error line on stderr', async () => {
    const r = await runCliAsync([
      'inspect',
      '--image',
      `127.0.0.1:${port}/app:v1`,
      '--tls-verify=false',
      '--retries',
      '0',
    ]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /MANIFEST_UNKNOWN/);
    assertNoRawControl(r.stderr.replace(/\n$/, ''), 'stderr');
    assertNoWorkflowCommand(r.stderr);
  });
});
