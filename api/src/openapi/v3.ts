/**
 * OpenAPI v3 as kubectl reads it: `GET /openapi/v3` lists one document per group-version with a
 * content hash in its URL (clients cache a document by that URL, so the hash must change when the
 * document does), and each document carries the paths of that group-version's resources and the
 * component schemas they reach.
 *
 *   openapiV3Root().paths['apis/apps/v1'].serverRelativeURL  // '/openapi/v3/apis/apps/v1?hash=…'
 *   openapiV3GroupVersion('apis/apps/v1')?.components.schemas['io.k8s.api.apps.v1.Deployment']
 */
import { createHash } from 'node:crypto';
import { RESOURCES, apiVersionOf, type ResourceInfo } from '../resources.ts';
import { DEFINITIONS, reachable, referencedNames } from './definitions.ts';
import { resourcePaths, type PathItem } from './paths.ts';
import type { JsonSchema } from './schema.ts';

export interface OpenApiV3Document {
  readonly openapi: '3.0.0';
  readonly info: { readonly title: string; readonly version: string };
  readonly paths: Readonly<Record<string, PathItem>>;
  readonly components: { readonly schemas: Readonly<Record<string, JsonSchema>> };
}

export interface OpenApiV3Root {
  readonly paths: Readonly<Record<string, { readonly serverRelativeURL: string }>>;
}

/** `api/v1` for the core group, `apis/<group>/<version>` for the others. */
export function groupVersionPath(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group ? `apis/${apiVersionOf(info)}` : `api/${info.version}`;
}

interface Built {
  readonly doc: OpenApiV3Document;
  readonly hash: string;
}

let built: ReadonlyMap<string, Built> | undefined;

function build(resources: readonly ResourceInfo[]): Built {
  const paths: Record<string, PathItem> = {};
  for (const info of resources) Object.assign(paths, resourcePaths(info));
  const sortedPaths: Record<string, PathItem> = {};
  for (const key of Object.keys(paths).sort()) sortedPaths[key] = paths[key];
  const schemas: Record<string, JsonSchema> = {};
  for (const name of reachable(referencedNames(paths))) schemas[name] = DEFINITIONS[name];
  const doc: OpenApiV3Document = {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths: sortedPaths,
    components: { schemas },
  };
  const hash = createHash('sha256').update(JSON.stringify(doc)).digest('hex').toUpperCase();
  return { doc, hash };
}

/** Every group-version document, built once: the inputs are compiled in. */
function all(): ReadonlyMap<string, Built> {
  if (built) return built;
  const byGroupVersion = new Map<string, ResourceInfo[]>();
  for (const info of RESOURCES) {
    const key = groupVersionPath(info);
    byGroupVersion.set(key, [...(byGroupVersion.get(key) ?? []), info]);
  }
  const out = new Map<string, Built>();
  for (const key of [...byGroupVersion.keys()].sort()) {
    out.set(key, build(byGroupVersion.get(key) as ResourceInfo[]));
  }
  built = out;
  return out;
}

export function openapiV3Root(): OpenApiV3Root {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, { hash }] of all()) {
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { paths };
}

/**
 * The document of one group-version (`api/v1`, `apis/apps/v1`; a leading `/` is accepted), or
 * undefined if none is served. The result is shared and must not be modified.
 */
export function openapiV3GroupVersion(gv: string): OpenApiV3Document | undefined {
  return all().get(gv.replace(/^\/+/, '').replace(/\/+$/, ''))?.doc;
}

/** The content hash of a group-version document, as it appears in the root's URLs. */
export function openapiV3Hash(gv: string): string | undefined {
  return all().get(gv.replace(/^\/+/, '').replace(/\/+$/, ''))?.hash;
}
