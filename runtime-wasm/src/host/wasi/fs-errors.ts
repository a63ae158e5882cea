/**
 * wasi:filesystem error codes. Results are thrown as the bare code string, which jco's bindings
 * lower into the `err` case; stream failures carry the code on an IoError for
 * `filesystem-error-code`.
 */
import { IoError } from './io.ts';

export type FsErrorCode =
  | 'access'
  | 'bad-descriptor'
  | 'busy'
  | 'exist'
  | 'file-too-large'
  | 'insufficient-memory'
  | 'insufficient-space'
  | 'invalid'
  | 'invalid-seek'
  | 'io'
  | 'is-directory'
  | 'loop'
  | 'name-too-long'
  | 'no-entry'
  | 'not-directory'
  | 'not-empty'
  | 'not-permitted'
  | 'read-only'
  | 'text-file-busy'
  | 'cross-device'
  | 'unsupported'
  | 'overflow';

const byErrno: Record<string, FsErrorCode> = {
  EACCES: 'access',
  EBADF: 'bad-descriptor',
  EBUSY: 'busy',
  EEXIST: 'exist',
  EFBIG: 'file-too-large',
  EMFILE: 'insufficient-memory',
  ENFILE: 'insufficient-memory',
  ENOMEM: 'insufficient-memory',
  ENOSPC: 'insufficient-space',
  EDQUOT: 'insufficient-space',
  EINVAL: 'invalid',
  ESPIPE: 'invalid-seek',
  EIO: 'io',
  EISDIR: 'is-directory',
  ELOOP: 'loop',
  ENAMETOOLONG: 'name-too-long',
  ENOENT: 'no-entry',
  ENOTDIR: 'not-directory',
  ENOTEMPTY: 'not-empty',
  EPERM: 'not-permitted',
  EROFS: 'read-only',
  ETXTBSY: 'text-file-busy',
  EXDEV: 'cross-device',
  ENOTSUP: 'unsupported',
  EOVERFLOW: 'overflow',
};

export function fsErrorCode(err: unknown): FsErrorCode {
  if (typeof err === 'string') return err as FsErrorCode;
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && byErrno[code]) || 'io';
}

/** Runs a host call, rethrowing any failure as the wasi error code. */
export function fsCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Error && err.name === 'ExitSignal') throw err;
    throw fsErrorCode(err);
  }
}

/** An IoError that remembers its filesystem code. */
export class FsIoError extends IoError {
  readonly code: FsErrorCode;
  constructor(code: FsErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function filesystemErrorCode(err: IoError): FsErrorCode | undefined {
  return err instanceof FsIoError ? err.code : undefined;
}
