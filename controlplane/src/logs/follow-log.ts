/**
 * The body of a long log answer: the first slice, then more slices asked from the agent at the
 * last offset — at once while the agent says there is more, else (following) every poll
 * interval — until the container ends, `limitBytes` is reached, the client goes away, or the
 * agent stays unreachable. Pull-driven, so a slow client slows the asking down.
 */
import type { LogRequest, LogSlice } from '@wisp/api/wire/log-messages.ts';
import { isWispError, type Clock } from '@wisp/core';
import type { LogAsk } from './pod-log-source.ts';

export interface FollowLogInit {
  readonly request: LogRequest;
  readonly first: LogSlice;
  /** Keep asking after the end of what is written (`follow=true`). */
  readonly follow: boolean;
  readonly limitBytes?: number;
}

export interface FollowLogComponents {
  readonly ask: LogAsk;
  readonly clock: Clock;
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
  readonly pollIntervalMs: number;
  readonly followFailuresMax: number;
}

const encoder = new TextEncoder();

export function followLog(init: FollowLogInit, c: FollowLogComponents): ReadableStream<Uint8Array> {
  const ac = new AbortController();
  const onAbort = (): void => ac.abort();
  if (c.signal.aborted) ac.abort();
  else c.signal.addEventListener('abort', onAbort, { once: true });
  const done = (): void => {
    c.signal.removeEventListener('abort', onAbort);
    ac.abort();
  };
  const { tailLines: _tail, ...rest } = init.request;
  let last = init.first;
  let remaining = init.limitBytes ?? Infinity;
  let failures = 0;

  /** The next non-empty chunk, or undefined at the end. */
  async function next(): Promise<Uint8Array | undefined> {
    for (;;) {
      if (ac.signal.aborted || remaining <= 0) return undefined;
      if (!last.more || failures > 0) {
        if (failures === 0 && (!init.follow || last.ended)) return undefined;
        await c.clock.sleep(c.pollIntervalMs, ac.signal);
      }
      let answer: LogSlice;
      try {
        answer = await c.ask(nextRequest(rest, last, remaining), ac.signal);
        failures = 0;
      } catch (e) {
        // The pod or container is gone (a refusal), or the agent stayed away too long.
        if (ac.signal.aborted || isWispError(e, 'ERR_BAD_REQUEST')) return undefined;
        if (++failures >= c.followFailuresMax) return undefined;
        continue;
      }
      last = answer;
      if (answer.text !== '') {
        const bytes = encoder.encode(answer.text);
        remaining -= bytes.byteLength;
        return bytes;
      }
    }
  }

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (init.first.text === '') return;
        const bytes = encoder.encode(init.first.text);
        remaining -= bytes.byteLength;
        controller.enqueue(bytes);
      },
      async pull(controller) {
        let chunk: Uint8Array | undefined;
        try {
          chunk = await next();
        } catch {
          chunk = undefined; // aborted while waiting
        }
        if (chunk) return controller.enqueue(chunk);
        done();
        controller.close();
      },
      cancel() {
        done();
      },
    },
    { highWaterMark: 0 },
  );
}

function nextRequest(
  base: Omit<LogRequest, 'tailLines'>,
  last: LogSlice,
  remaining: number,
): LogRequest {
  return {
    ...base,
    sinceBytes: last.nextOffset,
    sinceFile: last.fileId,
    instance: last.instance,
    ...(Number.isFinite(remaining) ? { limitBytes: remaining } : {}),
  };
}
