/**
 * The Store conformance suite: every backend (SQLite, memory, etcd) registers it from its own
 * test file and must pass every case unchanged (STYLE rule 3).
 *
 *   runStoreConformance('sqlite', async () => {
 *     const dir = await mkdtemp(join(tmpdir(), 'wisp-store-'));
 *     const store = openSqliteStore({ path: join(dir, 'state.db') });
 *     const cleanup = async () => { await store.close(); await rm(dir, { recursive: true }); };
 *     return { store, cleanup };
 *   });
 *
 * `open` gives each case a fresh, empty store; `cleanup` must also work after the case closed
 * the store itself.
 */
import { afterEach, beforeEach, describe } from 'node:test';
import type { Store } from '@wisp/core';
import { compactCases } from './store-conformance-compact.ts';
import { readCases } from './store-conformance-reads.ts';
import { watchCases } from './store-conformance-watch.ts';
import { writeCases } from './store-conformance-writes.ts';

export interface StoreHarness {
  readonly store: Store;
  cleanup(): Promise<void>;
}

export function runStoreConformance(name: string, open: () => Promise<StoreHarness>): void {
  describe(`Store conformance: ${name}`, () => {
    let harness: StoreHarness | undefined;
    beforeEach(async () => {
      harness = await open();
    });
    afterEach(async () => {
      await harness?.cleanup();
      harness = undefined;
    });
    const store = (): Store => {
      if (!harness) throw new Error('no store: open() has not run for this case');
      return harness.store;
    };
    writeCases(store);
    readCases(store);
    watchCases(store);
    compactCases(store);
  });
}
