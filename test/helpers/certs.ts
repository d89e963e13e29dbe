/**
 * Self-signed X.509 certificates for pkcs7 recipients, made by the openssl CLI at test time (node:crypto
 * cannot issue certificates). The private key is PKCS#8 PEM, which skopeo reads too.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface TestCertificate {
  /** PKCS#8 PEM private key. */
  key: string;
  /** PEM certificate. */
  cert: string;
  /** The same certificate, DER. */
  certDer: string;
  /** The subject (= issuer, self-signed) as openssl was told it. */
  subject: string;
  /** The serial number, upper-case hex as `openssl x509 -serial` prints it. */
  serial: string;
}

function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A self-signed certificate and its key under dir/name.*: RSA 2048 by default, or EC P-256. */
export function makeCertificate(
  dir: string,
  name: string,
  kind: 'rsa' | 'ec' = 'rsa',
  /** A fixed serial (`0x…`); openssl picks a random one otherwise. */
  fixedSerial?: string,
): TestCertificate {
  const subject = `/CN=oep ${name}/O=oep tests`;
  const newkey =
    kind === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  const key = join(dir, `${name}.key.pem`);
  const cert = join(dir, `${name}.cert.pem`);
  const certDer = join(dir, `${name}.cert.der`);
  openssl(
    [
      ...['req', '-x509', ...newkey, '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', subject],
      ...(fixedSerial ? ['-set_serial', fixedSerial] : []),
    ],
    dir,
  );
  openssl(['x509', '-in', cert, '-outform', 'DER', '-out', certDer], dir);
  const serial = openssl(['x509', '-in', cert, '-noout', '-serial'], dir)
    .trim()
    .replace(/^serial=/, '');
  return { key, cert, certDer, subject, serial };
}
