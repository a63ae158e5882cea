/**
 * Pod CIDRs: one /24 per node from the cluster CIDR (10.42.0.0/16), allocated once per node name
 * and handed back when the node joins again. One store key per CIDR, taken with the store's atomic
 * create so two servers never hand out the same range; a key per node name indexes it, and is
 * itself created atomically so two concurrent joins of one name end up with one CIDR.
 *
 *   const cidrs = createPodCidrAllocator({}, { store, clock });
 *   await cidrs.allocate('edge-1'); // '10.42.0.0/24', and the same on every later call
 */
import { isWispError, WispError } from '@wisp/core';
import type { Clock, Store } from '@wisp/core';
import { intToIPv4, ipv4ToInt } from '../admission/ipv4-range.ts';
import { CertificateRequestError } from './errors.ts';

export const podCidrRecordPrefix = '/registry/_allocations/podcidrs/';
export const podCidrNodePrefix = '/registry/_allocations/podcidr-nodes/';
export const clusterCidrDefault = '10.42.0.0/16';
export const nodeMaskBitsDefault = 24;

export interface PodCidrAllocatorInit {
  readonly clusterCidr?: string;
  readonly nodeMaskBits?: number;
}

export interface PodCidrAllocator {
  /** The node's CIDR, allocating the lowest free one the first time. */
  allocate(nodeName: string): Promise<string>;
  lookup(nodeName: string): Promise<string | undefined>;
}

interface CidrRecord {
  readonly nodeName: string;
  readonly allocatedAtMs: number;
}

/** Every node CIDR in the cluster CIDR is taken. */
export class PodCidrExhaustedError extends WispError {
  constructor(clusterCidr: string) {
    super('ERR_INTERNAL', `podCidr: no free /24 left in the cluster CIDR ${clusterCidr}`);
  }
}

/** `10.42.7.0/24` ⇄ `10.42.7.0-24`: a store key segment without a slash. */
const keyOf = (cidr: string): string => cidr.replace('/', '-');
const cidrOf = (segment: string): string => segment.replace('-', '/');

export function createPodCidrAllocator(
  init: PodCidrAllocatorInit,
  components: { readonly store: Store; readonly clock: Clock },
): PodCidrAllocator {
  const { store, clock } = components;
  const range = nodeRanges(init.clusterCidr ?? clusterCidrDefault, init.nodeMaskBits);

  async function lookup(nodeName: string): Promise<string | undefined> {
    const kv = await store.get(podCidrNodePrefix + nodeName);
    return kv ? (JSON.parse(kv.value) as { podCidr: string }).podCidr : undefined;
  }

  /** A CIDR record already held by the node (a crash left it without its index key). */
  async function heldBy(nodeName: string, used: Map<string, CidrRecord>) {
    for (const [cidr, rec] of used) if (rec.nodeName === nodeName) return cidr;
    return undefined;
  }

  async function claimFree(nodeName: string, used: Map<string, CidrRecord>): Promise<string> {
    for (let i = 0; i < range.count; i++) {
      const cidr = range.at(i);
      if (used.has(cidr)) continue;
      const rec: CidrRecord = { nodeName, allocatedAtMs: clock.now() };
      try {
        await store.create(podCidrRecordPrefix + keyOf(cidr), JSON.stringify(rec));
        return cidr;
      } catch (e) {
        if (!isWispError(e, 'ERR_ALREADY_EXISTS')) throw e;
      }
    }
    throw new PodCidrExhaustedError(range.cidr);
  }

  async function allocate(nodeName: string): Promise<string> {
    const known = await lookup(nodeName);
    if (known) return known;
    const listed = await store.list(podCidrRecordPrefix);
    const used = new Map(
      listed.items.map((kv) => [
        cidrOf(kv.key.slice(podCidrRecordPrefix.length)),
        JSON.parse(kv.value) as CidrRecord,
      ]),
    );
    const held = await heldBy(nodeName, used);
    const cidr = held ?? (await claimFree(nodeName, used));
    try {
      await store.create(podCidrNodePrefix + nodeName, JSON.stringify({ podCidr: cidr }));
      return cidr;
    } catch (e) {
      if (!isWispError(e, 'ERR_ALREADY_EXISTS')) throw e;
    }
    // A concurrent join of the same name won: give our claim back and use its CIDR.
    if (!held) await store.delete(podCidrRecordPrefix + keyOf(cidr)).catch(() => {});
    return (await lookup(nodeName))!;
  }

  return { allocate, lookup };
}

interface NodeRanges {
  readonly cidr: string;
  readonly count: number;
  at(index: number): string;
}

function nodeRanges(clusterCidr: string, nodeMaskBits = nodeMaskBitsDefault): NodeRanges {
  const [ip, bitsText] = clusterCidr.split('/');
  const bits = Number(bitsText);
  const ok = /^\d+\.\d+\.\d+\.\d+$/.test(ip) && Number.isInteger(bits) && bits >= 8;
  if (!ok || !Number.isInteger(nodeMaskBits) || nodeMaskBits < bits || nodeMaskBits > 30) {
    throw new CertificateRequestError(
      `clusterCidr: Invalid value: "${clusterCidr}" with /${nodeMaskBits} per node`,
    );
  }
  const size = 2 ** (32 - nodeMaskBits);
  const base = Math.floor(ipv4ToInt(ip) / 2 ** (32 - bits)) * 2 ** (32 - bits);
  return {
    cidr: `${intToIPv4(base)}/${bits}`,
    count: 2 ** (nodeMaskBits - bits),
    at: (index) => `${intToIPv4(base + index * size)}/${nodeMaskBits}`,
  };
}
