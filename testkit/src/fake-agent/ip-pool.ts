/**
 * Pod IPs from a node's IPv4 range (`10.42.3.0/24`): the lowest free address, skipping the
 * network address, the gateway (`.1`) and the broadcast address, as a host-local IPAM does.
 */
import { WispError } from '@wisp/core';

export class PodIpsExhaustedError extends WispError {
  constructor(cidr: string) {
    super('ERR_TOO_MANY_REQUESTS', `pod IPs: every address of ${cidr} is in use`);
  }
}

export class IpPool {
  readonly cidr: string;
  readonly #first: number;
  readonly #last: number;
  readonly #byKey = new Map<string, number>();
  readonly #used = new Set<number>();

  constructor(cidr: string) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    const octets = m ? m.slice(1, 5).map(Number) : [];
    const bits = m ? Number(m[5]) : -1;
    if (!m || octets.some((o) => o > 255) || bits < 8 || bits > 30) {
      throw new TypeError(`podCidr: Invalid value: "${cidr}": must be an IPv4 CIDR, /8 to /30`);
    }
    const size = 2 ** (32 - bits);
    const base = Math.floor(toNumber(octets) / size) * size;
    this.cidr = cidr;
    this.#first = base + 2;
    this.#last = base + size - 2;
  }

  /** The address this key holds, allocating the lowest free one on first use. */
  allocate(key: string): string {
    const held = this.#byKey.get(key);
    if (held !== undefined) return toText(held);
    for (let ip = this.#first; ip <= this.#last; ip++) {
      if (this.#used.has(ip)) continue;
      this.#used.add(ip);
      this.#byKey.set(key, ip);
      return toText(ip);
    }
    throw new PodIpsExhaustedError(this.cidr);
  }

  get(key: string): string | undefined {
    const ip = this.#byKey.get(key);
    return ip === undefined ? undefined : toText(ip);
  }

  release(key: string): void {
    const ip = this.#byKey.get(key);
    if (ip === undefined) return;
    this.#byKey.delete(key);
    this.#used.delete(ip);
  }

  /** The gateway address (`.1`), which the node itself uses on the pod network. */
  gateway(): string {
    return toText(this.#first - 1);
  }

  inUse(): number {
    return this.#used.size;
  }
}

function toNumber(octets: number[]): number {
  return octets.reduce((n, o) => n * 256 + o, 0);
}

function toText(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
