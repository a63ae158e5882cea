/**
 * Label selectors: `parseSelector('app=web,tier in (a,b)')` or
 * `selectorFromLabelSelector(spec.selector)`, then `selector.matches(obj.metadata.labels)`.
 */
export * from './requirement.ts';
export * from './selector.ts';
export * from './parse-selector.ts';
export * from './label-selector.ts';
