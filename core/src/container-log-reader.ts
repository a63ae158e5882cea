/**
 * Reads what `openContainerLog` wrote, the way `kubectl logs` wants it: the text of each line,
 * optionally with its timestamp, from the start, from a byte position (to follow), or the last
 * lines (reaching into the rotated `.1` file when the current one holds too few).
 *
 * A position is a byte offset in one file, named by `fileId` (device and inode, which a rename
 * keeps), so a follower whose file was rotated away finishes it from `.1` before going on.
 *
 *   let at = await readContainerLog(path, { tailLines: 10 });
 *   at = await readContainerLog(path, { sinceBytes: at.nextOffset, sinceFile: at.fileId });
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface ReadContainerLogOptions {
  /** Only the last this many lines (a line still being written counts as one). */
  readonly tailLines?: number;
  /** Go on from here: a `nextOffset` of an earlier read. */
  readonly sinceBytes?: number;
  /** The `fileId` that came with `sinceBytes`; without it a shrunken file means a rotation. */
  readonly sinceFile?: string;
  /** Skip records written before this wall time. */
  readonly sinceTimeMs?: number;
  /** Cut the text after this many bytes. */
  readonly limitBytes?: number;
  /** Start each line with its RFC 3339 timestamp. */
  readonly timestamps?: boolean;
  /** File bytes looked at per call; `more` says there is more to read at once. */
  readonly readBytesMax?: number;
}

export interface ContainerLogSlice {
  readonly text: string;
  /** Where the next read goes on (with `fileId`). */
  readonly nextOffset: number;
  /** Which file `nextOffset` is in; '' when there is no log yet. */
  readonly fileId: string;
  /** The position asked for was in a file since rotated (it was finished from `.1`, or lost). */
  readonly rotated: boolean;
  /** More is already written past `nextOffset`: read again without waiting. */
  readonly more: boolean;
}

export const containerLogReadDefaults = {
  /** Small enough that the text, JSON-escaped, fits a 1 MiB gossip response. */
  readBytesMax: 128 * 1024,
  tailBlockBytes: 64 * 1024,
} as const;

interface Segment {
  readonly handle: FileHandle;
  readonly id: string;
  readonly size: number;
}

interface Position {
  readonly seg: number;
  readonly offset: number;
}

const newline = 0x0a;
const space = 0x20;

export async function readContainerLog(
  path: string,
  options: ReadContainerLogOptions = {},
): Promise<ContainerLogSlice> {
  const segs = await openSegments(path);
  try {
    if (segs.length === 0) {
      return { text: '', nextOffset: 0, fileId: '', rotated: false, more: false };
    }
    const { pos, rotated } =
      options.sinceBytes !== undefined
        ? resumeAt(segs, options.sinceBytes, options.sinceFile)
        : { pos: await startOf(segs, options.tailLines), rotated: false };
    const readBytesMax = options.readBytesMax ?? containerLogReadDefaults.readBytesMax;
    const read = await readForward(segs, pos, readBytesMax);
    const text = formatRecords(read.records, options);
    return {
      text,
      nextOffset: read.end.offset,
      fileId: segs[read.end.seg].id,
      rotated: rotated || read.end.seg > pos.seg,
      more: read.more,
    };
  } finally {
    await Promise.all(segs.map((s) => s.handle.close()));
  }
}

/** `.1` then the current file, each opened once so a rotation meanwhile cannot mix them up. */
async function openSegments(path: string): Promise<Segment[]> {
  let current = await openSegment(path);
  const previous = await openSegment(`${path}.1`);
  if (current && previous && current.id === previous.id) {
    // Rotated between the two opens: what we hold as current is now `.1`.
    await current.handle.close();
    current = await openSegment(path);
  }
  return [previous, current].filter((s): s is Segment => s !== undefined);
}

async function openSegment(path: string): Promise<Segment | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const st = await handle.stat();
  return { handle, id: `${st.dev}:${st.ino}`, size: st.size };
}

function resumeAt(
  segs: readonly Segment[],
  sinceBytes: number,
  sinceFile: string | undefined,
): { pos: Position; rotated: boolean } {
  const last = segs.length - 1;
  if (sinceFile) {
    const seg = segs.findIndex((s) => s.id === sinceFile);
    if (seg === -1) return { pos: { seg: 0, offset: 0 }, rotated: true };
    return { pos: { seg, offset: Math.min(sinceBytes, segs[seg].size) }, rotated: seg < last };
  }
  if (sinceBytes <= segs[last].size)
    return { pos: { seg: last, offset: sinceBytes }, rotated: false };
  if (last === 0) return { pos: { seg: 0, offset: 0 }, rotated: true };
  return { pos: { seg: 0, offset: Math.min(sinceBytes, segs[0].size) }, rotated: true };
}

async function startOf(segs: readonly Segment[], tailLines: number | undefined): Promise<Position> {
  if (tailLines === undefined) return { seg: 0, offset: 0 };
  let lines = 0;
  let seen = false;
  for (let seg = segs.length - 1; seg >= 0; seg--) {
    for await (const rec of recordsBackward(segs[seg])) {
      if (!seen && !rec.full) lines = 1;
      seen = true;
      if (!rec.full) continue;
      if (lines >= tailLines) return { seg, offset: rec.end };
      lines += 1;
    }
  }
  return { seg: 0, offset: 0 };
}

interface ForwardRead {
  readonly records: Uint8Array[];
  readonly end: Position;
  readonly more: boolean;
}

