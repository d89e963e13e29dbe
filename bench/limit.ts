/**
 * The machine's limit for our work, measured in the same run as the scenarios: AES-256-CTR and SHA-256 on one
 * core (node:crypto, so the same OpenSSL code our engine runs, 1 MiB chunks), and the formula: one
 * encryption or decryption pass over a byte is one AES plus three SHA-256 (the input digest check, the HMAC,
 * the output digest), on every core at once. Disk, page cache and the registry are not counted: the limit is
 * the CPU floor, so "% of limit" says how close the engine runs to it.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';

export interface MachineLimit {
  cores: number;
  /** One core, bytes per second. */
  aesBps: number;
  shaBps: number;
  /** AES + 3 × SHA-256 on one core, then on all of them. */
  passPerCoreBps: number;
  passBps: number;
}

/** Bytes per second of `work` on 1 MiB chunks: the best of three rounds of at least `ms` each. */
function rate(work: (chunk: Buffer) => void, ms: number): number {
  const chunk = randomBytes(1024 * 1024);
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    let bytes = 0;
    while (performance.now() - start < ms) {
      for (let i = 0; i < 16; i++) work(chunk);
      bytes += 16 * chunk.length;
    }
    best = Math.max(best, bytes / ((performance.now() - start) / 1000));
  }
  return best;
}

export function measureLimit(ms = 300): MachineLimit {
  const cipher = createCipheriv('aes-256-ctr', randomBytes(32), randomBytes(16));
  const aesBps = rate((c) => void cipher.update(c), ms);
  const hash = createHash('sha256');
  const shaBps = rate((c) => void hash.update(c), ms);
  const passPerCoreBps = 1 / (1 / aesBps + 3 / shaBps);
  const cores = availableParallelism();
  return { cores, aesBps, shaBps, passPerCoreBps, passBps: passPerCoreBps * cores };
}

export function describeLimit(l: MachineLimit): string {
  const gb = (bps: number) => `${(bps / 1e9).toFixed(2)} GB/s`;
  return (
    `AES-256-CTR ${gb(l.aesBps)}, SHA-256 ${gb(l.shaBps)} per core (node:crypto); ` +
    `AES + 3 x SHA-256 = ${gb(l.passPerCoreBps)} per core, ${gb(l.passBps)} on ${l.cores} cores`
  );
}
