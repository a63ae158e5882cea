/**
 * One request and its answer: JSON in and out, the caller's signal combined with the request
 * timeout (on the injected clock), and an error answer turned into its named error.
 */
import type { Clock } from '@wisp/core';
import {
  KubeDecodeError,
  KubeTimeoutError,
  kubeErrorFromStatus,
  statusFromBody,
} from './errors.ts';
import type { HttpRequest, Transport } from './transport.ts';
import { RESPONSE_BYTES_MAX } from './types.ts';
import type { KubeClientInit, RequestOptions } from './types.ts';

export interface RawRequest extends RequestOptions {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly accept?: string;
}

export type Requester = <T>(req: RawRequest) => Promise<T>;

export function requestHeaders(init: KubeClientInit): Record<string, string> {
  return {
    'user-agent': init.userAgent ?? 'wisp-testkit/0.1',
    ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
  };
}

export function createRequester(
  init: KubeClientInit,
  transport: Transport,
  clock: Clock | undefined,
): Requester {
  const bytesMax = init.responseBytesMax ?? RESPONSE_BYTES_MAX;
  const baseHeaders = requestHeaders(init);
  const timeoutMs = init.requestTimeoutMs ?? 0;
  if (timeoutMs > 0 && !clock) {
    throw new TypeError('requestTimeoutMs: a clock is required to time requests out');
  }
  const signalFor = (signal: AbortSignal | undefined): AbortSignal | undefined => {
    if (timeoutMs <= 0 || !clock) return signal;
    const timeout = clock.timeoutSignal(timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  };

  return async function request<T>(req: RawRequest): Promise<T> {
    const signal = signalFor(req.signal);
    const what = `${req.method} ${req.path}`;
    const http: HttpRequest = {
      method: req.method,
      path: req.path,
      headers: {
        ...baseHeaders,
        accept: req.accept ?? 'application/json',
        ...(req.body === undefined
          ? {}
          : { 'content-type': req.contentType ?? 'application/json' }),
      },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal,
    };
    let answer;
    try {
      answer = await transport.send(http, bytesMax);
    } catch (e) {
      if (signal?.aborted && !req.signal?.aborted) throw new KubeTimeoutError(what, timeoutMs);
      throw e;
    }
    if (answer.statusCode < 200 || answer.statusCode >= 300) {
      throw kubeErrorFromStatus(statusFromBody(answer.statusCode, answer.body));
    }
    if (answer.body.trim() === '') return undefined as T;
    try {
      return JSON.parse(answer.body) as T;
    } catch (e) {
      throw new KubeDecodeError(what, { cause: e });
    }
  };
}
