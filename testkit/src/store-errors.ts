/** The memory store raises the same errors as the SQLite store; they live in core. */
export { FutureRevisionError, TooSlowError } from '@wisp/core';
