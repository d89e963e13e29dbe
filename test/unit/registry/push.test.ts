import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import type { Descriptor } from '../../../src/oci/model.js';
import type { RegistryClient } from '../../../src/registry/client.js';
import { pushContent, pushTags, type PushOptions, type PushTarget } from '../../../src/registry/push.js';
import { parseReference } from '../../../src/registry/reference.js';
import { RegistryError } from '../../../src/registry/transport/errors.js';
import { sha256 } from '../../helpers/fixtures.js';

const blob = (text: string): Descriptor => ({
  mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip+encrypted',
  digest: sha256(Buffer.from(text)),
  size: text.length,
});
const LAYER = blob('layer');
const CONFIG = blob('config');
const MANIFEST_BYTES = Buffer.from('{"schemaVersion":2}');
const MANIFEST: Descriptor = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: sha256(MANIFEST_BYTES),
  size: MANIFEST_BYTES.length,
};

/**
 * A client double with the RegistryClient methods push uses. It logs each call, keeps what each repository
 * holds, and fails the calls `faults` names (each fault consumed once).
 */
function fakeClient(host: string, faults: Map<string, Error> = new Map(), storedAs?: string) {
  const calls: string[] = [];
  const held = new Map<string, Set<string>>();
  const has = (repo: string) => held.get(repo) ?? held.set(repo, new Set()).get(repo)!;
  const fault = (key: string) => {
    const err = faults.get(key);
    if (err) {
      faults.delete(key);
      throw err;
    }
  };
  const client = {
    host,
    async blobExists(repo: string, d: Descriptor) {
      calls.push(`HEAD ${repo} ${d.digest.slice(7, 13)}`);
      return has(repo).has(d.digest);
    },
    async startUpload(repo: string, mount?: { digest: string; from: string }) {
      calls.push(`POST ${repo}${mount ? ` mount ${mount.digest.slice(7, 13)} from ${mount.from}` : ''}`);
      if (mount && has(mount.from).has(mount.digest)) {
        has(repo).add(mount.digest);
        return { mounted: true, location: new URL(`http://${host}/`) };
      }
      return { mounted: false, location: new URL(`http://${host}/v2/${repo}/blobs/uploads/x`) };
    },
    async uploadBlob(repo: string, _loc: URL, d: Descriptor, open: () => Promise<Readable>) {
      calls.push(`PUT ${repo} ${d.digest.slice(7, 13)}`);
      for await (const _ of await open());
      fault(`upload ${d.digest}`);
      has(repo).add(d.digest);
    },
    async putManifest(repo: string, reference: string, bytes: Buffer) {
      calls.push(`MANIFEST ${repo} ${reference.startsWith('sha256:') ? 'by-digest' : reference}`);
      fault(`manifest ${reference}`);
      return storedAs ?? sha256(bytes);
    },
  };
  return { client: client as unknown as RegistryClient, calls };
}

function options() {
  const lines: string[] = [];
  const opts: PushOptions = {
    retry: { retries: 2, baseMs: 1, maxMs: 5, log: (l) => lines.push(l) },
    concurrency: 1,
    log: (l) => lines.push(l),
  };
  return { opts, lines };
}

const reader = { open: async () => Readable.from([Buffer.from('x')]) };
const content = { blobs: [LAYER, CONFIG], manifests: [{ desc: MANIFEST, bytes: MANIFEST_BYTES }] };

