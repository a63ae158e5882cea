/**
 * Deadlines on the injected Clock for stream protocols: an AbortSignal that fires after `ms` (or
 * when a parent signal does), and a race that rejects a pending step when it fires, so a peer
 * that stops answering cannot hold a request open.
 */
import type { Clock } from './clock.ts';
import { WispError } from './errors.ts';
import { GossipPeerUnreachableError, GossipRequestTimeoutError } from './gossip-errors.ts';

export interface Deadline {
  readonly signal: AbortSignal;
  /** True once the time ran out (not when the parent aborted). */
  expired(): boolean;
  /** Cancels the timer; call when the work finished first. */
  clear(): void;
}

export class DeadlineExpired extends Error {
  constructor(ms: number) {
    super(`deadline of ${ms} ms passed`);
    this.name = 'DeadlineExpired';
  }
}

export function clockDeadline(clock: Clock, ms: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const onParent = (): void => controller.abort(parent?.reason);
  const timer = clock.setTimeout(() => {
    timedOut = true;
    controller.abort(new DeadlineExpired(ms));
  }, ms);
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    expired: () => timedOut,
    clear() {
      clock.clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

/** `promise`, or a rejection with the signal's reason if it aborts first. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * What a failed stream step becomes for the caller: a timeout if the deadline passed, the error
 * itself if it is already one of ours (or the caller aborted), else the peer was unreachable.
 */
export function streamFailure(
  e: unknown,
  limit: Deadline,
  at: { readonly peer: string; readonly protocol: string; readonly timeoutMs: number },
  callerSignal?: AbortSignal,
): unknown {
  if (limit.expired() || e instanceof DeadlineExpired) {
    return new GossipRequestTimeoutError(at.peer, at.protocol, at.timeoutMs, { cause: e });
  }
  if (e instanceof WispError || callerSignal?.aborted) return e;
  return new GossipPeerUnreachableError(at.peer, `${at.protocol}: stream failed`, { cause: e });
}
