/**
 * node:http ↔ pool: reads a request body under its cap and writes a pool outcome back. Headers
 * the transport owns (framing, hop-by-hop) are dropped from the guest's response; node sets the
 * length itself from the buffered body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobOutcome, JobRequest } from './instance-pool.ts';

const transportHeaders = new Set([
  'connection',
  'content-length',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

export class BodyTooLargeError extends Error {}

/** The whole body, or BodyTooLargeError as soon as it passes `bytesMax`. */
export async function readBody(req: IncomingMessage, bytesMax: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > bytesMax) throw new BodyTooLargeError(`declared ${declared} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > bytesMax) throw new BodyTooLargeError(`more than ${bytesMax} bytes`);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks, size));
}

export function jobRequestFrom(req: IncomingMessage, body: Uint8Array): JobRequest {
  const headers: [string, string][] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  }
  return {
    method: req.method ?? 'GET',
    pathWithQuery: req.url ?? '/',
    authority: req.headers.host,
    scheme: 'http',
    headers,
    body,
  };
}

function groupHeaders(pairs: [string, string][]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of pairs) {
    if (transportHeaders.has(name)) continue;
    (out[name] ??= []).push(value);
  }
  return out;
}

export function sendText(res: ServerResponse, status: number, text: string, close = false): void {
  if (res.headersSent) return void res.destroy();
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (close) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(`${text}\n`);
}

export function sendOutcome(res: ServerResponse, outcome: JobOutcome): void {
  if (outcome.kind === 'failed') return sendText(res, outcome.status, outcome.message);
  try {
    res.writeHead(outcome.status, groupHeaders(outcome.headers));
  } catch (err) {
    // A header node refuses (e.g. a status it cannot send) is the guest's fault: 500, not a crash.
    return sendText(res, 500, `invalid response from handler: ${(err as Error).message}`);
  }
  res.end(outcome.body);
}
