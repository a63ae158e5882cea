/**
 * Reads a kubeconfig (the file kubectl uses) into client options: the current (or a named)
 * context's server, CA, client certificate or token, and namespace. Inline `*-data` fields and
 * file paths (relative to `baseDir`) are both understood.
 *
 *   const init = parseKubeconfig(readFileSync(path, 'utf8'), { baseDir: dirname(path) });
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { KubeconfigError } from './errors.ts';
import type { KubeClientInit } from './types.ts';

export interface KubeconfigOptions {
  /** Use this context instead of `current-context`. */
  readonly context?: string;
  /** Where relative file paths in the kubeconfig start from. */
  readonly baseDir?: string;
}

type Entry = Record<string, unknown>;

export function parseKubeconfig(text: string, options: KubeconfigOptions = {}): KubeClientInit {
  let doc: unknown;
  try {
    // kubectl reads YAML 1.1.
    doc = parse(text, { version: '1.1' });
  } catch (e) {
    throw new KubeconfigError(`kubeconfig: not YAML: ${e instanceof Error ? e.message : e}`);
  }
  if (!isEntry(doc)) throw new KubeconfigError('kubeconfig: must be a mapping');
  const contextName = options.context ?? str(doc['current-context']);
  if (!contextName) throw new KubeconfigError('current-context: Required value');
  const context = named(doc, 'contexts', contextName, 'context');
  const clusterName = str(context.value.cluster);
  if (!clusterName) throw new KubeconfigError(`${context.path}.cluster: Required value`);
  const cluster = named(doc, 'clusters', clusterName, 'cluster');
  const userName = str(context.value.user);
  const user = userName ? named(doc, 'users', userName, 'user') : undefined;
  const server = str(cluster.value.server);
  if (!server) throw new KubeconfigError(`${cluster.path}.server: Required value`);
  const read = (entry: { value: Entry; path: string }, data: string, file: string) =>
    material(entry.value, entry.path, data, file, options.baseDir);
  const u = user ?? { value: {}, path: '' };
  return {
    server,
    caPem: read(cluster, 'certificate-authority-data', 'certificate-authority'),
    certPem: read(u, 'client-certificate-data', 'client-certificate'),
    keyPem: read(u, 'client-key-data', 'client-key'),
    token: str(u.value.token) ?? tokenFile(u, options.baseDir),
    namespace: str(context.value.namespace),
    insecureSkipTlsVerify: cluster.value['insecure-skip-tls-verify'] === true,
  };
}

function named(doc: Entry, list: string, name: string, field: string) {
  const items = doc[list];
  if (!Array.isArray(items)) throw new KubeconfigError(`${list}: Required value`);
  const i = items.findIndex((x) => isEntry(x) && x.name === name);
  if (i < 0) throw new KubeconfigError(`${list}: Not found: "${name}"`);
  const value = (items[i] as Entry)[field];
  const path = `${list}[${i}].${field}`;
  if (!isEntry(value)) throw new KubeconfigError(`${path}: Required value`);
  return { value, path };
}

/** Inline base64 data, or the file it names; undefined when neither is set. */
function material(
  entry: Entry,
  path: string,
  dataField: string,
  fileField: string,
  baseDir: string | undefined,
): string | undefined {
  const data = str(entry[dataField]);
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(entry[fileField]);
  return file ? readText(file, `${path}.${fileField}`, baseDir) : undefined;
}

function tokenFile(u: { value: Entry; path: string }, baseDir: string | undefined) {
  const file = str(u.value.tokenFile);
  return file ? readText(file, `${u.path}.tokenFile`, baseDir).trim() : undefined;
}

function readText(file: string, field: string, baseDir: string | undefined): string {
  const full = isAbsolute(file) || !baseDir ? file : join(baseDir, file);
  try {
    return readFileSync(full, 'utf8');
  } catch (e) {
    throw new KubeconfigError(`${field}: cannot read "${full}": ${(e as Error).message}`);
  }
}

function isEntry(v: unknown): v is Entry {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
