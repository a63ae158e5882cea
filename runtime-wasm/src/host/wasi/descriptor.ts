/**
 * wasi:filesystem/types `descriptor`: a directory (a real path under a preopen root) or an open
 * file (a host fd). Every path argument is resolved beneath the root (fs-path.ts); descriptors
 * under a read-only preopen refuse every mutation with `read-only`.
 */
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { fsCall, FsIoError, fsErrorCode } from './fs-errors.ts';
import { resolveBeneath } from './fs-path.ts';
import { DirectoryEntryStream, descriptorType, type DescriptorType } from './fs-entries.ts';
import { inputFromPull, outputToSink, type InputStream, type OutputStream } from './io.ts';

export interface DescriptorFlags {
  read?: boolean;
  write?: boolean;
  fileIntegritySync?: boolean;
  dataIntegritySync?: boolean;
  requestedWriteSync?: boolean;
  mutateDirectory?: boolean;
}
export interface PathFlags {
  symlinkFollow?: boolean;
}
export interface OpenFlags {
  create?: boolean;
  directory?: boolean;
  exclusive?: boolean;
  truncate?: boolean;
}
export interface Datetime {
  seconds: bigint;
  nanoseconds: number;
}
export type NewTimestamp =
  { tag: 'no-change' } | { tag: 'now' } | { tag: 'timestamp'; val: Datetime };

/** Host fds an instance holds; the parent closes what is left if the worker is terminated. */
export interface FdTracker {
  opened(fd: number): void;
  closed(fd: number): void;
  readonly count: number;
}

export interface DescriptorState {
  readonly root: string;
  readonly hostPath: string;
  readonly readOnly: boolean;
  readonly flags: DescriptorFlags;
  readonly fd?: number;
  readonly fds: FdTracker;
  readonly openFilesMax: number;
  /** Wall-clock milliseconds, for `set-times` with `now`. */
  readonly nowMs: () => number;
}

const nsPerS = 1_000_000_000n;
const toDatetime = (ns: bigint): Datetime => ({
  seconds: ns / nsPerS,
  nanoseconds: Number(ns % nsPerS),
});

function statOf(s: fs.BigIntStats): Record<string, unknown> {
  return {
    type: descriptorType(s),
    linkCount: s.nlink,
    size: s.size,
    dataAccessTimestamp: toDatetime(s.atimeNs),
    dataModificationTimestamp: toDatetime(s.mtimeNs),
    statusChangeTimestamp: toDatetime(s.ctimeNs),
  };
}

function hashOf(s: fs.BigIntStats): { upper: bigint; lower: bigint } {
  const digest = createHash('sha256').update(`${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`).digest();
  return { upper: digest.readBigUInt64LE(0), lower: digest.readBigUInt64LE(8) };
}

function timeArg(t: NewTimestamp, currentNs: bigint, nowMs: number): number {
  if (t.tag === 'now') return nowMs / 1000;
  if (t.tag === 'timestamp') return Number(t.val.seconds) + t.val.nanoseconds / 1e9;
  return Number(currentNs) / 1e9;
}

const mutating = (f: DescriptorFlags): boolean => Boolean(f.write || f.mutateDirectory);

export class Descriptor {
  readonly #s: DescriptorState;
  #closed = false;

  constructor(state: DescriptorState) {
    this.#s = state;
  }

  readViaStream(offset: bigint): InputStream {
    const fd = this.#file('read');
    let position = Number(offset);
    return inputFromPull((max) => {
      const buf = new Uint8Array(max);
      const n = this.#io(() => fs.readSync(fd, buf, 0, max, position));
      if (n === 0) return undefined;
      position += n;
      return buf.subarray(0, n);
    });
  }

  writeViaStream(offset: bigint): OutputStream {
    const fd = this.#file('write');
    let position = Number(offset);
    return outputToSink((chunk) => {
      position += this.#io(() => fs.writeSync(fd, chunk, 0, chunk.length, position));
    });
  }

  appendViaStream(): OutputStream {
    const fd = this.#file('write');
    return outputToSink((chunk) => {
      this.#io(() => fs.writeSync(fd, chunk, 0, chunk.length, fs.fstatSync(fd).size));
    });
  }

  advise(): void {}

