/**
 * Small, atomic, durable file writes for keys, certificates and local state: a temporary file
 * with the final mode, flushed, renamed over the target, and the directory flushed, so neither a
 * crash nor a power cut leaves half a file behind.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export const privateFileMode = 0o600;
export const publicFileMode = 0o644;
export const privateDirMode = 0o700;

export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  mode: number,
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: privateDirMode });
  const tmp = `${path}.tmp`;
  const file = await open(tmp, 'w', mode);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** The file's text, or undefined if it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
