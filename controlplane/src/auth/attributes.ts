/**
 * What a request asks to do, in the terms RBAC rules are written in. The apiserver fills this
 * from the URL: `verb` is the API verb (get, list, watch, create, update, patch, delete,
 * deletecollection) for resource requests and the lower-case HTTP method for other paths.
 */
export interface RequestAttributes {
  readonly verb: string;
  /** '' or absent for the core group. */
  readonly apiGroup?: string;
  /** Plural, as in the URL: `pods`. Absent for a non-resource request. */
  readonly resource?: string;
  readonly subresource?: string;
  /** Empty or absent for cluster-scoped requests (for `namespaces/foo`, the caller sets `foo`). */
  readonly namespace?: string;
  readonly name?: string;
  /** Set for a request outside the resource API: `/version`, `/healthz`, `/openapi/v3`. */
  readonly nonResourceURL?: string;
}

export function isResourceRequest(attrs: RequestAttributes): boolean {
  return attrs.nonResourceURL === undefined;
}

/** `pods` or `pods/log`: how rules and messages name a resource with its subresource. */
export function combinedResource(attrs: RequestAttributes): string {
  const resource = attrs.resource ?? '';
  return attrs.subresource ? `${resource}/${attrs.subresource}` : resource;
}
