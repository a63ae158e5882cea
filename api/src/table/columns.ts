/**
 * Column definitions. Descriptions come from the field docs in our OpenAPI definitions, as
 * upstream takes them from the types' swagger docs, so the two never disagree.
 */
import { definition, resolve } from '../openapi/definitions.ts';
import type { TableColumnDefinition } from './types.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Doc of a field: `doc('io.k8s.api.core.v1.PodStatus', 'phase')`; nested with more keys. */
export function doc(definitionName: string, ...path: string[]): string {
  let schema = definition(definitionName);
  for (const key of path) {
    const next = schema?.properties?.[key];
    if (!next) return '';
    if (key === path[path.length - 1]) return next.description ?? '';
    schema = resolve(next);
  }
  return schema?.description ?? '';
}

export function column(
  name: string,
  description: string,
  options: { type?: string; format?: string; priority?: number } = {},
): TableColumnDefinition {
  return {
    name,
    type: options.type ?? 'string',
    format: options.format ?? '',
    description,
    priority: options.priority ?? 0,
  };
}

export function wide(name: string, description: string, type = 'string'): TableColumnDefinition {
  return column(name, description, { type, priority: 1 });
}

export const NAME = column('Name', doc(`${META}.ObjectMeta`, 'name'), { format: 'name' });
export const AGE = column('Age', doc(`${META}.ObjectMeta`, 'creationTimestamp'));

/** The three wide columns of every workload kind. */
export function workloadColumns(selectorDoc: string): TableColumnDefinition[] {
  return [
    wide('Containers', 'Names of each container in the template.'),
    wide('Images', 'Images referenced by each container in the template.'),
    wide('Selector', selectorDoc),
  ];
}