describe('pushContent', () => {
  it('pushes every blob to every repository (mounting into the second), then the manifests by digest', async () => {
    const { client, calls } = fakeClient('reg');
    const targets: PushTarget[] = [
      { ref: parseReference('reg.example/a:v1'), client },
      { ref: parseReference('reg.example/a:v2'), client },
      { ref: parseReference('reg.example/b:v1'), client },
    ];
    const { opts } = options();
    const stats = await pushContent(targets, content, reader, opts);
    const l = LAYER.digest.slice(7, 13);
    const c = CONFIG.digest.slice(7, 13);
    assert.deepEqual(calls, [
      `HEAD a ${l}`,
      'POST a',
      `PUT a ${l}`,
      `HEAD b ${l}`,
      `POST b mount ${l} from a`,
      `HEAD a ${c}`,
      'POST a',
      `PUT a ${c}`,
      `HEAD b ${c}`,
      `POST b mount ${c} from a`,
      'MANIFEST a by-digest',
      'MANIFEST b by-digest',
    ]);
    assert.deepEqual(stats, { uploaded: 2, mounted: 2, skipped: 0, bytesUploaded: LAYER.size + CONFIG.size });
  });

  it('skips blobs the repository already holds', async () => {
    const { client } = fakeClient('reg');
    const { opts } = options();
    const targets = [{ ref: parseReference('reg.example/a'), client }];
    await pushContent(targets, content, reader, opts);
    const stats = await pushContent(targets, content, reader, opts);
    assert.deepEqual(stats, { uploaded: 0, mounted: 0, skipped: 2, bytesUploaded: 0 });
  });

  it('retries a whole blob session after a transient failure, and logs it', async () => {
    const faults = new Map<string, Error>([
      [
        `upload ${LAYER.digest}`,
        new RegistryError('E_NETWORK', 'PUT reg: socket hang up', { transient: true }),
      ],
    ]);
    const { client, calls } = fakeClient('reg', faults);
    const { opts, lines } = options();
    await pushContent([{ ref: parseReference('reg.example/a'), client }], content, reader, opts);
    const l = LAYER.digest.slice(7, 13);
    assert.deepEqual(calls.slice(0, 6), [
      `HEAD a ${l}`,
      'POST a',
      `PUT a ${l}`,
      `HEAD a ${l}`,
      'POST a',
      `PUT a ${l}`,
    ]);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^retry 1\/2 of blob sha256:\w+ to reg\.example\/a in .*socket hang up$/);
  });

  it('does not retry a refusal', async () => {
    const faults = new Map<string, Error>([
      [
        `manifest ${MANIFEST.digest}`,
        new RegistryError('E_REGISTRY', 'HTTP 400 MANIFEST_INVALID', { status: 400 }),
      ],
    ]);
    const { client, calls } = fakeClient('reg', faults);
    const { opts } = options();
    await assert.rejects(
      pushContent([{ ref: parseReference('reg.example/a'), client }], content, reader, opts),
      (e) => isOepError(e, 'E_REGISTRY'),
    );
    assert.equal(calls.filter((c) => c.startsWith('MANIFEST')).length, 1);
  });

  it('fails with E_VERIFY when the registry stored the manifest under another digest', async () => {
    const other = sha256(Buffer.from('other'));
    const { client } = fakeClient('reg', new Map(), other);
    const { opts } = options();
    await assert.rejects(
      pushContent([{ ref: parseReference('reg.example/a'), client }], content, reader, opts),
      (e) => isOepError(e, 'E_VERIFY') && e.message.includes(other) && e.message.includes('reg.example/a'),
    );
  });
});

describe('pushTags', () => {
  it('puts each tag, skipping untagged targets', async () => {
    const { client, calls } = fakeClient('reg');
    const { opts } = options();
    await pushTags(
      [
        { ref: parseReference('reg.example/a:v1'), client },
        { ref: parseReference(`reg.example/a@${MANIFEST.digest}`), client },
        { ref: parseReference('reg.example/b:latest'), client },
      ],
      { desc: MANIFEST, bytes: MANIFEST_BYTES },
      opts,
    );
    assert.deepEqual(calls, ['MANIFEST a v1', 'MANIFEST b latest']);
  });

  it('fails with E_VERIFY naming the tag when it points at another digest', async () => {
    const other = sha256(Buffer.from('other'));
    const { client } = fakeClient('reg', new Map(), other);
    const { opts } = options();
    await assert.rejects(
      pushTags(
        [{ ref: parseReference('reg.example/a:v1'), client }],
        { desc: MANIFEST, bytes: MANIFEST_BYTES },
        opts,
      ),
      (e) => isOepError(e, 'E_VERIFY') && e.message.includes('reg.example/a:v1') && e.message.includes(other),
    );
  });
});
