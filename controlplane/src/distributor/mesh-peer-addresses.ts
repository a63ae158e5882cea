/**
 * Where the distributor tells each node its mesh peers listen. The control plane is connected to
 * every agent, and libp2p's identify told it each agent's listen addresses; handing them on lets
 * two agents that never met dial each other directly instead of riding the control plane's relay.
 * A gossip without an address book (a bare `Gossip`) leaves the list empty: relays only.
 *
 *   meshPeer: (name) => ({ nodeName: name, peerId, addresses: meshPeerAddresses(gossip, peerId) })
 */
import { wireLimits } from '@wisp/api/wire/messages.ts';
import type { PeerAddressBook } from '@wisp/core';

/** What the distributor's gossip may offer; the libp2p adapters and MemoryGossip have both. */
export type MaybePeerAddressBook = Partial<PeerAddressBook>;

/**
 * The peer's dialable addresses (loopback last, as the book orders them), within what one
 * `MeshPeer` may carry on the wire: an agent refuses a whole document over a single bad entry.
 */
export function meshPeerAddresses(book: MaybePeerAddressBook, peerId: string): string[] {
  return (book.peerAddresses?.(peerId) ?? [])
    .filter((a) => a.length <= wireLimits.meshPeerAddressBytesMax)
    .slice(0, wireLimits.meshPeerAddressesMax);
}
