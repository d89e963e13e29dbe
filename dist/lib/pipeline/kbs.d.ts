/**
 * KEK registration at a Key Broker Service, as coco_keyprovider does with `--kbs-url` and an admin key: a fresh
 * 32-byte KEK is POSTed to the KBS resource API `/kbs/v0/resource/REPO/TYPE/TAG` (the keyid's path) as
 * application/octet-stream, authorized by a JWT signed with the Ed25519 admin key (EdDSA). Unlike
 * coco_keyprovider, a non-2xx answer fails (an image whose KEK no KBS holds opens in no guest), plain http is
 * refused but to a loopback host (the KEK would cross the network in the clear), and the token lives 5 minutes
 * (not 2 hours) with a random jti, so a token seen in a proxy log is soon worthless.
 *
 * The KEKs of a run are made when its recipients are resolved (KbsRegistrar.recipient, synchronous like every
 * other recipient) and registered once, by register(), as the run's last step before anything becomes visible:
 * after the image is pushed by digest, read back and gated, before its tags (or once the output is written and
 * gated). A run that fails before then (a bad layout, an upload, the gate) never overwrites a KEK the KBS holds,
 * which images already pushed under a named keyid open with.
 */
import { type KeyObject } from 'node:crypto';
import type { KeyRecipient } from '../ocicrypt/keys.js';
/**
 * kbs-url checked: an http(s) URL without user info, plain http only to a loopback host. Never echoes user info:
 * a password in the URL would otherwise reach messages (fetch quotes the URL when it refuses one with
 * credentials); the KBS is authorized by the admin key alone.
 */
export declare function kbsUrlFrom(value: string): URL;
/** The Ed25519 admin key (PKCS#8 PEM, as `openssl genpkey -algorithm ed25519` writes it). */
export declare function kbsAdminKey(data: Uint8Array, source: string): KeyObject;
/**
 * Text from a KBS (or a value of ours) fit for a message: control characters gone, any run of 32 or more
 * base64 or hex characters (a KEK or a token the KBS might echo) replaced, at most 200 characters.
 */
export declare function sanitized(text: string, max?: number): string;
/** Register a KEK under a keyid at the KBS; any non-2xx answer is an error that names the status. */
export declare function registerKek(kbsUrl: string | URL, admin: KeyObject, kek: Buffer, keyid: string): Promise<void>;
/**
 * The KBS of one run (kbs-url, kbs-admin-key) and the KEKs it is to hold: one per recipient
 * `provider:attestation-agent[:keyid=ID]` without keypath, registered once, in register().
 */
export declare class KbsRegistrar {
    #private;
    readonly url: URL;
    readonly admin: KeyObject;
    constructor(url: URL, admin: KeyObject);
    /** Whether any recipient takes its KEK from this KBS. */
    get used(): boolean;
    /** A fresh KEK under the keyid (coco_keyprovider's default `kbs:///default/image-kek/UUID` if none). */
    recipient(params: string, input?: string): KeyRecipient;
    /** POST every KEK of the run, in order; once, however often it is called. */
    register(log?: (line: string) => void): Promise<void>;
}
