/**
 * Untrusted strings reach the Action's log and job summary escaped: an image whose ref name, platform, media
 * types, JWE headers and annotations carry terminal escapes, forged workflow commands, HTML, table pipes and
 * bidi overrides; and a registry error body. Outputs stay the raw data.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { failureMessage, run } from '../../../src/action/main.js';
import { summaryMarkdown } from '../../../src/action/summary.js';
import { inspectImage } from '../../../src/pipeline/inspect.js';
import type { PushReport } from '../../../src/pipeline/push.js';
import { httpError } from '../../../src/registry/transport/errors.js';
import { keyPair, tempDir } from '../../helpers/fixtures.js';
import { assertNoRawControl, assertNoWorkflowCommand, HOSTILE, hostileLayout } from '../cli/hostile.js';

const dir = tempDir('oep-action-escape-');
const layout = hostileLayout(join(dir, 'hostile'));

/** Pipes that separate cells (not the escaped `\|` kept inside one). */
function cells(row: string): number {
  return row.split(/(?<!\\)\|/).length - 2;
}

function assertSafeMarkdown(md: string): void {
  assertNoRawControl(md.replace(/\n/g, ''), 'summary');
  assertNoWorkflowCommand(md);
  for (const raw of ['<img', '[click](', '`code`', '](http']) {
    assert.ok(!md.includes(raw), `${JSON.stringify(raw)} survived in:\n${md}`);
  }
}

describe('the job summary of a hostile image', () => {
  test('no raw control, HTML, link, code span or extra table cell survives', async () => {
    const report = await inspectImage({ layout });
    const pushed: PushReport = {
      ...report,
      image: `ghcr.io/org/app`,
      imageRef: `ghcr.io/org/app@${report.digest}`,
      tags: [`ghcr.io/org/app:${HOSTILE}`],
      verified: true,
      skippedPlatforms: [`linux/${HOSTILE}`],
      attestations: [{ digest: report.digest, reference: HOSTILE }],
      pushed: { uploaded: 0, mounted: 0, skipped: 0, bytesUploaded: 0 },
    };
    const md = summaryMarkdown(pushed);
    assertSafeMarkdown(md);
    const rows = md.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    assert.equal(rows.length, 2, md);
    for (const row of rows) assert.equal(cells(row), 5, `a layer row split into other cells: ${row}`);
    assert.ok(md.includes('&lt;img'), 'the hostile text is shown, escaped');
  });
});

describe('failureMessage of a registry error with a hostile body', () => {
  test('one escaped line that cannot be read as a workflow command', () => {
    const body = JSON.stringify({ errors: [{ code: 'DENIED', message: `\r\n::add-mask::x ${HOSTILE}` }] });
    const msg = failureMessage(httpError(403, {}, body, HOSTILE));
    assertNoRawControl(msg, 'failure message');
    assertNoWorkflowCommand(msg);
  });
});

describe('run() on a hostile image: the log and the summary', () => {
  let saved: NodeJS.ProcessEnv;
  let out: string[];
  let write: typeof process.stdout.write;
  beforeEach(() => {
    saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
    out = [];
    write = process.stdout.write.bind(process.stdout);
    // @actions/core writes strings; the test runner's own reports (binary) pass through.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      if (typeof chunk !== 'string') return write(chunk, ...rest);
      out.push(chunk);
      return true;
    }) as typeof process.stdout.write;
  });
  afterEach(() => {
    process.stdout.write = write;
    process.exitCode = 0;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  function inputs(values: Record<string, string>): void {
    for (const [k, v] of Object.entries(values)) process.env[`INPUT_${k.toUpperCase()}`] = v;
  }

  test('a successful encrypt: log lines and the written summary are escaped', async () => {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '');
    process.env.GITHUB_STEP_SUMMARY = summary;
    process.env.GITHUB_OUTPUT = join(dir, 'outputs');
    writeFileSync(process.env.GITHUB_OUTPUT, '');
    inputs({ layout, 'public-keys': keyPair('p256').publicPem, output: join(dir, 'enc') });
    await run();
    const log = out.join('');
    assert.ok(!/^::error::/m.test(log), log);
    assertNoRawControl(log.replace(/\n/g, ''), 'log');
    assertNoWorkflowCommand(log, /^::(group|endgroup)::/);
    assertSafeMarkdown(readFileSync(summary, 'utf8'));
  });

  test('a failure listing hostile ref names: the ::error:: line is escaped', async () => {
    const twin = hostileLayout(join(dir, 'twin'), { twin: true });
    inputs({ layout: twin, 'public-keys': keyPair('p256').publicPem, output: join(dir, 'enc2') });
    await run();
    const log = out.join('');
    assert.match(log, /^::error::/m);
    assertNoRawControl(log.replace(/\n/g, ''), 'log');
    assertNoWorkflowCommand(log, /^::(group|endgroup|error)::/);
  });
});
