/**
 * Whether a gRPC target (the `grpc` address of a key provider) stays on this machine: a unix socket, or a
 * loopback address (127.0.0.0/8, ::1, localhost). The forms are gRPC's naming (grpc-go, which ocicrypt dials,
 * and grpc-js, which we do): `host:port`, `[v6]:port`, `dns:[//authority/]host:port`, `ipv4:a:p,b:p`,
 * `ipv6:[a]:p`, `unix:path`, `unix:///path`. Anything else, or a name DNS must resolve, is not local: this only
 * decides whether plaintext is allowed, so when in doubt the answer is no.
 */
import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** The host of `host`, `host:port`, `[v6]` or `[v6]:port`; a bare IPv6 address as it is. */
function hostOf(hostPort: string): string {
  if (isIP(hostPort) === 6) return hostPort;
  const bracketed = /^\[([^\]]+)\](?::\d*)?$/.exec(hostPort);
  if (bracketed) return bracketed[1]!;
  const colon = hostPort.lastIndexOf(':');
  return colon < 0 ? hostPort : hostPort.slice(0, colon);
}

function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

export function isLocalTarget(target: string): boolean {
  const t = target.trim();
  if (/^unix:/i.test(t)) return true;
  const scheme = /^(dns|ipv4|ipv6):(?:\/\/([^/]*)\/)?(.*)$/i.exec(t);
  if (!scheme) return isLoopbackHost(hostOf(t));
  // A DNS server named in the target could answer anything for `localhost`.
  if (scheme[2]) return false;
  const hosts = scheme[1]!.toLowerCase() === 'dns' ? [scheme[3]!] : scheme[3]!.split(',');
  return hosts.length > 0 && hosts.every((h) => isLoopbackHost(hostOf(h)));
}
