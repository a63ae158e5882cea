/**
 * The `/wisp/identity/1.0.0` exchange that admits a peer. On every new connection each side
 * opens a stream and sends one frame holding its node certificate (PEM); the receiver asks
 * `verifyPeer(certPem, remotePeerId)` (chains to the cluster CA, not revoked, the peer id in the
 * certificate is the connection's) and answers one verdict frame. A side admits the remote when
 * the remote's certificate passes on its own handler, so neither side trusts the other's verdict.
 */
import { GossipProtocolError } from './gossip-errors.ts';

export const identityProtocol = '/wisp/identity/1.0.0';

/** A node certificate with its chain is a few KiB; anything near this is not one. */
export const identityBytesMax = 16 * 1024;

/** The trust check: true admits the peer. Must not throw for a bad certificate; false is fine. */
export type VerifyPeer = (certPem: string, remotePeerId: string) => boolean | Promise<boolean>;

export interface PeerIdentity {
  /** This node's certificate, sent to every peer. */
  readonly certPem: string;
  readonly verifyPeer: VerifyPeer;
}

const pemHeader = '-----BEGIN CERTIFICATE-----';
const accepted = 0;
const refused = 1;

export function encodeIdentity(certPem: string): Uint8Array {
  return new TextEncoder().encode(certPem);
}

/** The PEM text of an identity frame; throws `GossipProtocolError` if it is not one. */
export function decodeIdentity(frame: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(frame);
  } catch (e) {
    throw new GossipProtocolError('identity: certificate is not UTF-8', { cause: e });
  }
  if (!text.trimStart().startsWith(pemHeader)) {
    throw new GossipProtocolError(`identity: certificate must be PEM starting ${pemHeader}`);
  }
  return text;
}

export function encodeVerdict(admitted: boolean): Uint8Array {
  return Uint8Array.of(admitted ? accepted : refused);
}

export function decodeVerdict(frame: Uint8Array): boolean {
  if (frame.byteLength !== 1 || (frame[0] !== accepted && frame[0] !== refused)) {
    throw new GossipProtocolError('identity: verdict must be one byte, 0 or 1');
  }
  return frame[0] === accepted;
}

/** Runs `verifyPeer`, counting a throw as a refusal: a broken checker must not admit anyone. */
export async function checkPeer(
  verifyPeer: VerifyPeer,
  certPem: string,
  peer: string,
): Promise<boolean> {
  try {
    return (await verifyPeer(certPem, peer)) === true;
  } catch {
    return false;
  }
}
