/**
 * Field selectors: `parseFieldSelector(q)`, `checkFieldSelector(info, sel)`, then
 * `sel.matches(fieldGetter(info, obj))`.
 */
export * from './field-selector.ts';
export * from './supported-fields.ts';
