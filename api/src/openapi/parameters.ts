/**
 * The query and path parameters of the Kubernetes REST operations, inline as upstream writes
 * them: kubectl looks for `fieldValidation` among a PATCH operation's own parameters (not the
 * path item's) before it trusts the server to validate fields.
 */
export interface Parameter {
  readonly name: string;
  readonly in: 'query' | 'path';
  readonly description: string;
  readonly required?: true;
  readonly schema: { readonly type: 'string' | 'integer' | 'boolean'; readonly uniqueItems: true };
}

function query(name: string, type: Parameter['schema']['type'], description: string): Parameter {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

function pathParam(name: string, description: string): Parameter {
  return {
    name,
    in: 'path',
    description,
    required: true,
    schema: { type: 'string', uniqueItems: true },
  };
}

export const NAME = pathParam('name', 'name of the object');
export const NAMESPACE = pathParam(
  'namespace',
  'object name and auth scope, such as for teams and projects',
);
export const PRETTY = query('pretty', 'string', "If 'true', then the output is pretty printed.");

const DRY_RUN = query(
  'dryRun',
  'string',
  'When present, indicates that modifications should not be persisted. The only valid value is ' +
    'All: every stage of the request is processed, nothing is stored.',
);
const FIELD_MANAGER = query(
  'fieldManager',
  'string',
  'A name for the actor making these changes, recorded in managedFields. At most 128 ' +
    'printable characters. Required for apply patches.',
);
const FIELD_VALIDATION = query(
  'fieldValidation',
  'string',
  'What the server does with fields of the body that the schema does not know, or that appear ' +
    'twice: Ignore drops them, Warn (the default) drops them and answers with a warning header ' +
    'per field, Strict fails the request with a BadRequest naming every such field.',
);
const FORCE = query(
  'force',
  'boolean',
  'Apply patches only: take over fields that other managers own instead of failing with a ' +
    'conflict. Must be unset for other patch types.',
);

/** Parameters of create and replace. */
export const WRITE: readonly Parameter[] = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
export const PATCH: readonly Parameter[] = [...WRITE, FORCE];

export const LIST: readonly Parameter[] = [
  query('allowWatchBookmarks', 'boolean', 'Ask a watch for BOOKMARK events. Ignored otherwise.'),
  query('continue', 'string', 'The continue token of the previous page of a paginated list.'),
  query('fieldSelector', 'string', 'Restrict the returned objects by their fields.'),
  query('labelSelector', 'string', 'Restrict the returned objects by their labels.'),
  query('limit', 'integer', 'The most objects to return; the rest is reached with continue.'),
  query('resourceVersion', 'string', 'The resource version the list or watch starts from.'),
  query('resourceVersionMatch', 'string', 'How resourceVersion applies to a list.'),
  query('sendInitialEvents', 'boolean', 'Start a watch with synthetic ADDED events.'),
  query('timeoutSeconds', 'integer', 'End a list or watch call after this many seconds.'),
  query('watch', 'boolean', 'Stream add, update and remove notifications instead of a list.'),
];

export const DELETE: readonly Parameter[] = [
  DRY_RUN,
  query('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; 0 is now.'),
  query('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  query('propagationPolicy', 'string', 'Orphan, Background or Foreground garbage collection.'),
];

export const LOG: readonly Parameter[] = [
  query('container', 'string', 'The container to stream logs of; optional with one container.'),
  query('follow', 'boolean', 'Keep streaming the log as it grows.'),
  query('insecureSkipTLSVerifyBackend', 'boolean', 'Skip verifying the serving node.'),
  query('limitBytes', 'integer', 'Stop after this many bytes of log.'),
  query('previous', 'boolean', 'The log of the previous, terminated container.'),
  query('sinceSeconds', 'integer', 'Only lines newer than this many seconds.'),
  query('tailLines', 'integer', 'Only this many lines from the end of the log.'),
  query('timestamps', 'boolean', 'Prefix every line with an RFC3339 timestamp.'),
];
