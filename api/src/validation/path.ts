/**
 * Field paths as Kubernetes prints them: `spec.containers[0].resources.requests[cpu]`.
 */
export function child(path: string, ...names: string[]): string {
  let out = path;
  for (const n of names) out = out ? `${out}.${n}` : n;
  return out;
}

export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}
