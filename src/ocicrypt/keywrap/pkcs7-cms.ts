/**
 * The CMS side of the pkcs7 wrapper, on pkijs/asn1js: EnvelopedData built as go.mozilla.org/pkcs7 (and
 * smallstep/pkcs7) write it for ocicrypt, and read back in that form or in standard CMS. Format doc §6.
 *
 * - Key transport: KeyTransRecipientInfo v0, IssuerAndSerialNumber, rsaEncryption (RSA PKCS#1 v1.5), no params.
 * - Content: AES-128-GCM, 12-byte nonce, 16-byte tag appended; encryptedContent `[0]` constructed around one
 *   OCTET STRING. The GCM parameters carry Go's quirk: tag 0x10 *primitive* around the DER GCMParameters
 *   SEQUENCE, whose nonce is `[4]` IMPLICIT (0x84). asn1js reads the wrapper as a SEQUENCE holding the real one;
 *   a standard encoding is the SEQUENCE itself, with a universal OCTET STRING nonce.
 * - Reading also takes standard CBC (IV as an OCTET STRING parameter), as OpenSSL `cms -encrypt` writes it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import {
  AlgorithmIdentifier,
  Certificate,
  ContentInfo,
  EnvelopedData,
  IssuerAndSerialNumber,
  KeyTransRecipientInfo,
  RecipientInfo as CmsRecipientInfo,
} from 'pkijs';
import { OepError } from '../../errors.js';

export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const OID_DATA = '1.2.840.113549.1.7.1';
const OID_ENVELOPED_DATA = '1.2.840.113549.1.7.3';
const OID_AES128_GCM = '2.16.840.1.101.3.4.1.6';

/** Content ciphers ocicrypt's pkcs7 reads (single DES left out: OpenSSL 3 keeps it in the legacy provider). */
const CONTENT_CIPHERS: Record<string, { name: string; keyLength: number; gcm?: true }> = {
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
  [OID_AES128_GCM]: { name: 'aes-128-gcm', keyLength: 16, gcm: true },
  '2.16.840.1.101.3.4.1.26': { name: 'aes-192-gcm', keyLength: 24, gcm: true },
  '2.16.840.1.101.3.4.1.46': { name: 'aes-256-gcm', keyLength: 32, gcm: true },
};

function malformed(what: string): OepError {
  return new OepError('E_OPTIONS', `a pkcs7 key annotation item is malformed: ${what}`);
}

function ber(bytes: Uint8Array, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1 || parsed.offset !== bytes.length) throw malformed(`${what} is not DER`);
  return parsed.result;
}

export function parseCertificate(der: Uint8Array): Certificate {
  return new Certificate({ schema: ber(der, 'the certificate') });
}

/** A recipient of an EnvelopedData: its certificate (issuer and serial) and the CEK encrypted to its key. */
export interface WrappedFor {
  certificate: Certificate;
  encryptedKey: Uint8Array;
}

