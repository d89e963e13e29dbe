/**
 * A checked request, run: the one place that turns a Request into the use case it asks for (encrypt into a
 * layout, encrypt and push, decrypt, inspect, rewrap, index). The CLI, the Action and the library each build the request
 * their way and hand it here with what their host supplies.
 */
import { decryptImage } from './decrypt.js';
import { encryptImage } from './encrypt.js';
import type { RunHost } from './host.js';
import { indexImage } from './index-image.js';
import { inspectImage } from './inspect.js';
import type { DecryptionKey } from './keys.js';
import { pushImage, type PushReport } from './push.js';
import type { RegistryOptions } from './registry-session.js';
import type { SourceOptions } from './registry-source.js';
import type { Request } from './request.js';
import type { ImageReport } from './result.js';
import { rewrapImage } from './rewrap.js';

export interface RequestRunner extends RunHost {
  /** A decrypt's or rewrap's keys (the front end reads them: the CLI from --key, the library from its options). */
  keys?: DecryptionKey[];
  /** What the host adds to the request's registry options (a secret masker, a command runner). */
  registry?: Pick<RegistryOptions, 'onSecret' | 'runCommand'>;
}

/** Where decrypt and inspect read from (a rewrap's image is where it pushes: it reads `from`). */
function source(req: Request, registry: RegistryOptions, log?: (line: string) => void): SourceOptions {
  const where = req.image ? { image: req.image, registry } : { layout: req.layout! };
  return { ...where, ...(log ? { log } : {}) };
}

/** The options every encryption takes, push or not. */
function encryptOptions(req: Request, host: RunHost) {
  return {
    layout: req.layout!,
    ...(req.refName ? { refName: req.refName } : {}),
    recipients: req.recipients,
    encryptLayers: req.encryptLayers,
    platforms: req.platforms,
    attestations: req.attestations,
    configSecrets: req.configSecrets,
    verifyKeys: req.verifyKeys,
    ...host,
    // The KBS gets the run's KEKs last, once what was made landed, verified and passed the gate, and before
    // anything is visible (a tag, the output): a failed run leaves the KEK under a named keyid as it was.
    ...(req.kbs ? { beforePublish: () => req.kbs!.register(host.log) } : {}),
  };
}

export function runRequest(req: Request, runner: RequestRunner): Promise<ImageReport | PushReport> {
  const { keys, registry: extra, ...host } = runner;
  const registry = { ...req.registry, ...extra };
  switch (req.command) {
    case 'encrypt': {
      const common = encryptOptions(req, host);
      if (!req.image) return encryptImage({ ...common, output: req.output! });
      return pushImage({
        ...common,
        image: req.image,
        tags: req.tags,
        output: req.output,
        verify: req.verify,
        registry,
        ...(req.pushByDigest ? { pushByDigest: true } : {}),
      });
    }
    case 'index':
      return indexImage({
        ...host,
        image: req.image!,
        tags: req.tags,
        sources: req.sources ?? [],
        requireEncrypted: req.requireEncrypted ?? true,
        registry,
      });
    case 'decrypt':
      return decryptImage({
        ...source(req, registry),
        ...host,
        refName: req.refName,
        output: req.output!,
        keys: keys ?? [],
        platforms: req.platforms,
      });
    case 'inspect':
      return inspectImage({ ...source(req, registry, host.log), refName: req.refName });
    case 'rewrap':
      return rewrapImage({
        ...host,
        source: req.from ? { image: req.from, registry } : { layout: req.layout! },
        ...(req.refName ? { refName: req.refName } : {}),
        keys: keys ?? [],
        recipients: req.recipients,
        rekey: req.rekey ?? false,
        ...(req.output ? { output: req.output } : {}),
        ...(req.image ? { push: { image: req.image, tags: req.tags, verify: req.verify, registry } } : {}),
      });
  }
}
