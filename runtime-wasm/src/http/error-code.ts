/**
 * wasi:http/types `error-code`, as jco represents the variant: `{ tag, val? }`. jco throws on a
 * tag the WIT does not list, which would trap the guest, so codes that come from outside (a
 * policy) are passed through `sanitizeErrorCode` first.
 */
export type ErrorCode =
  | { tag: 'HTTP-request-denied' }
  | { tag: 'HTTP-request-URI-invalid' }
  | { tag: 'HTTP-request-method-invalid' }
  | { tag: 'HTTP-request-body-size'; val: bigint | undefined }
  | { tag: 'HTTP-response-body-size'; val: bigint | undefined }
  | { tag: 'HTTP-response-timeout' }
  | { tag: 'HTTP-response-incomplete' }
  | { tag: 'internal-error'; val: string | undefined }
  | { tag: string; val?: unknown };

const tagsWithoutPayload = new Set([
  'DNS-timeout',
  'destination-not-found',
  'destination-unavailable',
  'destination-IP-prohibited',
  'destination-IP-unroutable',
  'connection-refused',
  'connection-terminated',
  'connection-timeout',
  'connection-read-timeout',
  'connection-write-timeout',
  'connection-limit-reached',
  'TLS-protocol-error',
  'TLS-certificate-error',
  'HTTP-request-denied',
  'HTTP-request-length-required',
  'HTTP-request-method-invalid',
  'HTTP-request-URI-invalid',
  'HTTP-request-URI-too-long',
  'HTTP-response-incomplete',
  'HTTP-response-timeout',
  'HTTP-upgrade-failed',
  'HTTP-protocol-error',
  'loop-detected',
  'configuration-error',
]);

/** Cases whose payload is `option<u64>`. */
const tagsWithSize = new Set(['HTTP-request-body-size', 'HTTP-response-body-size']);

/** Cases with other payloads (records, option<u32>, option<string>), passed through as given. */
const tagsWithPayload = new Set([
  'DNS-error',
  'TLS-alert-received',
  'HTTP-request-header-section-size',
  'HTTP-request-header-size',
  'HTTP-request-trailer-section-size',
  'HTTP-request-trailer-size',
  'HTTP-response-header-section-size',
  'HTTP-response-header-size',
  'HTTP-response-trailer-section-size',
  'HTTP-response-trailer-size',
  'HTTP-response-transfer-coding',
  'HTTP-response-content-coding',
]);

export const internalError = (message: string): ErrorCode => ({
  tag: 'internal-error',
  val: message,
});

/** A code jco can lower: unknown tags and malformed sizes become `internal-error`. */
export function sanitizeErrorCode(code: unknown): ErrorCode {
  const c = code as { tag?: unknown; val?: unknown } | null;
  const tag = typeof c?.tag === 'string' ? c.tag : undefined;
  if (tag === undefined) return internalError(String(code));
  if (tagsWithoutPayload.has(tag)) return { tag };
  if (tag === 'internal-error') {
    return internalError(typeof c?.val === 'string' ? c.val : String(c?.val ?? ''));
  }
  if (tagsWithSize.has(tag)) {
    const v = c?.val;
    if (v === undefined || typeof v === 'bigint') return { tag, val: v };
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return { tag, val: BigInt(v) };
  }
  if (tagsWithPayload.has(tag)) return { tag, val: c?.val };
  return internalError(`unknown error code ${tag}`);
}

/** A short text for logs and error bodies: `internal-error(boom)`, `HTTP-request-denied`. */
export function describeErrorCode(code: ErrorCode): string {
  const val = 'val' in code ? code.val : undefined;
  if (val === undefined) return code.tag;
  return `${code.tag}(${typeof val === 'object' ? JSON.stringify(val) : String(val)})`;
}
