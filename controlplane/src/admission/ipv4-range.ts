/**
 * IPv4 CIDR arithmetic for the service range: addresses as unsigned 32-bit integers so an
 * allocator can count, offset and compare them.
 *
 *   const r = parseIPv4Range('10.43.0.0/16');
 *   r.contains('10.43.7.9'); // true
 *   r.at(1); // '10.43.0.1'
 */
import { isIPv4 } from '@wisp/api';

export interface IPv4Range {
  readonly cidr: string;
  /** Usable addresses: the network and broadcast addresses are left out. */
  readonly size: number;
  contains(ip: string): boolean;
  /** The usable address at `offset` (0 is the first host address). */
  at(offset: number): string;
  /** The offset of a usable address, or undefined when it is outside the usable range. */
  offsetOf(ip: string): number | undefined;
}

export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function intToIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function parseIPv4Range(cidr: string): IPv4Range {
  const [ip, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!isIPv4(ip) || !Number.isInteger(bits) || bits < 8 || bits > 30) {
    throw new Error(`service range ${JSON.stringify(cidr)}: want an IPv4 CIDR from /8 to /30`);
  }
  const total = 2 ** (32 - bits);
  const network = Math.floor(ipv4ToInt(ip) / total) * total;
  const first = network + 1;
  const size = total - 2;
  const offsetOf = (addr: string): number | undefined => {
    if (!isIPv4(addr)) return undefined;
    const off = ipv4ToInt(addr) - first;
    return off >= 0 && off < size ? off : undefined;
  };
  return {
    cidr: `${intToIPv4(network)}/${bits}`,
    size,
    contains: (addr) => offsetOf(addr) !== undefined,
    at: (offset) => intToIPv4(first + offset),
    offsetOf,
  };
}
