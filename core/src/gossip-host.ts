/**
 * The `GossipHost` port: the thin shell a transport (the libp2p adapters) provides so that
 * `createHostedGossip` can implement the whole `Gossip` port — admission, limits, framing,
 * request/response, peer events — once for both sides (STYLE rule 9: the adapters only wire).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { ByteStream } from './byte-stream.ts';
import type { GossipValidation } from './gossip.ts';

/** What the host reports; set once, before `start`. */
export interface GossipHostListener {
  /**
   * Decides one gossip message before the router delivers or forwards it. `source` is the
   * connected peer it came through, `author` the peer that published it.
   */
  validate(
    topic: string,
    data: Uint8Array,
    source: string,
    author: string,
  ): Promise<GossipValidation>;
  /** A message the router accepted, on a topic this node subscribes to. */
  message(topic: string, data: Uint8Array, author: string): void;
  /** The first connection to `peer` opened. */
  peerConnected(peer: string): void;
  /** The last connection to `peer` closed. */
  peerDisconnected(peer: string): void;
  /** What `peerAddresses(peer)` answers changed (a peer told us where it listens). */
  peerAddressesChanged(peer: string): void;
}

export type StreamHandler = (stream: ByteStream, peer: string) => void;

export interface GossipHost {
  readonly peerId: string;
  setListener(listener: GossipHostListener): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  publish(topic: string, data: Uint8Array): Promise<void>;
  /** Registers before or after start; the handler runs for every inbound stream. */
  handle(protocol: string, handler: StreamHandler): Promise<void>;
  unhandle(protocol: string): Promise<void>;
  /** Opens a stream on an existing connection; never dials. `optimistic`: see StreamOptions. */
  openStream(
    peer: string,
    protocol: string,
    signal: AbortSignal,
    options?: { readonly optimistic?: boolean },
  ): Promise<ByteStream>;
  /** Dials a multiaddr ending in `/p2p/<peerId>`; resolves with the peer id reached. */
  dial(address: string, signal: AbortSignal): Promise<string>;
  hangUp(peer: string): Promise<void>;
  isConnected(peer: string): boolean;
  addresses(): string[];
  /**
   * Where `peer` can be dialled from another machine (`dialableAddresses`). A host that cannot
   * tell leaves it out: the gossip then knows no addresses.
   */
  peerAddresses?(peer: string): string[];
  peerScore(peer: string): number | undefined;
}

const seedBytes = 32;
const libp2pRawBytes = 64;
/** PKCS#8 header of an Ed25519 private key (RFC 8410); the 32-byte seed follows it. */
const pkcs8Ed25519Prefix = Uint8Array.from(Buffer.from('302e020100300506032b657004220420', 'hex'));

/**
 * The node's Ed25519 key in libp2p's raw form (seed then public key, 64 bytes), from either that
 * form or the bare 32-byte seed that node key files hold.
 */
export function ed25519Libp2pRaw(nodeKey: Uint8Array): Uint8Array {
  if (nodeKey.byteLength === libp2pRawBytes) return nodeKey;
  if (nodeKey.byteLength !== seedBytes) {
    throw new RangeError(
      `nodeKey: Invalid value: ${nodeKey.byteLength} bytes: must be a 32-byte Ed25519 seed ` +
        'or its 64-byte seed-and-public-key form',
    );
  }
  const der = Buffer.concat([pkcs8Ed25519Prefix, nodeKey]);
  const jwk = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({
    format: 'jwk',
  });
  const publicKey = Buffer.from(jwk.x ?? '', 'base64url');
  const raw = new Uint8Array(libp2pRawBytes);
  raw.set(nodeKey, 0);
  raw.set(publicKey, seedBytes);
  return raw;
}

/** The peer id at the end of a multiaddr (`…/p2p/<id>`), if it names one. */
export function peerIdOfAddress(address: string): string | undefined {
  const parts = address.split('/');
  const at = parts.lastIndexOf('p2p');
  return at >= 0 && at + 1 < parts.length && parts[at + 1] !== '' ? parts[at + 1] : undefined;
}
