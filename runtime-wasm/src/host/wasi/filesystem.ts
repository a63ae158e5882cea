/**
 * wasi:filesystem types and preopens for one instance: only the spec's preopens exist.
 */
import { realpathSync, statSync } from 'node:fs';
import { Descriptor, type DescriptorState, type FdTracker } from './descriptor.ts';
import { filesystemErrorCode } from './fs-errors.ts';
import { DirectoryEntryStream } from './fs-entries.ts';

/** Files one instance may hold open at once. */
export const openFilesMax = 256;

export interface Preopen {
  readonly guestPath: string;
  readonly hostPath: string;
  readonly readOnly: boolean;
}

export interface FilesystemContext {
  readonly preopens: readonly Preopen[];
  readonly fds: FdTracker;
  readonly nowMs: () => number;
}

export class PreopenError extends Error {
  readonly code = 'ERR_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'PreopenError';
  }
}

function preopenState(p: Preopen, i: number, ctx: FilesystemContext): DescriptorState {
  let root: string;
  try {
    root = realpathSync(p.hostPath);
  } catch (err) {
    throw new PreopenError(`preopens[${i}].hostPath: ${String(err)}`);
  }
  if (!statSync(root).isDirectory()) {
    throw new PreopenError(`preopens[${i}].hostPath: not a directory: ${p.hostPath}`);
  }
  return {
    root,
    hostPath: root,
    readOnly: p.readOnly,
    flags: { read: true, mutateDirectory: !p.readOnly },
    fds: ctx.fds,
    openFilesMax,
    nowMs: ctx.nowMs,
  };
}

export function filesystemInterfaces(
  ctx: FilesystemContext,
): Record<string, Record<string, unknown>> {
  const roots = ctx.preopens.map((p, i) => [preopenState(p, i, ctx), p.guestPath] as const);
  return {
    types: { Descriptor, DirectoryEntryStream, filesystemErrorCode },
    preopens: {
      getDirectories: (): [Descriptor, string][] =>
        // A fresh handle per call: the guest owns (and may drop) what it is given.
        roots.map(([state, guest]) => [new Descriptor(state), guest]),
    },
  };
}

/** Counts fds and reports them, so whoever owns the thread can close leftovers. */
export function fdTracker(report?: (event: 'opened' | 'closed', fd: number) => void): FdTracker {
  const open = new Set<number>();
  return {
    opened(fd) {
      open.add(fd);
      report?.('opened', fd);
    },
    closed(fd) {
      open.delete(fd);
      report?.('closed', fd);
    },
    get count() {
      return open.size;
    },
  };
}
