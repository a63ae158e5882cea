/** How a mesh connection fails; callers and metrics switch on `code` and `reason`. */
import { WispError } from '@wisp/core';

export type MeshFailure =
  'no-endpoints' | 'no-route' | 'denied' | 'refused' | 'timeout' | 'unreachable' | 'invalid';

export class MeshConnectError extends WispError {
  readonly reason: MeshFailure;
  constructor(reason: MeshFailure, message: string, options?: { cause?: unknown }) {
    const code =
      reason === 'denied'
        ? 'ERR_FORBIDDEN'
        : reason === 'timeout'
          ? 'ERR_TIMEOUT'
          : reason === 'invalid'
            ? 'ERR_BAD_REQUEST'
            : 'ERR_NOT_FOUND';
    super(code, message, options);
    this.reason = reason;
  }
}

export function failureOf(e: unknown): MeshFailure {
  return e instanceof MeshConnectError ? e.reason : 'unreachable';
}
