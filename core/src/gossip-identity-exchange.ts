/**
 * Both halves of the `/wisp/identity/1.0.0` exchange over a `GossipHost`, each bounded by the
 * admission deadline. See gossip-identity.ts for the protocol.
 */
import type { Clock } from './clock.ts';
import { clockDeadline, untilAborted } from './gossip-deadline.ts';
import { encodeFrame, readFrame } from './gossip-frame.ts';
import { sendAll, streamChunks, type ByteStream } from './byte-stream.ts';
import type { GossipHost } from './gossip-host.ts';
import {
  checkPeer,
  decodeIdentity,
  decodeVerdict,
  encodeIdentity,
  encodeVerdict,
  identityBytesMax,
  identityProtocol,
  type PeerIdentity,
} from './gossip-identity.ts';

export interface IdentityExchangeContext {
  readonly clock: Clock;
  readonly admissionTimeoutMs: number;
  readonly identity: PeerIdentity;
}

const verdictBytes = 1;

/** Sends our certificate to `peer`; resolves with whether the peer accepted it. */
export async function offerIdentity(
  host: GossipHost,
  peer: string,
  ctx: IdentityExchangeContext,
): Promise<boolean> {
  const limit = clockDeadline(ctx.clock, ctx.admissionTimeoutMs);
  try {
    // The certificate goes with the protocol's selection: admission waits one round trip.
    const stream = await untilAborted(
      host.openStream(peer, identityProtocol, limit.signal, { optimistic: true }),
      limit.signal,
    );
    await sendAll(stream, encodeFrame(encodeIdentity(ctx.identity.certPem)));
    await stream.close();
    const verdict = readFrame(streamChunks(stream), verdictBytes, 'identity verdict');
    return decodeVerdict(await untilAborted(verdict, limit.signal));
  } finally {
    limit.clear();
  }
}

/**
 * Reads `peer`'s certificate from an inbound identity stream, checks it, and answers the
 * verdict. Resolves with the verdict; a malformed or late certificate is a refusal.
 */
export async function answerIdentity(
  stream: ByteStream,
  peer: string,
  ctx: IdentityExchangeContext,
): Promise<boolean> {
  const limit = clockDeadline(ctx.clock, ctx.admissionTimeoutMs);
  let admitted: boolean;
  try {
    const frame = await untilAborted(
      readFrame(streamChunks(stream), identityBytesMax, 'identity certificate'),
      limit.signal,
    );
    admitted = await untilAborted(
      checkPeer(ctx.identity.verifyPeer, decodeIdentity(frame), peer),
      limit.signal,
    );
  } catch {
    admitted = false;
  } finally {
    limit.clear();
  }
  try {
    await sendAll(stream, encodeFrame(encodeVerdict(admitted)));
    await stream.close();
  } catch {
    // The verdict is a courtesy: the peer is admitted or disconnected either way.
  }
  return admitted;
}
