/**
 * Parent side of outgoing requests: reads each request a worker posts, asks the service's
 * `OutgoingPolicy` under a time limit and a response size cap, posts the reply and wakes the
 * worker (which may be blocked in Atomics.wait on `signal`).
 */
import type { MessagePort } from 'node:worker_threads';
import type { Clock } from '@wisp/core';
import { sanitizeErrorCode, type ErrorCode } from './error-code.ts';
import type { OutgoingWireReply, OutgoingWireRequest } from './messages.ts';
import { errorCodeForPolicyFailure, type OutgoingPolicy } from './outgoing-policy.ts';

export interface OutgoingLimits {
  /** Whole exchange, policy included; a guest's request-options can only shorten it. */
  readonly outgoingTimeoutMs: number;
  readonly outgoingResponseBytesMax: number;
  /** Requests one worker may have waiting on the policy at once. */
  readonly outgoingInFlightMax: number;
}

export const defaultOutgoingLimits: OutgoingLimits = {
  outgoingTimeoutMs: 10_000,
  outgoingResponseBytesMax: 3 * 1024 * 1024,
  outgoingInFlightMax: 16,
};

class OutgoingTimeout extends Error {}

function withTimeout<T>(
  clock: Clock,
  ms: number,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const abort = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      abort.abort(new OutgoingTimeout(`no response within ${ms} ms`));
      reject(new OutgoingTimeout(`no response within ${ms} ms`));
    }, ms);
    run(abort.signal).then(
      (v) => {
        clock.clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clock.clearTimeout(timer);
        reject(err);
      },
    );
  });
}

export async function answerOutgoing(
  req: OutgoingWireRequest,
  policy: OutgoingPolicy,
  limits: OutgoingLimits,
  clock: Clock,
): Promise<OutgoingWireReply> {
  const fail = (error: ErrorCode): OutgoingWireReply => ({ id: req.id, ok: false, error });
  const ms = Math.min(limits.outgoingTimeoutMs, req.timeoutMs ?? Infinity);
  const { method, url, headers, body } = req;
  try {
    const res = await withTimeout(clock, ms, (signal) =>
      policy({ method, url, headers, body }, { signal }),
    );
    if (res.body.length > limits.outgoingResponseBytesMax) {
      return fail({ tag: 'HTTP-response-body-size', val: BigInt(res.body.length) });
    }
    const status = Number.isInteger(res.status) ? res.status : 502;
    const pairs = res.headers.map(([k, v]): [string, string] => [String(k), String(v)]);
    return { id: req.id, ok: true, status, headers: pairs, body: new Uint8Array(res.body) };
  } catch (err) {
    if (err instanceof OutgoingTimeout) return fail({ tag: 'HTTP-response-timeout' });
    return fail(sanitizeErrorCode(errorCodeForPolicyFailure(err)));
  }
}

/** Serves one worker's outgoing channel until `close`. */
export function attachOutgoingBridge(
  port: MessagePort,
  signal: SharedArrayBuffer,
  policy: OutgoingPolicy,
  limits: OutgoingLimits,
  clock: Clock,
): { close(): void } {
  const counter = new Int32Array(signal);
  let inFlight = 0;
  let closed = false;
  const reply = (r: OutgoingWireReply): void => {
    if (closed) return;
    port.postMessage(r);
    Atomics.add(counter, 0, 1);
    Atomics.notify(counter, 0);
  };
  port.on('message', (req: OutgoingWireRequest) => {
    if (inFlight >= limits.outgoingInFlightMax) {
      reply({ id: req.id, ok: false, error: { tag: 'connection-limit-reached' } });
      return;
    }
    inFlight++;
    void answerOutgoing(req, policy, limits, clock).then((r) => {
      inFlight--;
      reply(r);
    });
  });
  return {
    close() {
      closed = true;
      port.close();
    },
  };
}