  syncData(): void {
    if (this.#s.fd !== undefined) fsCall(() => fs.fdatasyncSync(this.#s.fd!));
  }

  sync(): void {
    if (this.#s.fd !== undefined) fsCall(() => fs.fsyncSync(this.#s.fd!));
  }

  getFlags(): DescriptorFlags {
    return { ...this.#s.flags };
  }

  getType(): DescriptorType {
    return descriptorType(this.#stat());
  }

  setSize(size: bigint): void {
    const fd = this.#file('write');
    fsCall(() => fs.ftruncateSync(fd, Number(size)));
  }

  setTimes(atime: NewTimestamp, mtime: NewTimestamp): void {
    this.#writable();
    const s = this.#stat();
    const now = this.#s.nowMs();
    const a = timeArg(atime, s.atimeNs, now);
    const m = timeArg(mtime, s.mtimeNs, now);
    fsCall(() =>
      this.#s.fd === undefined
        ? fs.utimesSync(this.#s.hostPath, a, m)
        : fs.futimesSync(this.#s.fd, a, m),
    );
  }

  read(length: bigint, offset: bigint): [Uint8Array, boolean] {
    const fd = this.#file('read');
    const max = Math.min(Number(length), 16 * 1024 * 1024);
    const buf = new Uint8Array(max);
    const n = fsCall(() => fs.readSync(fd, buf, 0, max, Number(offset)));
    return [buf.subarray(0, n), n === 0 && max > 0];
  }

  write(buffer: Uint8Array, offset: bigint): bigint {
    const fd = this.#file('write');
    return BigInt(fsCall(() => fs.writeSync(fd, buffer, 0, buffer.length, Number(offset))));
  }

  readDirectory(): DirectoryEntryStream {
    this.#dir();
    const entries = fsCall(() => fs.readdirSync(this.#s.hostPath, { withFileTypes: true }));
    return new DirectoryEntryStream(entries);
  }

  createDirectoryAt(path: string): void {
    this.#mutable();
    const target = this.#at(path, false);
    fsCall(() => fs.mkdirSync(target));
  }

  stat(): Record<string, unknown> {
    return statOf(this.#stat());
  }

  statAt(pathFlags: PathFlags, path: string): Record<string, unknown> {
    const target = this.#at(path, Boolean(pathFlags.symlinkFollow));
    const s = fsCall(() =>
      pathFlags.symlinkFollow
        ? fs.statSync(target, { bigint: true })
        : fs.lstatSync(target, { bigint: true }),
    );
    return statOf(s);
  }

  setTimesAt(pathFlags: PathFlags, path: string, atime: NewTimestamp, mtime: NewTimestamp): void {
    this.#mutable();
    const follow = Boolean(pathFlags.symlinkFollow);
    const target = this.#at(path, follow);
    const s = fsCall(() => fs.lstatSync(target, { bigint: true }));
    const now = this.#s.nowMs();
    const a = timeArg(atime, s.atimeNs, now);
    const m = timeArg(mtime, s.mtimeNs, now);
    fsCall(() => (follow ? fs.utimesSync(target, a, m) : fs.lutimesSync(target, a, m)));
  }

  linkAt(
    oldPathFlags: PathFlags,
    oldPath: string,
    newDescriptor: Descriptor,
    newPath: string,
  ): void {
    this.#mutable();
    newDescriptor.#mutable();
    const from = this.#at(oldPath, Boolean(oldPathFlags.symlinkFollow));
    const to = newDescriptor.#at(newPath, false);
    fsCall(() => fs.linkSync(from, to));
  }

  openAt(pathFlags: PathFlags, path: string, open: OpenFlags, flags: DescriptorFlags): Descriptor {
    this.#dir();
    const wantsChange = mutating(flags) || Boolean(open.create || open.truncate);
    if (wantsChange && (this.#s.readOnly || !this.#s.flags.mutateDirectory)) throw 'read-only';
    if (open.directory && (open.create || flags.write)) throw 'invalid';
    const target = this.#at(path, Boolean(pathFlags.symlinkFollow));
    const isDir = fsCall(() => {
      try {
        return fs.statSync(target).isDirectory();
      } catch (err) {
        if ((err as { code?: string }).code === 'ENOENT' && open.create) return false;
        throw err;
      }
    });
    if (open.directory && !isDir) throw 'not-directory';
    if (isDir) {
      if (flags.write || open.truncate) throw 'is-directory';
      if (open.create && open.exclusive) throw 'exist';
      return this.#child(target, flags, undefined);
    }
    return this.#child(target, flags, this.#openFile(target, pathFlags, open, flags));
  }

  readlinkAt(path: string): string {
    const target = this.#at(path, false);
    return fsCall(() => fs.readlinkSync(target));
  }

  removeDirectoryAt(path: string): void {
    this.#mutable();
    const target = this.#at(path, false);
    if (target === this.#s.root) throw 'not-permitted';
    fsCall(() => fs.rmdirSync(target));
  }

  renameAt(oldPath: string, newDescriptor: Descriptor, newPath: string): void {
    this.#mutable();
    newDescriptor.#mutable();
    const from = this.#at(oldPath, false);
    const to = newDescriptor.#at(newPath, false);
    if (from === this.#s.root || to === newDescriptor.#s.root) throw 'not-permitted';
    fsCall(() => fs.renameSync(from, to));
  }

  symlinkAt(oldPath: string, newPath: string): void {
    this.#mutable();
    // A target is only text, but an absolute one could never resolve inside the sandbox.
    if (oldPath.startsWith('/')) throw 'not-permitted';
    const target = this.#at(newPath, false);
    fsCall(() => fs.symlinkSync(oldPath, target));
  }

  unlinkFileAt(path: string): void {
    this.#mutable();
    const target = this.#at(path, false);
    const s = fsCall(() => fs.lstatSync(target));
    if (s.isDirectory()) throw 'is-directory';
    fsCall(() => fs.unlinkSync(target));
  }

  isSameObject(other: Descriptor): boolean {
    const a = this.#stat();
    const b = other.#stat();
    return a.dev === b.dev && a.ino === b.ino;
  }

  metadataHash(): { upper: bigint; lower: bigint } {
    return hashOf(this.#stat());
  }

  metadataHashAt(pathFlags: PathFlags, path: string): { upper: bigint; lower: bigint } {
    const target = this.#at(path, Boolean(pathFlags.symlinkFollow));
    return hashOf(
      fsCall(() =>
        pathFlags.symlinkFollow
          ? fs.statSync(target, { bigint: true })
          : fs.lstatSync(target, { bigint: true }),
      ),
    );
  }

  [Symbol.dispose](): void {
    if (this.#closed) return;
    this.#closed = true;
    const fd = this.#s.fd;
    if (fd === undefined) return;
    this.#s.fds.closed(fd);
    try {
      fs.closeSync(fd);
    } catch {
      // Already gone; nothing the guest can do about it.
    }
  }

  #openFile(target: string, pathFlags: PathFlags, open: OpenFlags, flags: DescriptorFlags): number {
    if (this.#s.fds.count >= this.#s.openFilesMax) throw 'insufficient-memory';
    const c = fs.constants;
    let mode = flags.write ? (flags.read ? c.O_RDWR : c.O_WRONLY) : c.O_RDONLY;
    if (open.create) mode |= c.O_CREAT;
    if (open.exclusive) mode |= c.O_EXCL;
    if (open.truncate) mode |= c.O_TRUNC;
    if (!pathFlags.symlinkFollow) mode |= c.O_NOFOLLOW;
    const fd = fsCall(() => fs.openSync(target, mode, 0o644));
    this.#s.fds.opened(fd);
    return fd;
  }

  #child(hostPath: string, flags: DescriptorFlags, fd: number | undefined): Descriptor {
    const mutable = !this.#s.readOnly && Boolean(this.#s.flags.mutateDirectory);
    const childFlags = { ...flags, mutateDirectory: fd === undefined && mutable };
    return new Descriptor({ ...this.#s, hostPath, flags: childFlags, fd });
  }

  #at(path: string, follow: boolean): string {
    this.#dir();
    return resolveBeneath(this.#s.root, this.#s.hostPath, path, follow);
  }

  #stat(): fs.BigIntStats {
    const fd = this.#s.fd;
    return fsCall(() =>
      fd === undefined
        ? fs.statSync(this.#s.hostPath, { bigint: true })
        : fs.fstatSync(fd, { bigint: true }),
    );
  }

  #dir(): void {
    if (this.#closed) throw 'bad-descriptor';
    if (this.#s.fd !== undefined) throw 'not-directory';
  }

  #file(access: 'read' | 'write'): number {
    if (this.#closed) throw 'bad-descriptor';
    if (this.#s.fd === undefined) throw 'is-directory';
    if (access === 'write') this.#writable();
    else if (!this.#s.flags.read) throw 'bad-descriptor';
    return this.#s.fd;
  }

  #writable(): void {
    if (this.#s.readOnly) throw 'read-only';
    if (this.#s.fd !== undefined && !this.#s.flags.write) throw 'bad-descriptor';
  }

  #mutable(): void {
    this.#dir();
    if (this.#s.readOnly || !this.#s.flags.mutateDirectory) throw 'read-only';
  }

  /** Stream I/O fails as an IoError that still carries the filesystem code. */
  #io<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      const code = fsErrorCode(err);
      throw { tag: 'last-operation-failed', val: new FsIoError(code, `${code}: ${String(err)}`) };
    }
  }
}
