/**
 * Resource quantities: `parseQuantity('64Mi')`, exact arithmetic, canonical printing.
 */
export * from './quantity.ts';
export * from './parse.ts';
