/**
 * Splits a watch response body, read in arbitrary chunks, into the newline-separated JSON events
 * the apiserver writes. A chunk may end in the middle of an event (or of a UTF-8 character), so
 * the unfinished tail is kept for the next chunk.
 *
 *   const lines = createLineSplitter();
 *   for (const line of lines.push(chunk)) handle(JSON.parse(line));
 */

/** One event longer than this is a broken stream, not a big object: the watch is restarted. */
export const watchLineBytesMax = 4 * 1024 * 1024;

export class WatchLineTooLongError extends Error {
  readonly code = 'WATCH_LINE_TOO_LONG';
  constructor(length: number) {
    super(`watch event: longer than ${watchLineBytesMax} bytes (${length})`);
    this.name = 'WatchLineTooLongError';
  }
}

export interface LineSplitter {
  /** The complete lines this chunk finishes, without their newlines; blank lines are dropped. */
  push(chunk: Uint8Array): string[];
}

export function createLineSplitter(): LineSplitter {
  const decoder = new TextDecoder();
  let tail = '';
  return {
    push(chunk) {
      tail += decoder.decode(chunk, { stream: true });
      const parts = tail.split('\n');
      tail = parts.pop() ?? '';
      if (tail.length > watchLineBytesMax) throw new WatchLineTooLongError(tail.length);
      return parts.map((p) => p.trim()).filter((p) => p !== '');
    },
  };
}
