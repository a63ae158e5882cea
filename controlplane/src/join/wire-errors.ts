import { WispError } from '@wisp/core';

/** A join or renew body that fails the wire validators, as a 422 the apiserver can render. */
export class JoinRequestInvalidError extends WispError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID', message, options);
  }
}

/**
 * The api package cannot import core, so its validators throw an error that only matches
 * WispError's shape; this turns it into one so the apiserver answers 422, not 500.
 */
export function wispErrorOf<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof WispError) && (e as { code?: unknown })?.code === 'ERR_INVALID') {
      throw new JoinRequestInvalidError((e as Error).message, { cause: e });
    }
    throw e;
  }
}
