/**
 * OpenAPI for the Kubernetes REST surface: v3 documents per group-version (kubectl explain and
 * apply read them), a Swagger 2.0 form, the component schemas generated from the upstream type
 * docs, and the field check behind `fieldValidation=Strict`.
 *
 *   app.get('/openapi/v3', (c) => c.json(openapiV3Root()));
 *   app.get('/openapi/v3/*', (c) => c.json(openapiV3GroupVersion('apis/apps/v1')));
 *   findUnknownFields('v1', 'Pod', body).map((p) => `unknown field "${p.slice(1)}"`);
 */
export { openapiV3Root, openapiV3GroupVersion, openapiV3Hash, groupVersionPath } from './v3.ts';
export type { OpenApiV3Document, OpenApiV3Root } from './v3.ts';
export { openapiV2 } from './v2.ts';
export { findUnknownFields, findUnknownFieldsIn, schemaFor } from './unknown-fields.ts';
export { DEFINITIONS, definition, resolve } from './definitions.ts';
export type { GroupVersionKind, JsonSchema, Definitions } from './schema.ts';
