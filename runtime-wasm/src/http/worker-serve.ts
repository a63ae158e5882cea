/**
 * The http side of an instance worker. HOST's worker entry, for world 'http', calls
 * `createHttpWorker` before instantiating (to get the wasi:http imports) and `serve` after: the
 * worker then answers `http-request` messages one at a time with the same instance.
 *
 *   const http = createHttpWorker(parentPort, workerData.http);
 *   const exports = await instantiate(getCoreModule, buildImports(ctx, http.imports));
 *   http.serve(exports);
 */
import type { MessagePort } from 'node:worker_threads';
import type { InstanceExit } from '../host/instance-exit.ts';
import { describeErrorCode } from './error-code.ts';
import { IncomingRequest, ResponseOutparam } from './incoming-types.ts';
import type { HttpWorkerData, ServeReply, ServeRequest } from './messages.ts';
import { OutgoingChannel } from './outgoing-channel.ts';
import { httpImports } from './wasi-http-imports.ts';

interface IncomingHandler {
  handle(req: IncomingRequest, out: ResponseOutparam): void;
}

export interface HttpWorker {
  readonly imports: Record<string, Record<string, unknown>>;
  /**
   * Answers requests with this instance from now on. `classifyTrap` (HOST's `exitFromThrow` over
   * the instance's memories) tells an out-of-memory trap from another one.
   */
  serve(exports: Record<string, unknown>, classifyTrap?: (err: unknown) => InstanceExit): void;
}

/** The component's `wasi:http/incoming-handler` export, under whichever name jco gave it. */
export function findIncomingHandler(exports: Record<string, unknown>): IncomingHandler {
  const key = Object.keys(exports).find(
    (k) => k === 'incomingHandler' || k.startsWith('wasi:http/incoming-handler'),
  );
  const handler = key === undefined ? undefined : (exports[key] as Partial<IncomingHandler>);
  if (typeof handler?.handle !== 'function') {
    throw new Error('component does not export wasi:http/incoming-handler');
  }
  return handler as IncomingHandler;
}

/** What the guest left in the outparam once `handle` returned. */
export function replyFromOutparam(id: number, out: ResponseOutparam): ServeReply {
  const result = out.result;
  if (result === undefined) {
    return { type: 'http-failed', id, trapped: false, message: 'handler set no response' };
  }
  if (result.tag === 'err') {
    return { type: 'http-failed', id, trapped: false, message: describeErrorCode(result.val) };
  }
  const { status, headers, body } = result.val.outcome;
  if (body?.overflowed) {
    return { type: 'http-failed', id, trapped: false, message: 'response body exceeds its cap' };
  }
  // A body the guest did not finish is sent as written: it is fully buffered either way.
  const bytes = body?.bytes() ?? new Uint8Array(0);
  return { type: 'http-response', id, status, headers: headers.toPairs(), body: bytes };
}

function serveOne(
  handler: IncomingHandler,
  req: ServeRequest,
  classifyTrap: ((err: unknown) => InstanceExit) | undefined,
): ServeReply {
  const out = new ResponseOutparam();
  try {
    handler.handle(new IncomingRequest(req), out);
  } catch (err) {
    // After a trap jco refuses every further call; the parent replaces this worker.
    const message = err instanceof Error ? err.message : String(err);
    const exit = classifyTrap?.(err);
    return { type: 'http-failed', id: req.id, trapped: true, message, ...(exit ? { exit } : {}) };
  }
  return replyFromOutparam(req.id, out);
}

export function createHttpWorker(parentPort: MessagePort, data: HttpWorkerData): HttpWorker {
  const channel = new OutgoingChannel(data.outgoingPort, data.outgoingSignal);
  const imports = httpImports({
    channel,
    responseBytesMax: data.responseBytesMax,
    outgoingRequestBytesMax: data.outgoingRequestBytesMax,
  });
  return {
    imports,
    serve(exports, classifyTrap) {
      const handler = findIncomingHandler(exports);
      parentPort.on('message', (msg: ServeRequest) => {
        if (msg?.type !== 'http-request') return;
        const reply = serveOne(handler, msg, classifyTrap);
        const transfer = reply.type === 'http-response' ? [reply.body.buffer as ArrayBuffer] : [];
        parentPort.postMessage(reply, transfer);
      });
      parentPort.postMessage({ type: 'http-ready' } satisfies ServeReply);
    },
  };
}