async function readForward(
  segs: readonly Segment[],
  from: Position,
  budgetBytes: number,
): Promise<ForwardRead> {
  const records: Uint8Array[] = [];
  const last = segs.length - 1;
  let { seg, offset } = from;
  let budget = budgetBytes;
  let more: boolean;
  for (;;) {
    const s = segs[seg];
    const want = Math.min(s.size - offset, budget);
    const reachedEnd = want === s.size - offset;
    if (want > 0) {
      const buf = new Uint8Array(want);
      const { bytesRead } = await s.handle.read(buf, 0, want, offset);
      const used = buf.subarray(0, bytesRead).lastIndexOf(newline) + 1;
      // A record longer than a whole read is no record of ours: skip it rather than stall.
      const skip = used === 0 && bytesRead === budget ? bytesRead : used;
      splitLines(buf.subarray(0, used), records);
      offset += skip;
      budget -= skip;
    }
    more = !reachedEnd;
    if (more || seg === last) break;
    // `.1` is done; bytes after its last newline were torn by a crash and are lost with it.
    seg += 1;
    offset = 0;
  }
  if (seg < last && offset >= segs[seg].size) {
    seg += 1;
    offset = 0;
  }
  return { records, end: { seg, offset }, more };
}

function splitLines(bytes: Uint8Array, into: Uint8Array[]): void {
  let start = 0;
  for (let nl = bytes.indexOf(newline); nl !== -1; nl = bytes.indexOf(newline, start)) {
    into.push(bytes.subarray(start, nl));
    start = nl + 1;
  }
}

interface Header {
  readonly timestamp: string;
  readonly full: boolean;
  /** Where the text starts in the record. */
  readonly textAt: number;
}

const latin1 = new TextDecoder('latin1');

/** The record's header, or undefined for a line that is not a CRI record. */
export function parseRecordHeader(record: Uint8Array): Header | undefined {
  const tsEnd = record.indexOf(space);
  if (tsEnd <= 0) return undefined;
  const streamEnd = record.indexOf(space, tsEnd + 1);
  if (streamEnd === -1 || record[streamEnd + 2] !== space) return undefined;
  const tag = record[streamEnd + 1];
  if (tag !== 0x46 && tag !== 0x50) return undefined; // F, P
  const timestamp = latin1.decode(record.subarray(0, tsEnd));
  return { timestamp, full: tag === 0x46, textAt: streamEnd + 3 };
}

function formatRecords(records: readonly Uint8Array[], o: ReadContainerLogOptions): string {
  const parts: Uint8Array[] = [];
  let total = 0;
  const limit = o.limitBytes ?? Infinity;
  const push = (b: Uint8Array): boolean => {
    const room = limit - total;
    parts.push(b.byteLength > room ? b.subarray(0, room) : b);
    total += Math.min(b.byteLength, room);
    return total < limit;
  };
  const encoder = new TextEncoder();
  let lineStart = true;
  for (const record of records) {
    const h = parseRecordHeader(record);
    if (!h) continue;
    const wasLineStart = lineStart;
    lineStart = h.full;
    if (o.sinceTimeMs !== undefined && Date.parse(h.timestamp) < o.sinceTimeMs) continue;
    if (o.timestamps && wasLineStart && !push(encoder.encode(`${h.timestamp} `))) break;
    if (!push(record.subarray(h.textAt))) break;
    if (h.full && !push(newlineBytes)) break;
  }
  return Buffer.concat(parts).toString('utf8');
}

const newlineBytes = new Uint8Array([newline]);

/** The complete records of a file, newest first; `end` is the offset after the newline. */
async function* recordsBackward(
  seg: Segment,
): AsyncGenerator<{ readonly end: number; readonly full: boolean }> {
  const r = new BackwardReader(seg);
  const lastNl = await r.lastNewlineBefore(seg.size);
  if (lastNl === -1) return;
  let end = lastNl + 1;
  while (end > 0) {
    const start = (await r.lastNewlineBefore(end - 1)) + 1;
    const h = parseRecordHeader(r.bytes(start, end - 1));
    yield { end, full: h?.full ?? true };
    end = start;
    r.dropFrom(end);
  }
}

/** File bytes read block by block from the end, keeping only what has not been passed. */
class BackwardReader {
  readonly #seg: Segment;
  #buf: Uint8Array = new Uint8Array(0);
  #start: number;

  constructor(seg: Segment) {
    this.#seg = seg;
    this.#start = seg.size;
  }

  /** The offset of the last newline before `before`, or -1 if none. */
  async lastNewlineBefore(before: number): Promise<number> {
    for (;;) {
      const rel = before - 1 - this.#start;
      const i = rel >= 0 ? this.#buf.subarray(0, rel + 1).lastIndexOf(newline) : -1;
      if (i !== -1) return this.#start + i;
      if (!(await this.#extend())) return -1;
    }
  }

  bytes(from: number, to: number): Uint8Array {
    return this.#buf.subarray(from - this.#start, to - this.#start);
  }

  dropFrom(offset: number): void {
    this.#buf = this.#buf.subarray(0, Math.max(0, offset - this.#start));
  }

  async #extend(): Promise<boolean> {
    if (this.#start === 0) return false;
    const n = Math.min(containerLogReadDefaults.tailBlockBytes, this.#start);
    const block = new Uint8Array(n + this.#buf.byteLength);
    await this.#seg.handle.read(block, 0, n, this.#start - n);
    block.set(this.#buf, n);
    this.#buf = block;
    this.#start -= n;
    return true;
  }
}
