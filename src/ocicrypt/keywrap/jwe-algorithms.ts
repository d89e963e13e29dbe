/**
 * The JWE wrapper's algorithm table (ocicrypt keywrap/jwe, go-jose): which public keys it wraps to and with
 * which key-management algorithm. RSA keys get RSA-OAEP, P-curve keys ECDH-ES+A256KW, unless a JWK declares
 * another algorithm of the same family. Unwrapping accepts exactly these algorithms.
 */
import { OepError, quote } from '../../errors.js';
import { nistCurve, type PublicKey } from '../recipient.js';

const MIN_RSA_BITS = 2048;

interface Family {
  /** What a JWK may declare; the first is the default. */
  algs: readonly string[];
  hint: string;
}

const FAMILIES = {
  rsa: { algs: ['RSA-OAEP', 'RSA-OAEP-256'], hint: 'use RSA-OAEP or RSA-OAEP-256 for RSA keys' },
  ec: {
    algs: ['ECDH-ES+A256KW', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW'],
    hint: 'use ECDH-ES+A256KW for EC keys',
  },
} satisfies Record<string, Family>;

/** What go-jose v4 (ocicrypt >= 1.2) accepts; we accept no more. */
export const KEY_ALGS: readonly string[] = [...FAMILIES.rsa.algs, ...FAMILIES.ec.algs];

/** The family of a key ocicrypt (go-jose) can wrap to; the refusal says which key to use instead. */
function familyOf({ key, source }: PublicKey): Family {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      throw new OepError(
        'E_KEY',
        `${source} is a ${bits}-bit RSA key; at least ${MIN_RSA_BITS} bits are required`,
        {
          hint: 'generate a new key: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096',
        },
      );
    }
    return FAMILIES.rsa;
  }
  if (type === 'ec') {
    if (nistCurve(key)) return FAMILIES.ec;
    throw new OepError(
      'E_KEY',
      `${source} is on curve ${key.asymmetricKeyDetails?.namedCurve}, which ocicrypt cannot use`,
      {
        hint: 'use an EC key on P-256, P-384 or P-521, or an RSA key',
      },
    );
  }
  throw new OepError(
    'E_KEY',
    `${source} is a ${type ?? 'unknown'} key, which ocicrypt (go-jose) cannot wrap to`,
    {
      hint: 'use an RSA (2048 bits or more) or EC P-256/P-384/P-521 public key',
    },
  );
}

/** The key-management algorithm for a recipient key: its family's default, or the one its JWK declares. */
export function jweAlgorithm(pk: PublicKey): string {
  const family = familyOf(pk);
  const declared = pk.declared?.alg;
  if (declared === undefined) return family.algs[0]!;
  if (!family.algs.includes(declared as string)) {
    throw new OepError('E_KEY', `${pk.source}: JWK alg ${quote(declared)} cannot wrap layer keys`, {
      hint: family.hint,
    });
  }
  return declared as string;
}
