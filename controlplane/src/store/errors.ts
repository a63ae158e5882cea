/**
 * Store errors of the SQLite backend; the shared ones live in core. Callers switch on `code`.
 */
import { WispError } from '@wisp/core';

export { FutureRevisionError, TooSlowError } from '@wisp/core';

/** The database failed underneath a write; the write did not happen. */
export class StoreUnavailableError extends WispError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_STORE_UNAVAILABLE', message, options);
  }
}
