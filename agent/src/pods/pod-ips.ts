/**
 * Pod IPs from the node's pod CIDR (`10.42.7.0/24`): the network address and `.1` (the bridge)
 * are never handed out, nor the broadcast address; the lowest free address goes first.
 */
export class PodIpPool {
  readonly #base: number;
  readonly #size: number;
  readonly #used = new Set<number>();

  constructor(podCidr: string) {
    const [addr, bits] = podCidr.split('/');
    this.#base = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    this.#size = 2 ** (32 - Number(bits));
  }

  /** Marks an address taken (a pod the agent ran before its restart keeps its IP). */
  claim(ip: string): void {
    this.#used.add(toNumber(ip) - this.#base);
  }

  allocate(): string {
    for (let offset = 2; offset < this.#size - 1; offset++) {
      if (!this.#used.has(offset)) {
        this.#used.add(offset);
        return toIp(this.#base + offset);
      }
    }
    throw new RangeError('pod CIDR: no free address');
  }

  release(ip: string): void {
    this.#used.delete(toNumber(ip) - this.#base);
  }
}

function toNumber(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
