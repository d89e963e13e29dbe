export const id = 611;
export const ids = [611];
export const modules = {

/***/ 992:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   OID_RSA_ENCRYPTION: () => (/* binding */ OID_RSA_ENCRYPTION),
/* harmony export */   checkContent: () => (/* binding */ checkContent),
/* harmony export */   contentKeyLength: () => (/* binding */ contentKeyLength),
/* harmony export */   envelope: () => (/* binding */ envelope),
/* harmony export */   issuerAndSerial: () => (/* binding */ issuerAndSerial),
/* harmony export */   keyTransRecipients: () => (/* binding */ keyTransRecipients),
/* harmony export */   namesCertificate: () => (/* binding */ namesCertificate),
/* harmony export */   openContent: () => (/* binding */ openContent),
/* harmony export */   parseCertificate: () => (/* binding */ parseCertificate),
/* harmony export */   parseEnveloped: () => (/* binding */ parseEnveloped)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var asn1js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4549);
/* harmony import */ var pkijs__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4676);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3916);
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




const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const OID_DATA = '1.2.840.113549.1.7.1';
const OID_ENVELOPED_DATA = '1.2.840.113549.1.7.3';
const OID_AES128_GCM = '2.16.840.1.101.3.4.1.6';
/** Content ciphers ocicrypt's pkcs7 reads (single DES left out: OpenSSL 3 keeps it in the legacy provider). */
const CONTENT_CIPHERS = {
    '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
    '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
    '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
    '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
    [OID_AES128_GCM]: { name: 'aes-128-gcm', keyLength: 16, gcm: true },
    '2.16.840.1.101.3.4.1.26': { name: 'aes-192-gcm', keyLength: 24, gcm: true },
    '2.16.840.1.101.3.4.1.46': { name: 'aes-256-gcm', keyLength: 32, gcm: true },
};
function malformed(what) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .OepError */ .$s('E_OPTIONS', `a pkcs7 key annotation item is malformed: ${what}`);
}
function ber(bytes, what) {
    const parsed = asn1js__WEBPACK_IMPORTED_MODULE_1__.fromBER(bytes);
    if (parsed.offset === -1 || parsed.offset !== bytes.length)
        throw malformed(`${what} is not DER`);
    return parsed.result;
}
function parseCertificate(der) {
    return new pkijs__WEBPACK_IMPORTED_MODULE_2__/* .Certificate */ .usT({ schema: ber(der, 'the certificate') });
}
/** The DER ContentInfo of an EnvelopedData, exactly in ocicrypt's shape; `seal` encrypts the CEK per recipient. */
function envelope(plaintext, seal) {
    const cek = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(16);
    const nonce = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(12);
    const cipher = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createCipheriv)('aes-128-gcm', cek, nonce);
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    const recipients = seal(cek).map(({ certificate, encryptedKey }) => new pkijs__WEBPACK_IMPORTED_MODULE_2__/* .RecipientInfo */ .miz({
        variant: 1,
        value: new pkijs__WEBPACK_IMPORTED_MODULE_2__/* .KeyTransRecipientInfo */ .jLg({
            version: 0,
            rid: new pkijs__WEBPACK_IMPORTED_MODULE_2__/* .IssuerAndSerialNumber */ .com({
                issuer: certificate.issuer,
                serialNumber: certificate.serialNumber,
            }),
            keyEncryptionAlgorithm: new pkijs__WEBPACK_IMPORTED_MODULE_2__/* .AlgorithmIdentifier */ .NE_({ algorithmId: OID_RSA_ENCRYPTION }),
            encryptedKey: new asn1js__WEBPACK_IMPORTED_MODULE_1__.OctetString({ valueHex: encryptedKey }),
        }),
    }).toSchema());
    // mozilla's aesGCMParameters tags the nonce `asn1:"tag:4"`: [4] IMPLICIT, 0x84 on the wire (skopeo 1.9.3 writes
    // and requires it), not the universal OCTET STRING 0x04 of RFC 5084.
    const gcmParameters = new asn1js__WEBPACK_IMPORTED_MODULE_1__.Sequence({
        value: [
            new asn1js__WEBPACK_IMPORTED_MODULE_1__.Primitive({ idBlock: { tagClass: 3, tagNumber: 4 }, valueHex: nonce }),
            new asn1js__WEBPACK_IMPORTED_MODULE_1__.Integer({ value: 16 }),
        ],
    });
    const quirkyParams = new asn1js__WEBPACK_IMPORTED_MODULE_1__.Primitive({
        idBlock: { tagClass: 1, tagNumber: 16 },
        valueHex: gcmParameters.toBER(),
    });
    const encryptedContentInfo = new asn1js__WEBPACK_IMPORTED_MODULE_1__.Sequence({
        value: [
            new asn1js__WEBPACK_IMPORTED_MODULE_1__.ObjectIdentifier({ value: OID_DATA }),
            new asn1js__WEBPACK_IMPORTED_MODULE_1__.Sequence({ value: [new asn1js__WEBPACK_IMPORTED_MODULE_1__.ObjectIdentifier({ value: OID_AES128_GCM }), quirkyParams] }),
            new asn1js__WEBPACK_IMPORTED_MODULE_1__.Constructed({
                idBlock: { tagClass: 3, tagNumber: 0 },
                value: [new asn1js__WEBPACK_IMPORTED_MODULE_1__.OctetString({ valueHex: ct })],
            }),
        ],
    });
    const enveloped = new asn1js__WEBPACK_IMPORTED_MODULE_1__.Sequence({
        value: [new asn1js__WEBPACK_IMPORTED_MODULE_1__.Integer({ value: 0 }), new asn1js__WEBPACK_IMPORTED_MODULE_1__.Set({ value: recipients }), encryptedContentInfo],
    });
    const ci = new pkijs__WEBPACK_IMPORTED_MODULE_2__/* .ContentInfo */ ._Fs({ contentType: OID_ENVELOPED_DATA, content: enveloped });
    return new Uint8Array(ci.toSchema().toBER());
}
/** Parse an annotation item as a ContentInfo holding EnvelopedData. */
function parseEnveloped(item) {
    const schema = ber(item, 'the item');
    try {
        const ci = new pkijs__WEBPACK_IMPORTED_MODULE_2__/* .ContentInfo */ ._Fs({ schema });
        if (ci.contentType !== OID_ENVELOPED_DATA)
            throw malformed(`content type ${ci.contentType}`);
        return new pkijs__WEBPACK_IMPORTED_MODULE_2__/* .EnvelopedData */ .HGl({ schema: ci.content });
    }
    catch (err) {
        if (err instanceof _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .OepError */ .$s)
            throw err;
        throw malformed('not a CMS EnvelopedData');
    }
}
/** The key-transport recipients of an EnvelopedData (other kinds ocicrypt never writes are left out). */
function keyTransRecipients(env) {
    return env.recipientInfos.flatMap((r) => (r.value instanceof pkijs__WEBPACK_IMPORTED_MODULE_2__/* .KeyTransRecipientInfo */ .jLg ? [r.value] : []));
}
const NAME_TYPES = {
    '2.5.4.3': 'CN',
    '2.5.4.6': 'C',
    '2.5.4.7': 'L',
    '2.5.4.8': 'ST',
    '2.5.4.10': 'O',
    '2.5.4.11': 'OU',
    '1.2.840.113549.1.9.1': 'emailAddress',
};
function issuerText(rid) {
    return rid.issuer.typesAndValues
        .map((tv) => {
        const v = tv.value.valueBlock?.value;
        return `${NAME_TYPES[tv.type] ?? tv.type}=${typeof v === 'string' ? v : '?'}`;
    })
        .join(', ');
}
function serialText(rid) {
    // DER puts a 00 before a serial whose top bit is set (it is positive): shown as openssl and X509Certificate do.
    return Buffer.from(rid.serialNumber.valueBlock.valueHexView)
        .toString('hex')
        .toUpperCase()
        .replace(/^(00)+(?=.)/, '');
}
/** The issuer ("CN=..., O=...") and serial (hex) a recipient info names, when it names them (v0 does). */
function issuerAndSerial(ri) {
    if (!(ri.rid instanceof pkijs__WEBPACK_IMPORTED_MODULE_2__/* .IssuerAndSerialNumber */ .com))
        return undefined;
    return { issuer: issuerText(ri.rid), serial: serialText(ri.rid) };
}
function der(x) {
    return Buffer.from(x.toSchema().toBER());
}
/** Whether a recipient info names this certificate (issuer and serial, as mozilla's selectRecipientForCertificate). */
function namesCertificate(ri, cert) {
    const rid = ri.rid;
    if (!(rid instanceof pkijs__WEBPACK_IMPORTED_MODULE_2__/* .IssuerAndSerialNumber */ .com))
        return false;
    return der(rid.issuer).equals(der(cert.issuer)) && rid.serialNumber.isEqual(cert.serialNumber);
}
/** An OCTET STRING's bytes; `implicitTag` also takes them under that context tag (mozilla's GCM nonce, [4]). */
function octets(v, what, implicitTag) {
    if (v instanceof asn1js__WEBPACK_IMPORTED_MODULE_1__.OctetString)
        return Buffer.from(v.valueBlock.valueHexView);
    const tagged = v instanceof asn1js__WEBPACK_IMPORTED_MODULE_1__.Primitive &&
        implicitTag !== undefined &&
        v.idBlock.tagClass === 3 &&
        v.idBlock.tagNumber === implicitTag;
    if (!tagged)
        throw malformed(what);
    return Buffer.from(v.valueBlock.valueHexView);
}
/** GCM parameters in ocicrypt's quirky form (a SEQUENCE wrapping the SEQUENCE) or the standard one. */
function gcmParameters(params) {
    if (!(params instanceof asn1js__WEBPACK_IMPORTED_MODULE_1__.Sequence))
        throw malformed('GCM parameters missing');
    const first = params.valueBlock.value[0];
    const seq = first instanceof asn1js__WEBPACK_IMPORTED_MODULE_1__.Sequence ? first : params;
    const [nonce, icv] = seq.valueBlock.value;
    const tagLength = icv instanceof asn1js__WEBPACK_IMPORTED_MODULE_1__.Integer ? icv.valueBlock.valueDec : 12;
    if (tagLength < 12 || tagLength > 16)
        throw malformed(`GCM tag length ${tagLength}`);
    return { nonce: octets(nonce, 'GCM nonce', 4), tagLength };
}
/**
 * Check the content's cipher and parameters before any key is tried, so that whether an item is malformed never
 * depends on what an RSA decryption returned (no oracle): the cipher is one we read, ocicrypt's GCM has a
 * 12-byte nonce and a 16-byte tag (Go's cipher.NewGCM), a CBC IV is one block.
 */
