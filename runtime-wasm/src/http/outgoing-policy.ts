/**
 * What a wasm pod's outgoing `wasi:http` request may reach. The agent's mesh supplies a policy
 * (issue 5); until then every request is denied and the guest sees `HTTP-request-denied`.
 *
 *   const policy: OutgoingPolicy = async (req) => {
 *     const allowed = req.url.startsWith('http://api.default.svc.cluster.local/');
 *     if (!allowed) throw new OutgoingDeniedError(req.url);
 *     return forward(req);
 *   };
 */
import { WispError } from '@wisp/core';
import { internalError, type ErrorCode } from './error-code.ts';

export interface OutgoingHttpRequest {
  readonly method: string;
  /** Absolute URL: `http://svc.ns.svc.cluster.local:8080/path?q`. */
  readonly url: string;
  /** Header names lower-case, values as latin1 strings (the bytes the guest wrote). */
  readonly headers: [string, string][];
  readonly body: Uint8Array;
}

export interface OutgoingHttpResponse {
  readonly status: number;
  readonly headers: [string, string][];
  readonly body: Uint8Array;
}

/** `signal` aborts when the request's time limit passes; a forwarding policy honours it. */
export type OutgoingPolicy = (
  req: OutgoingHttpRequest,
  opts?: { readonly signal: AbortSignal },
) => Promise<OutgoingHttpResponse>;

/** The policy refused the request; the guest sees `HTTP-request-denied`. */
export class OutgoingDeniedError extends WispError {
  constructor(url: string, reason = 'denied by policy') {
    super('ERR_FORBIDDEN', `outgoing request to ${url}: ${reason}`);
  }
}

/** A failure the guest should see as a specific wasi:http error code (e.g. connection-refused). */
export class OutgoingHttpError extends WispError {
  readonly errorCode: ErrorCode;
  constructor(errorCode: ErrorCode, message: string, options?: { cause?: unknown }) {
    super('ERR_BAD_REQUEST', message, options);
    this.errorCode = errorCode;
  }
}

export const denyAllOutgoing: OutgoingPolicy = (req) =>
  Promise.reject(new OutgoingDeniedError(req.url, 'no outgoing network is granted'));

/** The error code the guest sees for a policy failure. */
export function errorCodeForPolicyFailure(err: unknown): ErrorCode {
  if (err instanceof OutgoingDeniedError) return { tag: 'HTTP-request-denied' };
  if (err instanceof OutgoingHttpError) return err.errorCode;
  return internalError(err instanceof Error ? err.message : String(err));
}
