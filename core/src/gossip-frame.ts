/**
 * Length-prefixed frames for the stream protocols (identity exchange, request/response): a
 * 4-byte big-endian length, then that many bytes. The reader refuses a frame longer than its
 * cap as soon as the length arrives, before buffering it.
 *
 *   stream.send(encodeFrame(body));
 *   const reply = await readFrame(streamChunks(stream), requestBytesMax, 'response');
 */
import { GossipMessageTooLargeError, GossipProtocolError } from './gossip-errors.ts';

const headerBytes = 4;
/** The header can express up to 4 GiB; nothing here may come close. */
const frameBytesCeiling = 0xffff_ffff;

export function encodeFrame(body: Uint8Array): Uint8Array {
  if (body.byteLength > frameBytesCeiling) {
    throw new GossipMessageTooLargeError('frame', body.byteLength, frameBytesCeiling);
  }
  const out = new Uint8Array(headerBytes + body.byteLength);
  new DataView(out.buffer).setUint32(0, body.byteLength);
  out.set(body, headerBytes);
  return out;
}

/** Collects chunks until one whole frame is in; `push` returns it then, and undefined before. */
export class FrameReader {
  readonly #bytesMax: number;
  readonly #field: string;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #length: number | undefined;

  constructor(bytesMax: number, field: string) {
    this.#bytesMax = bytesMax;
    this.#field = field;
  }

  push(chunk: Uint8Array): Uint8Array | undefined {
    this.#chunks.push(chunk);
    this.#buffered += chunk.byteLength;
    if (this.#length === undefined && this.#buffered >= headerBytes) {
      this.#length = readUint32(this.#joined(), 0);
      if (this.#length > this.#bytesMax) {
        throw new GossipMessageTooLargeError(this.#field, this.#length, this.#bytesMax);
      }
    }
    if (this.#length === undefined || this.#buffered < headerBytes + this.#length) return undefined;
    const all = this.#joined();
    if (all.byteLength > headerBytes + this.#length) {
      throw new GossipProtocolError(`${this.#field}: bytes after the end of the frame`);
    }
    return all.subarray(headerBytes);
  }

  #joined(): Uint8Array {
    if (this.#chunks.length !== 1) {
      const all = new Uint8Array(this.#buffered);
      let at = 0;
      for (const c of this.#chunks) {
        all.set(c, at);
        at += c.byteLength;
      }
      this.#chunks = [all];
    }
    return this.#chunks[0];
  }
}

/** Big-endian u32 at `at`, for any view (transports hand out views into pooled buffers). */
export function readUint32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at);
}

/** Reads exactly one frame; throws `GossipProtocolError` if the stream ends first. */
export async function readFrame(
  source: AsyncIterable<Uint8Array>,
  bytesMax: number,
  field: string,
): Promise<Uint8Array> {
  const reader = new FrameReader(bytesMax, field);
  for await (const chunk of source) {
    const frame = reader.push(chunk);
    if (frame) return frame;
  }
  throw new GossipProtocolError(`${field}: stream ended before a whole frame arrived`);
}
