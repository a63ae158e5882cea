/**
 * A watch as a stream of newline-separated JSON events (HTTP/1.1 chunks or HTTP/2 DATA frames:
 * no `transfer-encoding`, which HTTP/2 forbids). The stream ends when the client goes away (the
 * response's `close` event, also on an HTTP/2 stream reset: the request's fires as soon as its
 * body is read), when `timeoutSeconds` passes, or when the server stops.
 */
import type { Context } from 'hono';
import type { ResourceInfo } from '@wisp/api';
import { toTable } from '@wisp/api/table/index.ts';
import type { HttpBindings } from '@hono/node-server';
import type { ObjectEvent } from '../registry/types.ts';
import type { RequestInfo } from './request-info.ts';
import type { HandlerContext } from './resource-handlers.ts';
import { listQuery } from './resource-handlers.ts';
import { includeObject, wantsTable } from './respond.ts';
import { statusFor } from './status.ts';
import { CompactedError } from '@wisp/core';

export async function streamWatch(
  c: Context,
  info: ResourceInfo,
  ri: RequestInfo,
  h: HandlerContext,
  q: URLSearchParams,
): Promise<Response> {
  const ac = new AbortController();
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  outgoing?.on('close', () => ac.abort());
  c.req.raw.signal?.addEventListener('abort', () => ac.abort(), { once: true });
  const timeout = q.get('timeoutSeconds');
  const events = h.registry.watch(
    info,
    ri.namespace,
    {
      ...listQuery(q),
      limit: undefined,
      continue: undefined,
      allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true',
      sendInitialEvents: q.get('sendInitialEvents') === 'true',
      timeoutSeconds: timeout ? Number(timeout) : 1800,
    },
    ac.signal,
  );
  const iterator = events[Symbol.asyncIterator]();
  // Refuse a compacted revision before answering, so it is a 410 response, not an event.
  const rv = q.get('resourceVersion');
  if (rv && rv !== '0' && /^\d+$/.test(rv)) {
    const compacted = await h.registry.store.compactRevision();
    if (Number(rv) < compacted) throw new CompactedError(Number(rv), compacted);
  }
  const table = wantsTable(c);
  const include = includeObject(c);
  const encoder = new TextEncoder();
  const encode = (ev: ObjectEvent): Uint8Array => {
    const object =
      table && ev.type !== 'BOOKMARK' && ev.type !== 'ERROR'
        ? toTable(info, [ev.object], { now: h.clock.now(), includeObject: include })
        : ev.object;
    return encoder.encode(`${JSON.stringify({ type: ev.type, object })}\n`);
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encode(next.value));
      } catch (e) {
        controller.enqueue(
          encoder.encode(`${JSON.stringify({ type: 'ERROR', object: statusFor(e) })}\n`),
        );
        controller.close();
      }
    },
    async cancel() {
      ac.abort();
      await iterator.return?.();
    },
  });
  return c.body(stream, 200, {
    'content-type': 'application/json',
    'cache-control': 'no-cache, private',
  });
}
