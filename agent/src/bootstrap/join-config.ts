/**
 * What an agent needs to join: the server URL, the join token, its node name, site and labels.
 * It comes from flags or from a first-boot file (JSON) baked into a device image; after the first
 * join only the server URL and node name are needed, the token may be gone.
 *
 *   const config = parseJoinConfig(JSON.parse(await readFile('/boot/wisp.json', 'utf8')));
 */
import { readFile } from 'node:fs/promises';
import { checkNodeName, checkSite, parseJoinToken } from '@wisp/api/wire/join.ts';
import { JoinConfigError } from './errors.ts';

export interface JoinConfig {
  /** `https://host:port` of the apiserver. */
  readonly server: string;
  /** Needed for the first join only. */
  readonly token?: string;
  readonly nodeName: string;
  readonly site?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Checks a join config field by field; JoinConfigError names the first bad one. */
export function parseJoinConfig(value: unknown): JoinConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JoinConfigError('join config: Invalid value: must be an object');
  }
  const o = value as Record<string, unknown>;
  const str = (field: string): string | undefined => {
    const v = o[field];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new JoinConfigError(`${field}: Invalid value: not a string`);
    return v;
  };
  const server = str('server');
  if (!server) throw new JoinConfigError('server: Required value');
  let url: URL;
  try {
    url = new URL(server);
  } catch (cause) {
    throw new JoinConfigError(`server: Invalid value: "${server}": not a URL`, { cause });
  }
  if (url.protocol !== 'https:') {
    throw new JoinConfigError(`server: Invalid value: "${server}": must be https`);
  }
  const nodeName = str('nodeName');
  const token = str('token');
  const site = str('site');
  rethrow(() => {
    checkNodeName(nodeName ?? '');
    if (token) parseJoinToken(token);
    checkSite(site ?? '');
  });
  const labels = o.labels === undefined ? undefined : labelsOf(o.labels);
  return {
    server: url.origin,
    nodeName: nodeName!,
    ...(token ? { token } : {}),
    ...(site ? { site } : {}),
    ...(labels ? { labels } : {}),
  };
}

export async function readJoinConfigFile(path: string): Promise<JoinConfig> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new JoinConfigError(`${path}: not a readable JSON join config`, { cause });
  }
  return parseJoinConfig(doc);
}

function labelsOf(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JoinConfigError('labels: Invalid value: must be an object');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string')
      throw new JoinConfigError(`labels[${k}]: Invalid value: not a string`);
    out[k] = v;
  }
  return out;
}

/** The api validators throw a plain InvalidError; agents switch on this package's errors. */
function rethrow(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    throw new JoinConfigError(e instanceof Error ? e.message : String(e), { cause: e });
  }
}
