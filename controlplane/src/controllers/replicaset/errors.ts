/**
 * Errors the workload controllers raise from a reconcile. The code is the underlying failure's,
 * so the controller loop treats a conflict as churn and anything else as a retryable error.
 */
import { isWispError, WispError } from '@wisp/core';

/** Creating or deleting pods failed; the key is retried with back-off. */
export class ReplicaSetSyncError extends WispError {
  constructor(key: string, reason: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      isWispError(cause) ? cause.code : 'ERR_INTERNAL',
      `replicaset ${key}: ${reason}: ${why}`,
      {
        cause,
      },
    );
  }
}
