/**
 * The OpenAPI v3 path items of one resource, as upstream lays them out: the collection, the
 * item, the deprecated `watch/` forms, the all-namespaces list and the subresources, each
 * operation tagged with `x-kubernetes-action` and `x-kubernetes-group-version-kind`. kubectl
 * finds a kind's schema through these (explain), decides whether the server validates fields
 * (`fieldValidation` on PATCH) and whether to compute a strategic merge patch (the PATCH
 * content types).
 */
import { apiVersionOf, type ResourceInfo, type Subresource, type Verb } from '../resources.ts';
import * as P from './parameters.ts';
import type { Parameter } from './parameters.ts';
import { definitionName, META_V1, V3_REF_PREFIX, type GroupVersionKind } from './schema.ts';
import type { JsonSchema } from './schema.ts';

export interface Operation {
  readonly [key: string]: unknown;
}
export type PathItem = Record<string, unknown>;

const JSON_TYPES = ['application/json'];
const WATCH_TYPES = ['application/json', 'application/json;stream=watch'];
const BODY_TYPES = ['*/*'];
export const PATCH_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

interface Spec {
  /** operationId = verb + group + version + noun. */
  readonly verb: string;
  readonly noun: string;
  readonly action: string;
  readonly gvk: GroupVersionKind;
  readonly description: string;
  readonly parameters?: readonly Parameter[];
  readonly body?: { readonly ref: string; readonly types: readonly string[] };
  readonly response: JsonSchema;
  readonly codes: readonly string[];
  readonly types?: readonly string[];
}

const REASONS: Readonly<Record<string, string>> = { 200: 'OK', 201: 'Created', 202: 'Accepted' };

function ref(name: string): JsonSchema {
  return { $ref: V3_REF_PREFIX + name };
}

