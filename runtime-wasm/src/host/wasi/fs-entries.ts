/** Descriptor types and wasi:filesystem/types `directory-entry-stream`. */
import type { Dirent } from 'node:fs';

export type DescriptorType =
  | 'unknown'
  | 'block-device'
  | 'character-device'
  | 'directory'
  | 'fifo'
  | 'symbolic-link'
  | 'regular-file'
  | 'socket';

interface Typed {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isBlockDevice(): boolean;
  isCharacterDevice(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}

export function descriptorType(s: Typed): DescriptorType {
  if (s.isFile()) return 'regular-file';
  if (s.isDirectory()) return 'directory';
  if (s.isSymbolicLink()) return 'symbolic-link';
  if (s.isBlockDevice()) return 'block-device';
  if (s.isCharacterDevice()) return 'character-device';
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  return 'unknown';
}

export class DirectoryEntryStream {
  readonly #entries: Dirent[];
  #next = 0;
  constructor(entries: Dirent[]) {
    this.#entries = entries;
  }
  readDirectoryEntry(): { type: DescriptorType; name: string } | undefined {
    const entry = this.#entries[this.#next++];
    return entry && { type: descriptorType(entry), name: entry.name };
  }
}
