/**
 * The one error every patch, merge and server-side apply function throws. `api` imports nothing
 * of ours, so this mirrors the codes of `@wisp/core`'s `ErrorCode` instead of extending
 * `WispError`; `status` and `reason` say which Kubernetes `Status` the apiserver should answer
 * with, decided from kube-apiserver's `handlers/patch.go`:
 *
 * - a body that is not the right JSON shape: 400 BadRequest;
 * - a JSON patch that cannot be applied, a failed `test` included: 422 Invalid (kube answers
 *   with the generic text "the server rejected our request due to an error in our request";
 *   our message names the operation and path instead);
 * - more than `jsonPatchOperationsMax` operations: 413 RequestEntityTooLarge;
 * - strategic merge patch of a kind without patch metadata: 415 UnsupportedMediaType;
 * - a server-side apply conflict: 409 Conflict (see `managed-fields/conflicts.ts`).
 */
export type PatchErrorCode =
  | 'ERR_BAD_REQUEST'
  | 'ERR_INVALID'
  | 'ERR_TOO_LARGE'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_CONFLICT';

export type PatchErrorReason =
  'BadRequest' | 'Invalid' | 'RequestEntityTooLarge' | 'UnsupportedMediaType' | 'Conflict';

const STATUS: Readonly<Record<PatchErrorCode, { status: number; reason: PatchErrorReason }>> = {
  ERR_BAD_REQUEST: { status: 400, reason: 'BadRequest' },
  ERR_INVALID: { status: 422, reason: 'Invalid' },
  ERR_TOO_LARGE: { status: 413, reason: 'RequestEntityTooLarge' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, reason: 'UnsupportedMediaType' },
  ERR_CONFLICT: { status: 409, reason: 'Conflict' },
};

export class PatchError extends Error {
  readonly code: PatchErrorCode;
  /** HTTP status code of the Kubernetes `Status` this error becomes. */
  readonly status: number;
  readonly reason: PatchErrorReason;
  constructor(code: PatchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PatchError';
    this.code = code;
    this.status = STATUS[code].status;
    this.reason = STATUS[code].reason;
  }
}

export function isPatchError(e: unknown, code?: PatchErrorCode): e is PatchError {
  return e instanceof PatchError && (code === undefined || e.code === code);
}