function checkContent(env) {
    const eci = env.encryptedContentInfo;
    const alg = eci.contentEncryptionAlgorithm;
    const c = CONTENT_CIPHERS[alg.algorithmId];
    if (!c)
        throw malformed(`content cipher ${alg.algorithmId} is not one ocicrypt reads (AES-GCM, AES-CBC, 3DES)`);
    if (c.gcm) {
        const { nonce, tagLength } = gcmParameters(alg.algorithmParams);
        if (nonce.length !== 12 || tagLength !== 16)
            throw malformed('GCM nonce or tag length');
        if (eci.getEncryptedContent().byteLength < tagLength)
            throw malformed('GCM content shorter than its tag');
        return;
    }
    const iv = octets(alg.algorithmParams, 'CBC IV');
    if (iv.length !== (c.name === 'des-ede3-cbc' ? 8 : 16))
        throw malformed('CBC IV length');
}
/** The content cipher's key length, or undefined for a cipher we do not read. */
function contentKeyLength(env) {
    return CONTENT_CIPHERS[env.encryptedContentInfo.contentEncryptionAlgorithm.algorithmId]?.keyLength;
}
/** Decrypt the content with a CEK; throws when the key is wrong (tag or padding), as a key trial expects. */
function openContent(env, cek) {
    const eci = env.encryptedContentInfo;
    const alg = eci.contentEncryptionAlgorithm;
    const c = CONTENT_CIPHERS[alg.algorithmId];
    // Malformed rather than unsupported: the layer's other key items are still tried.
    if (!c)
        throw malformed(`content cipher ${alg.algorithmId} is not one ocicrypt reads (AES-GCM, AES-CBC, 3DES)`);
    const data = Buffer.from(eci.getEncryptedContent());
    if (c.gcm) {
        const { nonce, tagLength } = gcmParameters(alg.algorithmParams);
        if (data.length < tagLength)
            throw malformed('GCM content shorter than its tag');
        const d = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createDecipheriv)(c.name, cek, nonce, { authTagLength: tagLength });
        d.setAuthTag(data.subarray(data.length - tagLength));
        return Buffer.concat([d.update(data.subarray(0, data.length - tagLength)), d.final()]);
    }
    const d = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createDecipheriv)(c.name, cek, octets(alg.algorithmParams, 'CBC IV'));
    return Buffer.concat([d.update(data), d.final()]);
}


/***/ })

};
