/**
 * Request/response over one stream per request: the asker sends one frame and closes its side;
 * the answerer sends one frame `[status, ...body]` and closes. A status other than `ok` carries
 * a UTF-8 reason. Both directions are capped at `requestBytesMax` (plus the status byte).
 */
import type { Clock } from './clock.ts';
import { clockDeadline, untilAborted } from './gossip-deadline.ts';
import {
  GossipMessageTooLargeError,
  GossipNoHandlerError,
  GossipProtocolError,
  GossipRemoteError,
} from './gossip-errors.ts';
import { encodeFrame, readFrame, readUint32 } from './gossip-frame.ts';
import { sendAll, streamChunks, type ByteStream } from './byte-stream.ts';
import type { RequestHandler } from './gossip.ts';

export const requestStatus = { ok: 0, failed: 1, refused: 2, tooLarge: 3, noHandler: 4 } as const;
export type RequestStatus = (typeof requestStatus)[keyof typeof requestStatus];

const statusBytes = 1;

export function encodeResponse(status: RequestStatus, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(statusBytes + body.byteLength);
  out[0] = status;
  out.set(body, statusBytes);
  return out;
}

export function encodeFailure(status: RequestStatus, reason: string): Uint8Array {
  return encodeResponse(status, new TextEncoder().encode(reason));
}

/** The body of an `ok` response; any other status becomes the matching named error. */
export function decodeResponse(frame: Uint8Array, peer: string, protocol: string): Uint8Array {
  if (frame.byteLength < statusBytes) {
    throw new GossipProtocolError(`response to ${protocol} from ${peer}: empty frame`);
  }
  const body = frame.subarray(statusBytes);
  const reason = (): string => new TextDecoder().decode(body);
  switch (frame[0]) {
    case requestStatus.ok:
      return body;
    case requestStatus.noHandler:
      throw new GossipNoHandlerError(peer, protocol);
    case requestStatus.tooLarge: {
      const sized = body.byteLength === 8;
      const [bytes, bytesMax] = sized ? [readUint32(body, 0), readUint32(body, 4)] : [0, 0];
      throw new GossipMessageTooLargeError(`request ${protocol} to ${peer}`, bytes, bytesMax);
    }
    case requestStatus.failed:
    case requestStatus.refused:
      throw new GossipRemoteError(peer, protocol, reason());
    default:
      throw new GossipProtocolError(`response to ${protocol} from ${peer}: status ${frame[0]}`);
  }
}

export interface ServeContext {
  readonly clock: Clock;
  readonly requestBytesMax: number;
  /** How long the asker has to deliver its request. */
  readonly requestTimeoutMs: number;
  /** Resolves true if the asker is admitted; answering waits for it. */
  readonly admitted: Promise<boolean>;
  readonly onError?: (e: unknown) => void;
}

/** Answers one inbound request stream. Never throws: failures go back to the asker. */
export async function serveRequest(
  stream: ByteStream,
  peer: string,
  protocol: string,
  handler: RequestHandler,
  ctx: ServeContext,
): Promise<void> {
  const limit = clockDeadline(ctx.clock, ctx.requestTimeoutMs);
  try {
    if (!(await untilAborted(ctx.admitted, limit.signal))) {
      return await reply(stream, encodeFailure(requestStatus.refused, 'peer not admitted'));
    }
    const request = await untilAborted(
      readFrame(streamChunks(stream), ctx.requestBytesMax, `request ${protocol}`),
      limit.signal,
    );
    limit.clear();
    const response = await runRequestHandler(handler, request, peer, ctx);
    await reply(stream, response);
  } catch (e) {
    // The asker learns why; only if even that fails is the stream reset.
    await reply(stream, failureOf(e)).catch(() => {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
    });
  } finally {
    limit.clear();
  }
}

/**
 * Runs a request handler and encodes its answer as a response frame body: the body on success,
 * a failure with the reason when it throws or answers too much.
 */
export async function runRequestHandler(
  handler: RequestHandler,
  request: Uint8Array,
  peer: string,
  ctx: { readonly requestBytesMax: number; readonly onError?: (e: unknown) => void },
): Promise<Uint8Array> {
  let body: Uint8Array;
  try {
    body = await handler(request, peer);
  } catch (e) {
    ctx.onError?.(e);
    return encodeFailure(requestStatus.failed, reasonOf(e));
  }
  if (!(body instanceof Uint8Array)) {
    return encodeFailure(requestStatus.failed, 'handler answered something other than bytes');
  }
  if (body.byteLength > ctx.requestBytesMax) {
    const why = `response of ${body.byteLength} bytes is over requestBytesMax ${ctx.requestBytesMax}`;
    return encodeFailure(requestStatus.failed, why);
  }
  return encodeResponse(requestStatus.ok, body);
}

async function reply(stream: ByteStream, response: Uint8Array): Promise<void> {
  await sendAll(stream, encodeFrame(response));
  await stream.close();
}

function failureOf(e: unknown): Uint8Array {
  return e instanceof GossipMessageTooLargeError
    ? encodeTooLarge(e.bytes, e.bytesMax)
    : encodeFailure(requestStatus.failed, reasonOf(e));
}

/** The answer to a request over the answerer's `requestBytesMax`, with both sizes. */
export function encodeTooLarge(bytes: number, bytesMax: number): Uint8Array {
  const sizes = new DataView(new ArrayBuffer(8));
  sizes.setUint32(0, bytes);
  sizes.setUint32(4, bytesMax);
  return encodeResponse(requestStatus.tooLarge, new Uint8Array(sizes.buffer));
}

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Sends one request on an open stream and reads the answer; the caller bounds it in time. */
export async function exchange(
  stream: ByteStream,
  peer: string,
  protocol: string,
  data: Uint8Array,
  requestBytesMax: number,
): Promise<Uint8Array> {
  await sendAll(stream, encodeFrame(data));
  await stream.close();
  const frame = await readFrame(
    streamChunks(stream),
    requestBytesMax + statusBytes,
    `response ${protocol}`,
  );
  return decodeResponse(frame, peer, protocol);
}
