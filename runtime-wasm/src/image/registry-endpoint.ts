/**
 * Which scheme a registry or URL host is spoken to with. Plain `http://` only for hosts the
 * operator listed as insecure (by default the loopback ones, where a test or site-local registry
 * runs); everything else is `https://`, so a pod spec cannot downgrade a pull.
 */
import { isIP } from 'node:net';

/** Loopback names and addresses: `localhost`, 127.0.0.0/8 and ::1. */
export const defaultInsecureHosts: readonly string[] = ['localhost', '127.0.0.0/8', '::1'];

/** Docker Hub's references say `docker.io`; its API lives elsewhere. */
const API_HOSTS: ReadonlyMap<string, string> = new Map([['docker.io', 'registry-1.docker.io']]);

/** `host[:port]` split, with IPv6 brackets removed from the host. */
export function splitHostPort(hostPort: string): { host: string; port?: string } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
  if (m) return { host: m[1], port: m[2] };
  const colon = hostPort.lastIndexOf(':');
  if (colon < 0 || hostPort.indexOf(':') !== colon) return { host: hostPort };
  return { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1) };
}

/**
 * Whether `hostPort` may be spoken to over plain HTTP. An entry matches a host (any port), an
 * exact `host:port`, or, written `a.b.c.d/8`…`/32`, an IPv4 prefix.
 */
export function isInsecureHost(hostPort: string, insecureHosts: readonly string[]): boolean {
  const { host } = splitHostPort(hostPort);
  const bare = host.toLowerCase();
  return insecureHosts.some((entry) => {
    const e = entry.toLowerCase();
    if (e === bare || e === hostPort.toLowerCase()) return true;
    const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(e);
    return cidr !== null && isIP(bare) === 4 && inIpv4Prefix(bare, cidr[1], Number(cidr[2]));
  });
}

/** `https://host[:port]` or, for an insecure host, `http://…`; the API host for docker.io. */
export function registryBaseUrl(registry: string, insecureHosts: readonly string[]): string {
  const host = API_HOSTS.get(registry) ?? registry;
  return `${isInsecureHost(host, insecureHosts) ? 'http' : 'https'}://${host}`;
}

/** Refuses `http:` to a host not listed as insecure, and every scheme but http(s). */
export function checkUrlScheme(url: URL, insecureHosts: readonly string[]): string | undefined {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `scheme "${url.protocol}" is not allowed`;
  if (isInsecureHost(url.host, insecureHosts)) return undefined;
  return `plain http to ${url.host} is refused (not an insecure host; use https)`;
}

function inIpv4Prefix(ip: string, base: string, bits: number): boolean {
  if (bits > 32) return false;
  const n = (s: string): number => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const block = 2 ** (32 - bits);
  return Math.floor(n(ip) / block) === Math.floor(n(base) / block);
}
