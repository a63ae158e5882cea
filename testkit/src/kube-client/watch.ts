/**
 * A watch as an async iterable of events. Ending the loop (break, return, or the caller's
 * signal) closes the connection; the server ending the stream ends the loop; an ERROR event is
 * thrown as the named error of its Status.
 */
import type { KubeObject, Status } from '@wisp/api';
import { kubeErrorFromStatus, statusFromBody } from './errors.ts';
import { jsonLines } from './json-lines.ts';
import type { Transport } from './transport.ts';
import { WATCH_EVENT_BYTES_MAX } from './types.ts';
import type { WatchEvent, WatchEventType } from './types.ts';

export interface WatchRequest {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly eventBytesMax?: number;
}

const TYPES = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

export async function* watchStream<T extends KubeObject>(
  transport: Transport,
  req: WatchRequest,
): AsyncGenerator<WatchEvent<T>> {
  if (req.signal?.aborted) return;
  const ac = new AbortController();
  const onAbort = (): void => ac.abort(req.signal?.reason);
  req.signal?.addEventListener('abort', onAbort, { once: true });
  let close = (): void => {};
  try {
    const res = await transport.open({
      method: 'GET',
      path: req.path,
      headers: req.headers,
      signal: ac.signal,
    });
    close = res.close;
    if (res.statusCode < 200 || res.statusCode >= 300) {
      let body = '';
      for await (const chunk of res.body) body += chunk.toString('utf8');
      throw kubeErrorFromStatus(statusFromBody(res.statusCode, body));
    }
    for await (const value of jsonLines(res.body, req.eventBytesMax ?? WATCH_EVENT_BYTES_MAX)) {
      const ev = value as { type?: string; object?: unknown };
      if (ev.type === 'ERROR') throw kubeErrorFromStatus(ev.object as Status);
      if (!ev.type || !TYPES.has(ev.type)) continue;
      yield { type: ev.type as WatchEventType, object: ev.object as T };
    }
  } catch (e) {
    // The caller ended the watch: that is its normal end, not a failure.
    if (!ac.signal.aborted) throw e;
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
    ac.abort();
    close();
  }
}