/** The DER ContentInfo of an EnvelopedData, exactly in ocicrypt's shape; `seal` encrypts the CEK per recipient. */
export function envelope(plaintext: Uint8Array, seal: (cek: Buffer) => WrappedFor[]): Uint8Array {
  const cek = randomBytes(16);
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-128-gcm', cek, nonce);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const recipients = seal(cek).map(({ certificate, encryptedKey }) =>
    new CmsRecipientInfo({
      variant: 1,
      value: new KeyTransRecipientInfo({
        version: 0,
        rid: new IssuerAndSerialNumber({
          issuer: certificate.issuer,
          serialNumber: certificate.serialNumber,
        }),
        keyEncryptionAlgorithm: new AlgorithmIdentifier({ algorithmId: OID_RSA_ENCRYPTION }),
        encryptedKey: new asn1js.OctetString({ valueHex: encryptedKey }),
      }),
    }).toSchema(),
  );
  // mozilla's aesGCMParameters tags the nonce `asn1:"tag:4"`: [4] IMPLICIT, 0x84 on the wire (skopeo 1.9.3 writes
  // and requires it), not the universal OCTET STRING 0x04 of RFC 5084.
  const gcmParameters = new asn1js.Sequence({
    value: [
      new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 4 }, valueHex: nonce }),
      new asn1js.Integer({ value: 16 }),
    ],
  });
  const quirkyParams = new asn1js.Primitive({
    idBlock: { tagClass: 1, tagNumber: 16 },
    valueHex: gcmParameters.toBER(),
  });
  const encryptedContentInfo = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID_DATA }),
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID_AES128_GCM }), quirkyParams] }),
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [new asn1js.OctetString({ valueHex: ct })],
      }),
    ],
  });
  const enveloped = new asn1js.Sequence({
    value: [new asn1js.Integer({ value: 0 }), new asn1js.Set({ value: recipients }), encryptedContentInfo],
  });
  const ci = new ContentInfo({ contentType: OID_ENVELOPED_DATA, content: enveloped });
  return new Uint8Array(ci.toSchema().toBER());
}

/** Parse an annotation item as a ContentInfo holding EnvelopedData. */
export function parseEnveloped(item: Uint8Array): EnvelopedData {
  const schema = ber(item, 'the item');
  try {
    const ci = new ContentInfo({ schema });
    if (ci.contentType !== OID_ENVELOPED_DATA) throw malformed(`content type ${ci.contentType}`);
    return new EnvelopedData({ schema: ci.content as asn1js.AsnType });
  } catch (err) {
    if (err instanceof OepError) throw err;
    throw malformed('not a CMS EnvelopedData');
  }
}

/** The key-transport recipients of an EnvelopedData (other kinds ocicrypt never writes are left out). */
export function keyTransRecipients(env: EnvelopedData): KeyTransRecipientInfo[] {
  return env.recipientInfos.flatMap((r) => (r.value instanceof KeyTransRecipientInfo ? [r.value] : []));
}

const NAME_TYPES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

