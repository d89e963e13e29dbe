/**
 * Throwaway PKI for the registry tests, made with the openssl CLI (node:crypto cannot issue X.509 certificates).
 *
 * - a CA, and a server certificate signed by it for 127.0.0.1 and localhost: distribution (Go) and our client
 *   both check the SAN, never the CN, so the SAN must hold IP:127.0.0.1 for the tests' URLs;
 * - a separate RSA key + self-signed certificate for the token issuer: distribution 2.8 checks a token's `x5c`
 *   chain against `auth.token.rootcertbundle`, so the bundle is this certificate and the JWT header carries it.
 *
 * Keys are EC P-256 for TLS (fast to make) and RSA 2048 for the issuer (RS256 is what distribution documents).
 * Nothing here is committed: every run makes its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface ServerTls {
  /** PEM of the CA that signed certFile: give it to clients (`ca` option, `--ca-file`). */
  caFile: string;
  caPem: string;
  /** Server certificate (SAN IP:127.0.0.1, DNS:localhost) and its key, PEM. */
  certFile: string;
  keyFile: string;
}

export interface IssuerKey {
  /** PKCS#8 PEM RSA key that signs the JWTs. */
  keyFile: string;
  keyPem: string;
  /** Self-signed certificate of that key: the registry's rootcertbundle. */
  certFile: string;
  /** The certificate as base64 DER, the one `x5c` entry of a JWT header. */
  certDerBase64: string;
}

export interface Pki {
  dir: string;
  server: ServerTls;
  issuer: IssuerKey;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer };
    throw new Error(`openssl ${args[0]} failed: ${err.stderr?.toString() ?? String(e)}`);
  }
}

/** A CA and a server certificate for 127.0.0.1 / localhost, written under dir. */
export function makeServerTls(dir: string): ServerTls {
  mkdirSync(dir, { recursive: true });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=oep test CA'],
    dir,
  );
  openssl(
    ['req', '-new', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'],
    dir,
  );
  // An extfile rather than -copy_extensions: the SAN and serverAuth are what Go's verifier requires.
  writeFileSync(
    join(dir, 'server.ext'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '',
    ].join('\n'),
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      'server.ext',
      '-out',
      'server.pem',
    ],
    dir,
  );
  const caFile = join(dir, 'ca.pem');
  return {
    caFile,
    caPem: readFileSync(caFile, 'utf8'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server.key'),
  };
}

/** An RSA signing key and its self-signed certificate for the token issuer, written under dir. */
export function makeIssuerKey(dir: string): IssuerKey {
  mkdirSync(dir, { recursive: true });
  // -nodes + `req -newkey rsa` writes PKCS#8 ("BEGIN PRIVATE KEY"), which jose's importPKCS8 reads.
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'issuer.key',
      '-out',
      'issuer.pem',
      '-days',
      '2',
      '-subj',
      '/CN=oep test token issuer',
    ],
    dir,
  );
  const certFile = join(dir, 'issuer.pem');
  const keyFile = join(dir, 'issuer.key');
  const pem = readFileSync(certFile, 'utf8');
  const b64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return { keyFile, keyPem: readFileSync(keyFile, 'utf8'), certFile, certDerBase64: b64 };
}

/** A fresh PKI (server TLS + issuer key) in dir. */
export function makePki(dir: string): Pki {
  return { dir, server: makeServerTls(join(dir, 'tls')), issuer: makeIssuerKey(join(dir, 'issuer')) };
}

let shared: Pki | undefined;

/**
 * One PKI per test process, made on first use and removed at exit. Every registry, token issuer and fault proxy
 * of a process uses it, so a client needs one CA file whatever it talks to.
 */
export function sharedPki(): Pki {
  if (!shared) {
    const dir = mkdtempSync(join(tmpdir(), 'oep-pki-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    shared = makePki(dir);
  }
  return shared;
}

/**
 * A server certificate signed by the CA of `server` (so a client trusting that CA trusts it), for other loopback
 * addresses: 127.0.0.2 and 127.0.0.3 are other origins on this machine, and a redirect or token realm there must
 * still pass TLS verification, or a test would prove only that verification failed.
 */
export function issueServerCert(server: ServerTls, dir: string, ips: string[]): ServerTls {
  const { certFile, keyFile } = issueCert(server, dir, {
    cn: ips[0]!,
    san: ips.map((ip) => `IP:${ip}`).join(','),
    usage: 'serverAuth',
  });
  return { ...server, certFile, keyFile };
}

/**
 * A certificate signed by the CA of `server`, written as dir/NAME.pem and dir/NAME.key (NAME: the usage):
 * a server's for the SAN given (e.g. `DNS:kms.internal`), or a client's (clientAuth) for mutual TLS.
 */
export function issueCert(
  server: ServerTls,
  dir: string,
  cert: { cn: string; san: string; usage: 'serverAuth' | 'clientAuth' },
): { certFile: string; keyFile: string } {
  mkdirSync(dir, { recursive: true });
  const caDir = dirname(server.caFile);
  const name = cert.usage === 'serverAuth' ? 'server' : 'client';
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    ['req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cert.cn}`],
    dir,
  );
  writeFileSync(
    join(dir, `${name}.ext`),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage=${cert.usage}`,
      `subjectAltName=${cert.san}`,
      '',
    ].join('\n'),
  );
  // -CAserial in our own folder: the CA's folder is shared by every test of the process.
  openssl(
    [
      ...['x509', '-req', '-in', `${name}.csr`, '-CA', server.caFile, '-CAkey', join(caDir, 'ca.key')],
      ...['-CAserial', 'ca.srl', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`],
      ...['-out', `${name}.pem`],
    ],
    dir,
  );
  return { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
}
