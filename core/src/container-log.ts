/**
 * Container log files in the CRI format the kubelet reads (`<RFC3339Nano> stdout|stderr F|P
 * <text>`, `P` for a piece of a line that goes on in the next record), rotated at a size limit
 * with one `.1` file kept. Writing never throws into the runtime: bytes that cannot be written
 * (a full disk) are counted and a marker line says how many once space returns.
 *
 *   const log = openContainerLog(containerLogPath(dataDir, uid, 'app', 0), { clock });
 *   log.write('stdout', bytes); // from the instance's stdout
 *   log.close();
 *   const { text, nextOffset, fileId } = await readContainerLog(path, { tailLines: 10 });
 */
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Clock } from './clock.ts';

export * from './container-log-reader.ts';

export type LogStream = 'stdout' | 'stderr';

export const containerLogDefaults = {
  /** Per container; with the `.1` file a container keeps at most twice this. */
  bytesMax: 10 * 1024 * 1024,
  /** Longer lines are split into `P` records of at most this many text bytes. */
  lineBytesMax: 16 * 1024,
} as const;

/**
 * What a record adds to its text: `2025-01-01T00:00:00.123000000Z stdout F ` and the newline
 * (the timestamp has a fixed width).
 */
export const logRecordOverheadBytes = 41;
const logFileMode = 0o640;
const logDirMode = 0o750;

/**
 * The synchronous file operations the writer needs, injectable so tests can fill the disk.
 * Synchronous so a write never interleaves with a rotation, and a reader in the same process
 * never sees the moment between the rename and the new file.
 */
export interface LogFiles {
  /** Opens for appending, creating the file and its directory. */
  open(path: string): number;
  size(fd: number): number;
  /** Writes every byte or throws. */
  write(fd: number, bytes: Uint8Array): void;
  truncate(fd: number, size: number): void;
  close(fd: number): void;
  rename(from: string, to: string): void;
}

export const nodeLogFiles: LogFiles = {
  open(path) {
    mkdirSync(dirname(path), { recursive: true, mode: logDirMode });
    return openSync(path, 'a', logFileMode);
  },
  size: (fd) => fstatSync(fd).size,
  write(fd, bytes) {
    for (let done = 0; done < bytes.byteLength;) {
      done += writeSync(fd, bytes, done, bytes.byteLength - done);
    }
  },
  truncate: (fd, size) => ftruncateSync(fd, size),
  close: (fd) => closeSync(fd),
  rename: (from, to) => renameSync(from, to),
};

export interface ContainerLogInit {
  readonly clock: Clock;
  readonly bytesMax?: number;
  readonly lineBytesMax?: number;
  readonly files?: LogFiles;
}

export interface ContainerLog {
  /** Appends the chunk as records; never throws. */
  write(stream: LogStream, chunk: Uint8Array | string): void;
  close(): void;
  /** Bytes lost since the last marker line was written (0 while all is well). */
  readonly droppedBytes: number;
}

/** Where the pod manager keeps one container instance's log. */
export function containerLogPath(
  dataDir: string,
  podUid: string,
  container: string,
  restartCount: number,
): string {
  return join(dataDir, 'pods', podUid, 'logs', container, `${restartCount}.log`);
}

/** RFC 3339 with nine fraction digits, as containerd writes CRI logs (fixed width). */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export function openContainerLog(path: string, init: ContainerLogInit): ContainerLog {
  return new ContainerLogWriter(path, init);
}

const encoder = new TextEncoder();
const newline = 0x0a;

class ContainerLogWriter implements ContainerLog {
  readonly #path: string;
  readonly #clock: Clock;
  readonly #files: LogFiles;
  readonly #bytesMax: number;
  readonly #lineBytesMax: number;
  #fd: number | undefined;
  #size = 0;
  #dropped = 0;
  #dropReason = '';
  #closed = false;

