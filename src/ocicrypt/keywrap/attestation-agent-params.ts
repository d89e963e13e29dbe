/**
 * The PARAMS of `provider:attestation-agent:PARAMS`, as coco_keyprovider reads them: `KEY=VALUE` fields joined
 * by `::`. Stricter than coco_keyprovider, which skips what it does not know: an unknown, repeated or empty
 * field, a second algorithm, or a keyid the guest could not resolve is an E_USAGE error here, so a typo never
 * yields an image no guest opens. Pure: the KEK file is read by the caller.
 */
import { OepError } from '../../errors.js';
import { WRAP_TYPE } from './attestation-agent.js';

export interface AttestationAgentParams {
  /** The 32-byte KEK file. */
  keypath?: string;
  /** The KBS resource URI the guest fetches the KEK by (`kbs:///REPO/TYPE/TAG`); written as the packet's kid. */
  keyid?: string;
  algorithm: typeof WRAP_TYPE;
}

const FIELDS = ['keypath', 'keyid', 'algorithm'] as const;
const SYNTAX = 'keypath=FILE::keyid=kbs:///REPO/TYPE/TAG[::algorithm=A256GCM]';

/**
 * The guest's Confidential Data Hub reads `kid` as a KBS resource URI (guest-components resource_uri):
 * scheme `kbs` or `kbs+PLUGIN`, an optional KBS address, then exactly REPO/TYPE/TAG, an optional query.
 */
const RESOURCE_URI = /^kbs(\+[A-Za-z0-9._-]+)?:\/\/[^/?#\s]*\/[^/?#\s]+\/[^/?#\s]+\/[^/?#\s]+(\?[^#\s]*)?$/;

function usage(where: string, problem: string): OepError {
  return new OepError('E_USAGE', `${where}: ${problem}`, {
    hint: `give provider:attestation-agent:${SYNTAX}`,
  });
}

function checkValue(name: string, value: string, where: string): void {
  if (name === 'algorithm' && value !== WRAP_TYPE) {
    throw usage(where, `algorithm ${value} is not supported: only A256GCM (A256CTR has no integrity)`);
  }
  if (name === 'keyid' && !RESOURCE_URI.test(value)) {
    throw usage(where, `keyid ${value} is not a KBS resource URI kbs://[KBS-ADDRESS]/REPO/TYPE/TAG`);
  }
}

/** Parse `keypath=F::keyid=ID[::algorithm=A256GCM]`; which fields are required is up to the caller. */
export function parseAttestationAgentParams(
  params: string,
  where = 'provider:attestation-agent',
): AttestationAgentParams {
  if (params.trim() === '') throw usage(where, 'no parameters');
  const seen = new Map<string, string>();
  for (const field of params.split('::')) {
    const eq = field.indexOf('=');
    const name = eq > 0 ? field.slice(0, eq) : field;
    const value = eq > 0 ? field.slice(eq + 1) : '';
    if (!(FIELDS as readonly string[]).includes(name)) {
      throw usage(where, `unknown parameter ${JSON.stringify(name)} (known: ${FIELDS.join(', ')})`);
    }
    if (eq <= 0 || value === '') throw usage(where, `parameter ${name} has no value`);
    if (seen.has(name)) throw usage(where, `parameter ${name} is given twice`);
    checkValue(name, value, where);
    seen.set(name, value);
  }
  const out: AttestationAgentParams = { algorithm: WRAP_TYPE };
  const keypath = seen.get('keypath');
  const keyid = seen.get('keyid');
  if (keypath !== undefined) out.keypath = keypath;
  if (keyid !== undefined) out.keyid = keyid;
  return out;
}

/** For encryption: both the KEK file and the keyid the guest will fetch it by. */
export function requireWrapParams(
  p: AttestationAgentParams,
  where: string,
): { keypath: string; keyid: string } {
  if (!p.keypath) throw usage(where, 'keypath=FILE (the 32-byte KEK) is missing');
  if (!p.keyid) throw usage(where, 'keyid=kbs:///REPO/TYPE/TAG (where the guest fetches the KEK) is missing');
  return { keypath: p.keypath, keyid: p.keyid };
}