function issuerText(rid: IssuerAndSerialNumber): string {
  return rid.issuer.typesAndValues
    .map((tv) => {
      const v = (tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value;
      return `${NAME_TYPES[tv.type] ?? tv.type}=${typeof v === 'string' ? v : '?'}`;
    })
    .join(', ');
}

function serialText(rid: IssuerAndSerialNumber): string {
  // DER puts a 00 before a serial whose top bit is set (it is positive): shown as openssl and X509Certificate do.
  return Buffer.from(rid.serialNumber.valueBlock.valueHexView)
    .toString('hex')
    .toUpperCase()
    .replace(/^(00)+(?=.)/, '');
}

/** The issuer ("CN=..., O=...") and serial (hex) a recipient info names, when it names them (v0 does). */
export function issuerAndSerial(ri: KeyTransRecipientInfo): { issuer: string; serial: string } | undefined {
  if (!(ri.rid instanceof IssuerAndSerialNumber)) return undefined;
  return { issuer: issuerText(ri.rid), serial: serialText(ri.rid) };
}

function der(x: { toSchema(): { toBER(): ArrayBuffer } }): Buffer {
  return Buffer.from(x.toSchema().toBER());
}

/** Whether a recipient info names this certificate (issuer and serial, as mozilla's selectRecipientForCertificate). */
export function namesCertificate(ri: KeyTransRecipientInfo, cert: Certificate): boolean {
  const rid = ri.rid;
  if (!(rid instanceof IssuerAndSerialNumber)) return false;
  return der(rid.issuer).equals(der(cert.issuer)) && rid.serialNumber.isEqual(cert.serialNumber);
}

/** An OCTET STRING's bytes; `implicitTag` also takes them under that context tag (mozilla's GCM nonce, [4]). */
function octets(v: unknown, what: string, implicitTag?: number): Buffer {
  if (v instanceof asn1js.OctetString) return Buffer.from(v.valueBlock.valueHexView);
  const tagged =
    v instanceof asn1js.Primitive &&
    implicitTag !== undefined &&
    v.idBlock.tagClass === 3 &&
    v.idBlock.tagNumber === implicitTag;
  if (!tagged) throw malformed(what);
  return Buffer.from(v.valueBlock.valueHexView);
}

/** GCM parameters in ocicrypt's quirky form (a SEQUENCE wrapping the SEQUENCE) or the standard one. */
function gcmParameters(params: unknown): { nonce: Buffer; tagLength: number } {
  if (!(params instanceof asn1js.Sequence)) throw malformed('GCM parameters missing');
  const first = params.valueBlock.value[0];
  const seq = first instanceof asn1js.Sequence ? first : params;
  const [nonce, icv] = seq.valueBlock.value;
  const tagLength = icv instanceof asn1js.Integer ? icv.valueBlock.valueDec : 12;
  if (tagLength < 12 || tagLength > 16) throw malformed(`GCM tag length ${tagLength}`);
  return { nonce: octets(nonce, 'GCM nonce', 4), tagLength };
}

/**
 * Check the content's cipher and parameters before any key is tried, so that whether an item is malformed never
 * depends on what an RSA decryption returned (no oracle): the cipher is one we read, ocicrypt's GCM has a
 * 12-byte nonce and a 16-byte tag (Go's cipher.NewGCM), a CBC IV is one block.
 */
export function checkContent(env: EnvelopedData): void {
  const eci = env.encryptedContentInfo;
  const alg = eci.contentEncryptionAlgorithm;
  const c = CONTENT_CIPHERS[alg.algorithmId];
  if (!c)
    throw malformed(`content cipher ${alg.algorithmId} is not one ocicrypt reads (AES-GCM, AES-CBC, 3DES)`);
  if (c.gcm) {
    const { nonce, tagLength } = gcmParameters(alg.algorithmParams);
    if (nonce.length !== 12 || tagLength !== 16) throw malformed('GCM nonce or tag length');
    if (eci.getEncryptedContent().byteLength < tagLength) throw malformed('GCM content shorter than its tag');
    return;
  }
  const iv = octets(alg.algorithmParams, 'CBC IV');
  if (iv.length !== (c.name === 'des-ede3-cbc' ? 8 : 16)) throw malformed('CBC IV length');
}

/** The content cipher's key length, or undefined for a cipher we do not read. */
export function contentKeyLength(env: EnvelopedData): number | undefined {
  return CONTENT_CIPHERS[env.encryptedContentInfo.contentEncryptionAlgorithm.algorithmId]?.keyLength;
}

/** Decrypt the content with a CEK; throws when the key is wrong (tag or padding), as a key trial expects. */
export function openContent(env: EnvelopedData, cek: Buffer): Buffer {
  const eci = env.encryptedContentInfo;
  const alg = eci.contentEncryptionAlgorithm;
  const c = CONTENT_CIPHERS[alg.algorithmId];
  // Malformed rather than unsupported: the layer's other key items are still tried.
  if (!c)
    throw malformed(`content cipher ${alg.algorithmId} is not one ocicrypt reads (AES-GCM, AES-CBC, 3DES)`);
  const data = Buffer.from(eci.getEncryptedContent());
  if (c.gcm) {
    const { nonce, tagLength } = gcmParameters(alg.algorithmParams);
    if (data.length < tagLength) throw malformed('GCM content shorter than its tag');
    const d = createDecipheriv(c.name as 'aes-128-gcm', cek, nonce, { authTagLength: tagLength });
    d.setAuthTag(data.subarray(data.length - tagLength));
    return Buffer.concat([d.update(data.subarray(0, data.length - tagLength)), d.final()]);
  }
  const d = createDecipheriv(c.name, cek, octets(alg.algorithmParams, 'CBC IV'));
  return Buffer.concat([d.update(data), d.final()]);
}
