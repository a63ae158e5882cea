/**
 * Name and string-shape rules with Kubernetes' exact messages. Each function returns the list of
 * problems (empty when the value is valid), so callers can attach a field path.
 *
 *   isDNS1123Subdomain('Foo') // ["a lowercase RFC 1123 subdomain must consist of ..."]
 */
export * from './messages.ts';
export * from './dns.ts';
export * from './labels.ts';
export * from './annotations.ts';
export * from './object-names.ts';
export * from './misc.ts';
export * from './ip.ts';
