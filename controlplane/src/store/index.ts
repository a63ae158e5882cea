/**
 * Store backends of the control plane. SQLite is the embedded default; etcd joins later.
 *
 *   import { openSqliteStore } from '@wisp/controlplane/store/index.ts';
 *   const store = openSqliteStore({ path: join(dataDir, 'state.db') });
 */
export { openSqliteStore, SqliteStore } from './sqlite-store.ts';
export type { SqliteStoreInit } from './sqlite-store.ts';
export { FutureRevisionError, StoreUnavailableError, TooSlowError } from './errors.ts';
