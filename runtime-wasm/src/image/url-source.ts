/**
 * Bytes of a `file://` or `https://` component, as a stream the blob cache hashes on the way in.
 * The digest in the reference is the only trust anchor, so nothing here needs to be believed.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { UrlImageRef } from './image-ref.ts';
import { bodyChunks, responseError, type RegistryHttp } from './registry-http.ts';

export interface UrlSource {
  /** Known up front for files and for responses with a Content-Length. */
  readonly size?: number;
  readonly chunks: AsyncIterable<Uint8Array>;
}

export async function openUrlSource(
  ref: UrlImageRef,
  http: RegistryHttp,
  limits: { readonly blobBytesMax: number; readonly blobTimeoutMs: number },
): Promise<UrlSource> {
  if (ref.scheme === 'file') {
    const st = await stat(ref.path!).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`${ref.path}: ${e.code ?? e.message}`, { cause: e });
    });
    if (!st.isFile()) throw new Error(`${ref.path}: not a regular file`);
    tooBig(st.size, limits.blobBytesMax);
    return { size: st.size, chunks: createReadStream(ref.path!) };
  }
  const timeoutMs = limits.blobTimeoutMs;
  const res = await http.send(ref.url, { method: 'GET' }, { authKey: ref.url, timeoutMs });
  if (res.status !== 200) throw await responseError('GET', ref.url, res);
  const header = res.headers.get('content-length');
  const size = header === null ? undefined : Number(header);
  if (size !== undefined) tooBig(size, limits.blobBytesMax);
  return { size, chunks: bodyChunks(res) };
}

function tooBig(size: number, blobBytesMax: number): void {
  if (size > blobBytesMax) {
    throw new Error(`component is ${size} bytes, more than blobBytesMax ${blobBytesMax}`);
  }
}