  constructor(path: string, init: ContainerLogInit) {
    this.#path = path;
    this.#clock = init.clock;
    this.#files = init.files ?? nodeLogFiles;
    this.#bytesMax = init.bytesMax ?? containerLogDefaults.bytesMax;
    if (!Number.isInteger(this.#bytesMax) || this.#bytesMax < 2 * logRecordOverheadBytes) {
      throw new RangeError(
        `bytesMax: Invalid value: ${this.#bytesMax}: must be at least ${2 * logRecordOverheadBytes}`,
      );
    }
    // A record always fits in an empty file, so no file ever exceeds bytesMax.
    const lineMax = init.lineBytesMax ?? containerLogDefaults.lineBytesMax;
    this.#lineBytesMax = Math.max(1, Math.min(lineMax, this.#bytesMax - logRecordOverheadBytes));
    this.#reopen();
  }

  get droppedBytes(): number {
    return this.#dropped;
  }

  write(stream: LogStream, chunk: Uint8Array | string): void {
    if (this.#closed) return;
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    if (bytes.byteLength === 0) return;
    const header = `${rfc3339Nano(this.#clock.now())} ${stream} `;
    const batch: Uint8Array[] = [];
    let batchBytes = 0;
    for (const [text, full] of splitRecords(bytes, this.#lineBytesMax)) {
      const record = recordBytes(header, full, text);
      if (this.#size + batchBytes + record.byteLength > this.#bytesMax) {
        this.#append(batch, batchBytes);
        batch.length = 0;
        batchBytes = 0;
        if (this.#size + record.byteLength > this.#bytesMax) this.#rotate();
      }
      batch.push(record);
      batchBytes += record.byteLength;
    }
    this.#append(batch, batchBytes);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#fd !== undefined) this.#quietly(() => this.#files.close(this.#fd!));
    this.#fd = undefined;
  }

  #append(records: readonly Uint8Array[], total: number): void {
    if (records.length === 0) return;
    if (this.#dropped > 0 && !this.#writeMarker()) {
      this.#dropped += total;
      return;
    }
    if (this.#size + total > this.#bytesMax) this.#rotate();
    const bytes = records.length === 1 ? records[0] : concat(records, total);
    if (!this.#tryWrite(bytes)) this.#dropped += total;
  }

  /** Says how much was lost, once it can be said; false while the disk is still full. */
  #writeMarker(): boolean {
    const text = `[wisp] ${this.#dropped} bytes of log dropped: ${this.#dropReason}`;
    const record = recordBytes(`${rfc3339Nano(this.#clock.now())} stderr `, true, text);
    if (this.#size + record.byteLength > this.#bytesMax) this.#rotate();
    if (!this.#tryWrite(record)) return false;
    this.#dropped = 0;
    return true;
  }

  #tryWrite(bytes: Uint8Array): boolean {
    if (this.#fd === undefined && !this.#reopen()) return false;
    try {
      this.#files.write(this.#fd!, bytes);
      this.#size += bytes.byteLength;
      return true;
    } catch (e) {
      this.#noteFailure(e);
      // A half-written record would corrupt the line after it: cut it off again.
      this.#quietly(() => this.#files.truncate(this.#fd!, this.#size));
      return false;
    }
  }

  #rotate(): void {
    if (this.#fd !== undefined) this.#quietly(() => this.#files.close(this.#fd!));
    this.#fd = undefined;
    try {
      this.#files.rename(this.#path, `${this.#path}.1`);
    } catch (e) {
      // Keeping the limit matters more than the old lines: start the file afresh.
      this.#noteFailure(e);
      if (this.#reopen()) this.#quietly(() => this.#files.truncate(this.#fd!, 0));
      this.#size = 0;
      return;
    }
    this.#reopen();
  }

  #reopen(): boolean {
    try {
      this.#fd = this.#files.open(this.#path);
      this.#size = this.#files.size(this.#fd);
      return true;
    } catch (e) {
      this.#fd = undefined;
      this.#noteFailure(e);
      return false;
    }
  }

  #noteFailure(e: unknown): void {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    this.#dropReason = code === 'ENOSPC' ? 'no space left on device' : (code ?? String(e));
  }

  #quietly(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#noteFailure(e);
    }
  }
}

/** The chunk's records: `[text, full]`, full when the text ends its line. */
function* splitRecords(bytes: Uint8Array, lineBytesMax: number): Generator<[Uint8Array, boolean]> {
  let start = 0;
  while (start < bytes.byteLength) {
    const nl = bytes.indexOf(newline, start);
    const end = nl === -1 ? bytes.byteLength : nl;
    for (let at = start; at < end || at === start; at += lineBytesMax) {
      const pieceEnd = Math.min(end, at + lineBytesMax);
      yield [bytes.subarray(at, pieceEnd), nl !== -1 && pieceEnd === end];
      if (pieceEnd === end) break;
    }
    start = nl === -1 ? bytes.byteLength : nl + 1;
  }
}

function recordBytes(header: string, full: boolean, text: Uint8Array | string): Uint8Array {
  const head = encoder.encode(`${header}${full ? 'F' : 'P'} `);
  const body = typeof text === 'string' ? encoder.encode(text) : text;
  const out = new Uint8Array(head.byteLength + body.byteLength + 1);
  out.set(head, 0);
  out.set(body, head.byteLength);
  out[out.byteLength - 1] = newline;
  return out;
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
