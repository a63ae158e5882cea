/**
 * Errors of the workload controllers. Both are transient (`ERR_CONFLICT` / `ERR_NOT_FOUND`): the
 * controller loop retries the key rather than dropping it.
 */
import { WispError } from '@wisp/core';
import type { ResourceInfo } from '@wisp/api';
import { ObjectNotFoundError } from '../../../registry/errors.ts';

/** The object read from the cache was deleted or replaced by a same-named one. */
export class StaleObjectError extends ObjectNotFoundError {
  constructor(info: ResourceInfo, name: string) {
    super(info, name);
  }
}

/**
 * A ControllerRevision name is taken by a revision with other content: the owner's
 * `status.collisionCount` was raised and the next try hashes to another name.
 */
export class RevisionHashCollisionError extends WispError {
  readonly revisionName: string;
  constructor(revisionName: string) {
    super('ERR_CONFLICT', `controller revision ${revisionName} exists with different content`);
    this.revisionName = revisionName;
  }
}
