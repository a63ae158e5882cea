/**
 * Which of the addresses a peer announced are worth handing to OTHER machines so they can dial it
 * directly: plain TCP over an IP or DNS name, never a relay circuit (relays are the caller's
 * fallback) and never an unspecified host (0.0.0.0 and :: mean "any interface" to the listener
 * and nothing to a dialler). Loopback stays — a peer on the same host can use it — but goes last:
 * a dial that lands on the wrong peer fails fast on the peer-id check, a dial to a real route
 * first is what a remote caller needs.
 *
 *   dialableAddresses(['/ip4/0.0.0.0/tcp/4001', '/ip4/127.0.0.1/tcp/4001', '/ip4/10.0.0.7/tcp/4001'],
 *     peerId)
 *   // ['/ip4/10.0.0.7/tcp/4001/p2p/<peerId>', '/ip4/127.0.0.1/tcp/4001/p2p/<peerId>']
 */
import { BlockList, isIP } from 'node:net';

/** Addresses kept per peer: enough for a few interfaces and both IP families. */
export const peerAddressesMax = 8;
/** Peers whose addresses one node remembers at once; the oldest is forgotten first. */
export const peerAddressEntriesMax = 16_384;

const tcpHostProtocols = new Set(['ip4', 'ip6', 'dns', 'dns4', 'dns6']);
const portMax = 65_535;

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

const unusable = new BlockList();
// 0.0.0.0/8 is "this network": a listener's wildcard, never a destination.
unusable.addSubnet('0.0.0.0', 8, 'ipv4');
unusable.addAddress('::', 'ipv6');
unusable.addSubnet('::ffff:0.0.0.0', 104, 'ipv6');
// Link-local IPv6 needs a zone (`%eth0`) only the listener's host knows.
unusable.addSubnet('fe80::', 10, 'ipv6');

type HostKind = 'routable' | 'loopback' | 'unusable';

/**
 * The dialable addresses among `addresses`, each ending in `/p2p/<peerId>`: non-loopback first
 * (in the order given), then loopback; deduplicated; at most `max`.
 */
export function dialableAddresses(
  addresses: Iterable<string>,
  peerId: string,
  max: number = peerAddressesMax,
): string[] {
  const routable: string[] = [];
  const local: string[] = [];
  const seen = new Set<string>();
  for (const address of addresses) {
    const parsed = parseTcpAddress(address, peerId);
    if (!parsed || parsed.kind === 'unusable' || seen.has(parsed.address)) continue;
    seen.add(parsed.address);
    (parsed.kind === 'loopback' ? local : routable).push(parsed.address);
  }
  return [...routable, ...local].slice(0, Math.max(0, max));
}

/**
 * `/<ip4|ip6|dns|dns4|dns6>/<host>/tcp/<port>[/p2p/<peerId>]` with the peer id appended, or
 * undefined for anything else (other transports, circuits, another peer's id).
 */
function parseTcpAddress(
  address: string,
  peerId: string,
): { address: string; kind: HostKind } | undefined {
  const parts = address.split('/');
  if (parts[0] !== '' || (parts.length !== 5 && parts.length !== 7)) return undefined;
  const [, protocol, host, tcp, port, p2p, id] = parts;
  if (!tcpHostProtocols.has(protocol) || host === '' || tcp !== 'tcp') return undefined;
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > portMax) return undefined;
  if (parts.length === 7 && (p2p !== 'p2p' || id !== peerId)) return undefined;
  const kind = hostKind(protocol, host);
  return { address: `/${protocol}/${host}/tcp/${Number(port)}/p2p/${peerId}`, kind };
}

function hostKind(protocol: string, host: string): HostKind {
  if (protocol === 'ip4' || protocol === 'ip6') {
    const family = protocol === 'ip4' ? 'ipv4' : 'ipv6';
    if (isIP(host) !== (protocol === 'ip4' ? 4 : 6)) return 'unusable';
    if (unusable.check(host, family)) return 'unusable';
    return loopback.check(host, family) ? 'loopback' : 'routable';
  }
  return host.toLowerCase() === 'localhost' ? 'loopback' : 'routable';
}

/**
 * Each peer's dialable addresses, bounded, for networks that learn them as events (identify)
 * but must answer `peerAddresses` at once.
 */
export class PeerAddressTable {
  readonly #entries = new Map<string, readonly string[]>();
  readonly #entriesMax: number;

  constructor(entriesMax: number = peerAddressEntriesMax) {
    this.#entriesMax = entriesMax;
  }

  /** Records what `peer` announced; true when its dialable addresses changed. */
  learn(peer: string, announced: Iterable<string>): boolean {
    const next = dialableAddresses(announced, peer);
    const before = this.#entries.get(peer) ?? [];
    if (before.length === next.length && before.every((a, i) => a === next[i])) return false;
    this.#entries.delete(peer);
    this.#entries.set(peer, next);
    while (this.#entries.size > this.#entriesMax) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return true;
  }

  get(peer: string): string[] {
    return [...(this.#entries.get(peer) ?? [])];
  }

  clear(): void {
    this.#entries.clear();
  }
}
