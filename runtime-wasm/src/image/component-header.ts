/**
 * The 8-byte preamble that tells a WebAssembly component from a core module: both start with
 * `\0asm`; a component's version field is `0d 00` and its layer `01 00`, a core module's is
 * `01 00 00 00`. jco can only run components, so a core module is refused at the door.
 */
export const componentHeaderBytes = 8;

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const COMPONENT_VERSION = [0x0d, 0x00, 0x01, 0x00];
const CORE_VERSION = [0x01, 0x00, 0x00, 0x00];

/** Why `header` (the first bytes of a file) is not a component, or undefined if it is one. */
export function componentProblem(header: Uint8Array): string | undefined {
  if (header.length < componentHeaderBytes || !MAGIC.every((b, i) => header[i] === b)) {
    return 'not a WebAssembly file (no \\0asm magic)';
  }
  const version = header.subarray(4, 8);
  if (CORE_VERSION.every((b, i) => version[i] === b)) {
    return 'a core WebAssembly module, not a component (wrap it with `jco new`)';
  }
  if (!COMPONENT_VERSION.every((b, i) => version[i] === b)) {
    const hex = Buffer.from(version)
      .toString('hex')
      .replace(/(..)(?!$)/g, '$1 ');
    return `unknown WebAssembly version/layer bytes ${hex} (want 0d 00 01 00, a component)`;
  }
  return undefined;
}