function content(schema: JsonSchema, types: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

/** `rbac.authorization.k8s.io` → `RbacAuthorization`; the core group is `Core`. */
export function groupWord(group: string): string {
  const words = (group || 'core').replace(/\.k8s\.io$/, '').split('.');
  return words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

function versionWord(version: string): string {
  return version[0].toUpperCase() + version.slice(1);
}

function operation(info: ResourceInfo, spec: Spec): Operation {
  const responses: Record<string, unknown> = {};
  for (const code of spec.codes) {
    responses[code] = {
      description: REASONS[code],
      content: content(spec.response, spec.types ?? JSON_TYPES),
    };
  }
  responses['401'] = { description: 'Unauthorized' };
  const group = groupWord(info.group);
  const op: Record<string, unknown> = {
    tags: [`${group[0].toLowerCase()}${group.slice(1)}_${info.version}`],
    description: spec.description,
    operationId: `${spec.verb}${group}${versionWord(info.version)}${spec.noun}`,
  };
  if (spec.parameters?.length) op.parameters = spec.parameters;
  if (spec.body)
    op.requestBody = { content: content(ref(spec.body.ref), spec.body.types), required: true };
  op.responses = responses;
  op['x-kubernetes-action'] = spec.action;
  op['x-kubernetes-group-version-kind'] = spec.gvk;
  return op;
}

interface Names {
  readonly kind: string;
  readonly self: string;
  readonly list: string;
  readonly gvk: GroupVersionKind;
  /** `Namespaced` for namespaced resources, else empty. */
  readonly scope: string;
}

function names(info: ResourceInfo): Names {
  return {
    kind: info.kind,
    self: definitionName(info.group, info.version, info.kind),
    list: definitionName(info.group, info.version, `${info.kind}List`),
    gvk: { group: info.group, kind: info.kind, version: info.version },
    scope: info.namespaced ? 'Namespaced' : '',
  };
}

const STATUS = `${META_V1}.Status`;
const DELETE_OPTIONS = `${META_V1}.DeleteOptions`;
const WATCH_EVENT = `${META_V1}.WatchEvent`;

function listSpec(n: Names, noun: string): Spec {
  return {
    verb: 'list',
    noun,
    action: 'list',
    gvk: n.gvk,
    description: `list or watch objects of kind ${n.kind}`,
    parameters: P.LIST,
    response: ref(n.list),
    codes: ['200'],
    types: WATCH_TYPES,
  };
}

function collection(info: ResourceInfo, n: Names, has: (v: Verb) => boolean): PathItem {
  const item: PathItem = {};
  const noun = `${n.scope}${n.kind}`;
  if (has('list')) item.get = operation(info, listSpec(n, noun));
  if (has('create')) {
    item.post = operation(info, {
      verb: 'create',
      noun,
      action: 'post',
      gvk: n.gvk,
      description: `create ${article(n.kind)}`,
      parameters: P.WRITE,
      body: { ref: n.self, types: BODY_TYPES },
      response: ref(n.self),
      codes: ['200', '201', '202'],
    });
  }
  if (has('deletecollection')) {
    item.delete = operation(info, {
      verb: 'delete',
      noun: `Collection${noun}`,
      action: 'deletecollection',
      gvk: n.gvk,
      description: `delete collection of ${n.kind}`,
      parameters: [...P.LIST, ...P.DELETE],
      body: { ref: DELETE_OPTIONS, types: BODY_TYPES },
      response: ref(STATUS),
      codes: ['200'],
    });
  }
  return item;
}

function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/** get/put/patch on the object itself or on its status or scale subresource. */
function readWrite(
  info: ResourceInfo,
  n: Names,
  sub: '' | 'Status' | 'Scale',
  has: (v: Verb) => boolean,
): PathItem {
  const item: PathItem = {};
  const noun = `${n.scope}${n.kind}${sub}`;
  const target = sub === 'Scale' ? 'io.k8s.api.autoscaling.v1.Scale' : n.self;
  const gvk = sub === 'Scale' ? { group: 'autoscaling', kind: 'Scale', version: 'v1' } : n.gvk;
  const what = sub ? `${sub.toLowerCase()} of the specified ${n.kind}` : `the specified ${n.kind}`;
  const common = { noun, gvk, response: ref(target) };
  if (has('get')) {
    item.get = operation(info, {
      ...common,
      verb: 'read',
      action: 'get',
      description: `read ${what}`,
      codes: ['200'],
    });
  }
  if (has('update')) {
    item.put = operation(info, {
      ...common,
      verb: 'replace',
      action: 'put',
      description: `replace ${what}`,
      parameters: P.WRITE,
      body: { ref: target, types: BODY_TYPES },
      codes: ['200', '201'],
    });
  }
  if (has('patch')) {
    item.patch = operation(info, {
      ...common,
      verb: 'patch',
      action: 'patch',
      description: `partially update ${what}`,
      parameters: P.PATCH,
      body: { ref: `${META_V1}.Patch`, types: PATCH_TYPES },
      codes: ['200', '201'],
    });
  }
  return item;
}

function deleteItem(info: ResourceInfo, n: Names): Operation {
  return operation(info, {
    verb: 'delete',
    noun: `${n.scope}${n.kind}`,
    action: 'delete',
    gvk: n.gvk,
    description: `delete ${article(n.kind)}`,
    parameters: P.DELETE,
    body: { ref: DELETE_OPTIONS, types: BODY_TYPES },
    response: ref(STATUS),
    codes: ['200', '202'],
  });
}

function watchPath(info: ResourceInfo, n: Names, one: boolean, all: boolean): PathItem {
  const noun = all ? `${n.kind}ListForAllNamespaces` : `${n.scope}${n.kind}${one ? '' : 'List'}`;
  const what = one
    ? `changes to an object of kind ${n.kind}`
    : `individual changes to a list of ${n.kind}`;
  return {
    get: operation(info, {
      verb: 'watch',
      noun,
      action: one ? 'watch' : 'watchlist',
      gvk: n.gvk,
      description: `watch ${what}. deprecated: use the 'watch' parameter with a list operation.`,
      response: ref(WATCH_EVENT),
      codes: ['200'],
      types: WATCH_TYPES,
    }),
  };
}

function postSubresource(info: ResourceInfo, n: Names, sub: Subresource): PathItem | undefined {
  const target =
    sub === 'binding'
      ? { ref: 'io.k8s.api.core.v1.Binding', gvk: { group: '', kind: 'Binding', version: 'v1' } }
      : sub === 'eviction'
        ? {
            ref: 'io.k8s.api.policy.v1.Eviction',
            gvk: { group: 'policy', kind: 'Eviction', version: 'v1' },
          }
        : undefined;
  if (!target) return undefined;
  const word = sub[0].toUpperCase() + sub.slice(1);
  return {
    post: operation(info, {
      verb: 'create',
      noun: `${n.scope}${n.kind}${word}`,
      action: 'post',
      gvk: target.gvk,
      description: `create ${sub} of ${article(n.kind)}`,
      parameters: P.WRITE,
      body: { ref: target.ref, types: BODY_TYPES },
      response: ref(target.ref),
      codes: ['200', '201', '202'],
    }),
  };
}

function logPath(info: ResourceInfo, n: Names): PathItem {
  return {
    get: operation(info, {
      verb: 'read',
      noun: `${n.scope}${n.kind}Log`,
      action: 'get',
      gvk: n.gvk,
      description: `read log of the specified ${n.kind}`,
      parameters: P.LOG,
      response: { type: 'string' },
      codes: ['200'],
      types: ['text/plain'],
    }),
  };
}

/** The deprecated `watch/` paths, which carry the list parameters on the path item. */
function watchPaths(
  info: ResourceInfo,
  n: Names,
  prefix: string,
  scopeParams: readonly Parameter[],
): Record<string, PathItem> {
  const scope = info.namespaced ? '/namespaces/{namespace}' : '';
  const base = `${prefix}/watch${scope}/${info.plural}`;
  const out: Record<string, PathItem> = {
    [base]: withParams(watchPath(info, n, false, false), [...P.LIST, ...scopeParams]),
    [`${base}/{name}`]: withParams(watchPath(info, n, true, false), [
      ...P.LIST,
      P.NAME,
      ...scopeParams,
    ]),
  };
  if (info.namespaced) {
    const all = watchPath(info, n, false, true);
    out[`${prefix}/watch/${info.plural}`] = withParams(all, [...P.LIST, P.PRETTY]);
  }
  return out;
}

function withParams(item: PathItem, params: readonly Parameter[]): PathItem {
  return Object.keys(item).length > 0 ? { ...item, parameters: params } : item;
}

function subresourcePaths(
  info: ResourceInfo,
  n: Names,
  itemPath: string,
  params: readonly Parameter[],
): Record<string, PathItem> {
  const out: Record<string, PathItem> = {};
  const has = (v: Verb): boolean => info.verbs.includes(v);
  for (const sub of info.subresources) {
    let item: PathItem | undefined;
    if (sub === 'status')
      item = readWrite(info, n, 'Status', (v) => ['get', 'update', 'patch'].includes(v) && has(v));
    else if (sub === 'scale')
      item = readWrite(info, n, 'Scale', (v) => ['get', 'update', 'patch'].includes(v));
    else if (sub === 'log') item = logPath(info, n);
    else item = postSubresource(info, n, sub);
    if (item && Object.keys(item).length > 0) out[`${itemPath}/${sub}`] = withParams(item, params);
  }
  return out;
}

/** Every path item of one resource, keyed by path. */
export function resourcePaths(info: ResourceInfo): Record<string, PathItem> {
  const n = names(info);
  const has = (v: Verb): boolean => info.verbs.includes(v);
  const prefix = info.group ? `/apis/${apiVersionOf(info)}` : `/api/${info.version}`;
  const scope = info.namespaced ? '/namespaces/{namespace}' : '';
  const scopeParams = info.namespaced ? [P.NAMESPACE, P.PRETTY] : [P.PRETTY];
  const itemParams = [P.NAME, ...scopeParams];
  const collectionPath = `${prefix}${scope}/${info.plural}`;
  const itemPath = `${collectionPath}/{name}`;
  const out: Record<string, PathItem> = {};
  out[collectionPath] = withParams(collection(info, n, has), scopeParams);
  if (info.virtual) return out;
  const item = readWrite(info, n, '', has);
  if (has('delete')) item.delete = deleteItem(info, n);
  out[itemPath] = withParams(item, itemParams);
  Object.assign(out, subresourcePaths(info, n, itemPath, itemParams));
  if (info.namespaced && has('list')) {
    const all = operation(info, listSpec(n, `${n.kind}ForAllNamespaces`));
    out[`${prefix}/${info.plural}`] = withParams({ get: all }, [P.PRETTY]);
  }
  if (has('watch')) Object.assign(out, watchPaths(info, n, prefix, scopeParams));
  return out;
}
