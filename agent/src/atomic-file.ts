/**
 * Atomic state files for the agent's own state (desired document, pod records): write a
 * temporary file with the final mode, then rename, so a power cut leaves the old or the new file,
 * never half of one.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const stateFileMode = 0o600;
const stateDirMode = 0o700;

export async function writeStateFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: stateDirMode });
  const tmp = `${path}.tmp`;
  await writeFile(tmp, text, { mode: stateFileMode });
  await rename(tmp, path);
}

export async function readStateFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
