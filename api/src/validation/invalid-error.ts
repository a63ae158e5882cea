/**
 * The one error the api package throws: bad input, code `ERR_INVALID` like core's `WispError`
 * (api may not import core, so the shape is matched rather than inherited).
 */
import type { FieldError } from './field-error.ts';

export class InvalidError extends Error {
  readonly code = 'ERR_INVALID' as const;
  /** Field-level causes, when the input was an object rather than a string. */
  readonly causes: readonly FieldError[];

  constructor(message: string, options: { cause?: unknown; causes?: readonly FieldError[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.causes = options.causes ?? [];
  }
}
