/**
 * Splits a streamed watch body into its newline-separated JSON values. Chunks may cut a line (or
 * a multi-byte character) anywhere; each line is decoded only when complete. A line longer than
 * `lineBytesMax` ends the stream with an error rather than buffering without bound.
 */
import { KubeDecodeError, KubeResponseTooLargeError } from './errors.ts';

const NEWLINE = 0x0a;

export async function* jsonLines(
  chunks: AsyncIterable<Uint8Array | string>,
  lineBytesMax: number,
): AsyncGenerator<unknown> {
  let pending = Buffer.alloc(0);
  for await (const chunk of chunks) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    pending = pending.length ? Buffer.concat([pending, bytes]) : bytes;
    let start = 0;
    for (let nl = pending.indexOf(NEWLINE, start); nl >= 0; nl = pending.indexOf(NEWLINE, start)) {
      if (nl - start > lineBytesMax)
        throw new KubeResponseTooLargeError('watch event', lineBytesMax);
      const value = parseLine(pending.subarray(start, nl));
      start = nl + 1;
      if (value !== undefined) yield value;
    }
    pending = pending.subarray(start);
    if (pending.length > lineBytesMax) {
      throw new KubeResponseTooLargeError('watch event', lineBytesMax);
    }
  }
  const last = parseLine(pending);
  if (last !== undefined) yield last;
}

function parseLine(line: Uint8Array): unknown {
  const text = Buffer.from(line).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new KubeDecodeError('watch event', { cause: e });
  }
}
