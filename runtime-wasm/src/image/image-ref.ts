/**
 * Image references a wasm pod may name, parsed by docker's rules where docker has rules:
 *
 *   parseImageRef('ghcr.io/acme/hello:1.2')            // registry ghcr.io, repo acme/hello
 *   parseImageRef('127.0.0.1:5000/hello@sha256:…')     // pinned by manifest digest
 *   parseImageRef('hello')                             // docker.io/library/hello:latest
 *   parseImageRef('file:///opt/hello.wasm@sha256:…')   // a local file, digest required
 *   parseImageRef('https://example.com/x.wasm@sha256:…')
 *
 * A URL carries no manifest, so its digest is the component's own and is mandatory: without it
 * nothing would tie the bytes to what the pod spec asked for.
 */
import { fileURLToPath } from 'node:url';
import { digestProblem } from './digest.ts';
import { ImageRefError } from './image-errors.ts';

export interface RegistryImageRef {
  readonly kind: 'registry';
  /** `host[:port]` as written; `docker.io` when the reference names none. */
  readonly registry: string;
  readonly repository: string;
  /** `latest` when neither a tag nor a digest was given; undefined for a bare digest. */
  readonly tag?: string;
  /** The manifest digest, when pinned. */
  readonly digest?: string;
}

export interface UrlImageRef {
  readonly kind: 'url';
  readonly scheme: 'file' | 'https' | 'http';
  /** The URL without its `@sha256:…` suffix. */
  readonly url: string;
  /** For `file:`, the absolute local path. */
  readonly path?: string;
  /** The component's own digest. */
  readonly digest: string;
}

export type ImageRef = RegistryImageRef | UrlImageRef;

export const defaultRegistry = 'docker.io';
export const defaultTag = 'latest';
/** Docker's limit on the whole name (registry and repository). */
export const nameCharsMax = 255;

const TAG_RE = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST_LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const REGISTRY_RE = new RegExp(
  `^(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?$`,
);

export function parseImageRef(ref: string): ImageRef {
  if (ref === '') throw new ImageRefError(ref, 'reference', 'must not be empty');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) return parseUrlRef(ref);
  return parseRegistryRef(ref);
}

/** The canonical spelling: `registry/repo[:tag][@digest]` or `url@digest`. */
export function formatImageRef(ref: ImageRef): string {
  if (ref.kind === 'url') return `${ref.url}@${ref.digest}`;
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${ref.registry}/${ref.repository}${tag}${digest}`;
}

function parseRegistryRef(ref: string): RegistryImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = digestProblem(digest);
    if (problem) throw new ImageRefError(ref, 'digest', `"${digest}" ${problem}`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) {
      throw new ImageRefError(ref, 'tag', `"${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
    }
  }
  const { registry, repository } = splitName(ref, rest);
  if (tag === undefined && digest === undefined) tag = defaultTag;
  return { kind: 'registry', registry, repository, tag, digest };
}

function splitName(ref: string, name: string): { registry: string; repository: string } {
  if (name === '') throw new ImageRefError(ref, 'repository', 'must not be empty');
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasRegistry = slash >= 0 && (/[.:]/.test(first) || first === 'localhost');
  let registry = defaultRegistry;
  let repository = name;
  if (hasRegistry) {
    registry = first;
    repository = name.slice(slash + 1);
    if (!REGISTRY_RE.test(registry)) {
      throw new ImageRefError(
        ref,
        'registry',
        `"${registry}" is not a host name with optional port`,
      );
    }
  } else if (slash < 0) {
    repository = `library/${name}`;
  }
  if (repository === '') throw new ImageRefError(ref, 'repository', 'must not be empty');
  for (const component of repository.split('/')) {
    if (!PATH_COMPONENT_RE.test(component)) {
      throw new ImageRefError(
        ref,
        'repository',
        `"${repository}": component "${component}" must be lower-case letters and digits, ` +
          'separated by ".", "_", "__" or dashes',
      );
    }
  }
  if (registry.length + 1 + repository.length > nameCharsMax) {
    throw new ImageRefError(ref, 'repository', `name is longer than ${nameCharsMax} characters`);
  }
  return { registry, repository };
}

function parseUrlRef(ref: string): UrlImageRef {
  const at = ref.lastIndexOf('@');
  const digest = at < 0 ? '' : ref.slice(at + 1);
  if (at < 0 || !digest.includes(':')) {
    throw new ImageRefError(ref, 'digest', 'a URL must end in "@sha256:<hex>"');
  }
  const problem = digestProblem(digest);
  if (problem) throw new ImageRefError(ref, 'digest', `"${digest}" ${problem}`);
  const url = ref.slice(0, at);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ImageRefError(ref, 'url', `"${url}" is not a valid URL`);
  }
  const scheme = parsed.protocol.slice(0, -1);
  if (scheme === 'file') {
    if (parsed.host !== '' && parsed.host !== 'localhost') {
      throw new ImageRefError(ref, 'url', `"${url}" must be file:///absolute/path`);
    }
    return { kind: 'url', scheme, url, path: fileURLToPath(parsed), digest };
  }
  if (scheme !== 'https' && scheme !== 'http') {
    throw new ImageRefError(ref, 'url', `scheme "${scheme}" is not supported (file, https)`);
  }
  if (parsed.hostname === '') throw new ImageRefError(ref, 'url', `"${url}" has no host`);
  return { kind: 'url', scheme, url, digest };
}
