/**
 * Errors of the image layer besides `ImagePullError` (from @wisp/core, what the pod manager
 * switches on).
 */
import { WispError } from '@wisp/core';

export type ImageRefPart = 'reference' | 'registry' | 'repository' | 'tag' | 'digest' | 'url';

/** A reference that cannot be parsed; `part` says which piece was wrong. */
export class ImageRefError extends WispError {
  readonly ref: string;
  readonly part: ImageRefPart;
  /** The message without the reference: `tag: "x!" must match …`. */
  readonly reason: string;
  constructor(ref: string, part: ImageRefPart, why: string) {
    super('ERR_INVALID', `image reference ${JSON.stringify(ref)}: ${part}: ${why}`);
    this.ref = ref;
    this.part = part;
    this.reason = `${part}: ${why}`;
  }
}

/** `wisp push` (or the library under it) could not publish a component. */
export class ImagePushError extends Error {
  readonly code = 'ERR_IMAGE_PUSH' as const;
  readonly image: string;
  constructor(image: string, why: string, options?: { cause?: unknown }) {
    super(`push ${JSON.stringify(image)}: ${why}`, options);
    this.name = new.target.name;
    this.image = image;
  }
}

/**
 * A registry or URL request that failed. `status` is the HTTP status, or undefined when no
 * answer came (refused, reset, timed out): the case where a cached copy may stand in.
 */
export class RegistryError extends Error {
  readonly code = 'ERR_REGISTRY' as const;
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.status = status;
  }
}
