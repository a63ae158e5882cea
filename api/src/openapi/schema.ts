/**
 * The subset of OpenAPI v3 schema objects that Kubernetes publishes, and the definitions table
 * that `scripts/gen-openapi.ts` writes to `definitions.json`.
 */
export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface JsonSchema {
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
}

/** Component schemas by upstream name, `io.k8s.api.core.v1.Pod`. */
export type Definitions = Readonly<Record<string, JsonSchema>>;

export const V3_REF_PREFIX = '#/components/schemas/';
export const V2_REF_PREFIX = '#/definitions/';

/** Upstream names for the three types the declarations inline or leave out. */
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const META_V1 = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Definition name of a v3 or v2 `$ref`, or undefined for anything else. */
export function refName(ref: string): string | undefined {
  if (ref.startsWith(V3_REF_PREFIX)) return ref.slice(V3_REF_PREFIX.length);
  if (ref.startsWith(V2_REF_PREFIX)) return ref.slice(V2_REF_PREFIX.length);
  return undefined;
}

/** The upstream package of a group's types: `io.k8s.api.apps.v1` for `apps`, `v1`. */
export function packageOf(group: string, version: string): string {
  const dir = group === '' ? 'core' : group.split('.')[0];
  return `io.k8s.api.${dir}.${version}`;
}

export function definitionName(group: string, version: string, kind: string): string {
  return `${packageOf(group, version)}.${kind}`;
}
