/**
 * Requests between MemoryGossip nodes, answered with the same response frames and decoded into
 * the same named errors as the libp2p side (core's gossip-request.ts).
 */
import {
  decodeResponse,
  encodeFailure,
  encodeTooLarge,
  requestStatus,
  runRequestHandler,
  type RequestHandler,
} from '@wisp/core';

export interface PendingRequest {
  readonly peer: string;
  readonly protocol: string;
  succeed(body: Uint8Array): void;
  fail(e: unknown): void;
}

export function settleResponse(pending: PendingRequest, frame: Uint8Array): void {
  let body: Uint8Array;
  try {
    body = decodeResponse(frame, pending.peer, pending.protocol);
  } catch (e) {
    return pending.fail(e);
  }
  pending.succeed(body);
}

export interface AnswerContext {
  /** Resolves true once the asker is admitted. */
  readonly admitted: Promise<boolean>;
  readonly handler: RequestHandler | undefined;
  readonly requestBytesMax: number;
}

/** The response frame body for one request. */
export async function answerRequest(
  data: Uint8Array,
  from: string,
  ctx: AnswerContext,
): Promise<Uint8Array> {
  if (!(await ctx.admitted)) return encodeFailure(requestStatus.refused, 'peer not admitted');
  if (!ctx.handler) return encodeFailure(requestStatus.noHandler, '');
  if (data.byteLength > ctx.requestBytesMax) {
    return encodeTooLarge(data.byteLength, ctx.requestBytesMax);
  }
  return runRequestHandler(ctx.handler, data, from, ctx);
}
