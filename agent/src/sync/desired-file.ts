/**
 * The last verified `NodeDesired` envelope, kept under the data dir exactly as it was signed so
 * that a restart (even without the control plane) verifies it again and runs from it.
 *
 *   await saveDesiredEnvelope(dataDir, bytes);
 *   const bytes = await loadDesiredEnvelope(dataDir); // undefined before the first document
 */
import { join } from 'node:path';
import { readStateFile, writeStateFile } from '../atomic-file.ts';

export const desiredFile = join('state', 'desired.json');

export async function saveDesiredEnvelope(dataDir: string, bytes: Uint8Array): Promise<void> {
  // Private: relaying peers cannot read sealed secrets, but the rest is still the node's business.
  await writeStateFile(join(dataDir, desiredFile), new TextDecoder().decode(bytes));
}

export async function loadDesiredEnvelope(dataDir: string): Promise<Uint8Array | undefined> {
  const text = await readStateFile(join(dataDir, desiredFile));
  return text === undefined ? undefined : new TextEncoder().encode(text);
}
