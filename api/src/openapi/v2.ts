/**
 * The same API as Swagger 2.0 (`GET /openapi/v2` as JSON), derived from the v3 documents.
 *
 * kubectl 1.32 asks for v2 only as protobuf (`application/com.github.proto-openapi.spec.v2@v1.0+
 * protobuf`), and only for `explain --output plaintext-openapiv2` or when the v3 document of a
 * kind offers no strategic merge patch; it tolerates a 404 or 406 there and falls back to its
 * compiled-in types. This JSON form is for other clients that still read v2.
 */
import { DEFINITIONS } from './definitions.ts';
import type { Parameter } from './parameters.ts';
import type { PathItem } from './paths.ts';
import { V2_REF_PREFIX, V3_REF_PREFIX, type JsonSchema } from './schema.ts';
import { openapiV3GroupVersion, openapiV3Root } from './v3.ts';

type Json = Record<string, unknown>;

/** v3 schema → v2: `#/definitions/` refs, no `oneOf`, a documented ref written as siblings. */
export function toV2Schema(schema: JsonSchema): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref') out.$ref = (value as string).replace(V3_REF_PREFIX, V2_REF_PREFIX);
    else if (key === 'properties') out.properties = mapValues(value as Record<string, JsonSchema>);
    else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = toV2Schema(value as JsonSchema);
    } else if (key === 'allOf') {
      const parts = value as JsonSchema[];
      if (parts.length === 1) Object.assign(out, toV2Schema(parts[0]));
      else out.allOf = parts.map(toV2Schema);
    } else if (key === 'oneOf') {
      // Quantity and IntOrString: v2 has no oneOf; both are strings on the wire to v2 clients.
      out.type = 'string';
    } else out[key] = value;
  }
  return out;
}

function mapValues(properties: Record<string, JsonSchema>): Json {
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, toV2Schema(v)]));
}

function toV2Parameter(p: Parameter): Json {
  const out: Json = { name: p.name, in: p.in, description: p.description };
  if (p.required) out.required = true;
  out.type = p.schema.type;
  out.uniqueItems = true;
  return out;
}

interface V3Operation {
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly content: Record<string, { schema: JsonSchema }> };
  readonly responses: Record<
    string,
    { description: string; content?: Record<string, { schema: JsonSchema }> }
  >;
  readonly [key: string]: unknown;
}

function toV2Operation(op: V3Operation): Json {
  const { parameters, requestBody, responses, tags, description, operationId, ...rest } = op;
  const out: Json = {
    description,
    consumes: ['*/*'],
    produces: [],
    schemes: ['https'],
    tags,
    operationId,
  };
  const params = (parameters ?? []).map(toV2Parameter);
  if (requestBody) {
    const types = Object.keys(requestBody.content);
    out.consumes = types;
    const schema = toV2Schema(requestBody.content[types[0]].schema);
    params.push({ name: 'body', in: 'body', required: true, schema });
  }
  if (params.length > 0) out.parameters = params;
  const produces = new Set<string>();
  const v2Responses: Json = {};
  for (const [code, response] of Object.entries(responses)) {
    const types = Object.keys(response.content ?? {});
    types.forEach((t) => produces.add(t));
    const first = types.length > 0 ? response.content?.[types[0]] : undefined;
    v2Responses[code] = first
      ? { description: response.description, schema: toV2Schema(first.schema) }
      : { description: response.description };
  }
  out.produces = [...produces];
  out.responses = v2Responses;
  return { ...out, ...rest };
}

function toV2PathItem(item: PathItem): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(item)) {
    if (key === 'parameters') out.parameters = (value as Parameter[]).map(toV2Parameter);
    else out[key] = toV2Operation(value as V3Operation);
  }
  return out;
}

let cached: Json | undefined;

/** The whole API as one Swagger 2.0 document. Shared: must not be modified. */
export function openapiV2(): Json {
  if (cached) return cached;
  const paths: Json = {};
  for (const gv of Object.keys(openapiV3Root().paths)) {
    const doc = openapiV3GroupVersion(gv);
    for (const [path, item] of Object.entries(doc?.paths ?? {})) paths[path] = toV2PathItem(item);
  }
  const sortedPaths: Json = {};
  for (const key of Object.keys(paths).sort()) sortedPaths[key] = paths[key];
  const definitions: Json = {};
  for (const name of Object.keys(DEFINITIONS).sort())
    definitions[name] = toV2Schema(DEFINITIONS[name]);
  cached = {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'unversioned' },
    paths: sortedPaths,
    definitions,
  };
  return cached;
}
