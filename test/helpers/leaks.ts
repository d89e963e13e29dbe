/**
 * Secret-shaped sample values for the config-leak check, made at run time from random characters: no
 * token-shaped literal sits in the sources (secret scanners would flag it), and each run's values are new, so a
 * test that finds one in an output knows it leaked from this run.
 */
import { randomBytes } from 'node:crypto';
import type { ImageSpec } from './fixtures.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function random(n: number, alphabet = ALNUM): string {
  return [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
}

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** One sample value per value rule, keyed by the rule it must trip. */
export function sampleValues(): Record<string, string> {
  return {
    'aws-access-key-id': ['AK', 'IA'].join('') + random(16, UPPER_ALNUM),
    'github-token': ['gh', 'p_'].join('') + random(36),
    'github-pat': ['github', '_pat_'].join('') + random(60),
    'gitlab-token': ['gl', 'pat-'].join('') + random(20),
    'npm-token': ['np', 'm_'].join('') + random(36),
    'slack-token': ['xo', 'xb-'].join('') + `${random(11, '0123456789')}-${random(24)}`,
    'private-key': `${['-----BEGIN', 'PRIVATE KEY-----'].join(' ')}\n${random(64)}`,
    jwt: `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: random(12) })}.${random(43)}`,
  };
}

/** A random value that looks like nothing in particular (an AWS secret key, a password). */
export function plainSecret(): string {
  return random(40);
}

/**
 * A config that leaks in each place the check reads: Env (a named secret and an AWS secret key), Labels (a
 * GitHub token), history (a build argument), and a manifest annotation (a JWT). `secrets` lists every value.
 */
export function leakyImage(): { spec: Partial<ImageSpec>; secrets: string[] } {
  const v = sampleValues();
  const password = plainSecret();
  const aws = plainSecret();
  const npm = v['npm-token']!;
  return {
    spec: {
      config: {
        Env: ['PATH=/usr/bin', `DB_PASSWORD=${password}`, `AWS_SECRET_ACCESS_KEY=${aws}`],
        Labels: { 'org.example.ci-token': v['github-token']! },
      },
      history: ['test fixture', `RUN |1 NPM_TOKEN=${npm} /bin/sh -c npm ci`],
      manifestAnnotations: { 'org.example.session': v.jwt! },
    },
    secrets: [password, aws, v['github-token']!, npm, v.jwt!],
  };
}
