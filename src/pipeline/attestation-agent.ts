/**
 * `provider:attestation-agent:PARAMS` when no key provider of that name is configured: the KEK is read here
 * (the engine knows no files) and wrapped in-process as coco_keyprovider does (ocicrypt/keywrap/attestation-agent).
 */
import { readKeyFile } from '../host/files.js';
import type { KeyRecipient, PrivateDecryptionKey } from '../ocicrypt/keys.js';
import { kekDecryptionKey, kekRecipient } from '../ocicrypt/keywrap/attestation-agent.js';
import {
  parseAttestationAgentParams,
  requireWrapParams,
} from '../ocicrypt/keywrap/attestation-agent-params.js';
import { OepError } from '../errors.js';
import type { KbsRegistrar } from './kbs.js';

const RECIPIENT = 'provider:attestation-agent';

/**
 * The recipient of `provider:attestation-agent:keypath=F::keyid=ID[::algorithm=A256GCM]`; with kbs-url, of
 * `provider:attestation-agent[:keyid=ID]`: a fresh KEK the KBS is to hold.
 */
export function attestationAgentRecipient(
  params: string,
  input = RECIPIENT,
  ctx: { kbs?: KbsRegistrar } = {},
): KeyRecipient {
  if (ctx.kbs) return ctx.kbs.recipient(params, input);
  const { keypath, keyid } = requireWrapParams(parseAttestationAgentParams(params, input), input);
  return kekRecipient(readKeyFile(keypath, input), keyid, keypath);
}

/** The key of `--key provider:attestation-agent:keypath=F` (a keyid, if given, is checked and not needed). */
export function attestationAgentKey(params: string, input = `--key ${RECIPIENT}`): PrivateDecryptionKey {
  const p = parseAttestationAgentParams(params, input);
  if (!p.keypath) {
    throw new OepError('E_USAGE', `${input}: keypath=FILE (the 32-byte KEK) is missing`, {
      hint: 'give --key provider:attestation-agent:keypath=FILE',
    });
  }
  return kekDecryptionKey(readKeyFile(p.keypath, input), p.keypath);
}
