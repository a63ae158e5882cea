/**
 * `wisp up` deploys the examples: for each `examples/<name>/k8s.yaml` whose component is built
 * (`examples/<name>/dist/image.txt` holds its `file://…@sha256:…` reference), every container
 * image in the manifest is set to that reference and each object is server-side applied, so a
 * second `wisp up` changes nothing. Unbuilt examples are built first through the
 * `build:examples` script's exported function; when that cannot run, the reason is reported and
 * the fleet comes up without them.
 *
 *   const report = await deployExamples({ examplesDir }, { client, buildExamples });
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { findKind } from '@wisp/api';
import type { KubeObject } from '@wisp/api/meta.ts';
import type { KubeClient } from '@wisp/testkit/kube-client/index.ts';

export const exampleFieldManager = 'wisp-up';

export interface ExampleResult {
  readonly name: string;
  /** `kind/name` of each applied object; empty when skipped. */
  readonly applied: readonly string[];
  /** Why it was not deployed. */
  readonly skipped?: string;
}

export interface DeployExamplesComponents {
  readonly client: KubeClient;
  /** Builds every example; absent when the build script is not there. */
  readonly buildExamples?: () => Promise<unknown>;
}

export async function deployExamples(
  init: { examplesDir: string },
  c: DeployExamplesComponents,
): Promise<ExampleResult[]> {
  const names = await exampleNames(init.examplesDir);
  const unbuilt = names.filter((n) => !existsSync(imageFile(init.examplesDir, n)));
  let buildError: string | undefined;
  if (unbuilt.length > 0) {
    if (!c.buildExamples) buildError = 'not built, and scripts/build-examples.ts is missing';
    else {
      try {
        await c.buildExamples();
      } catch (e) {
        buildError = `build failed: ${(e as Error).message.split('\n')[0]}`;
      }
    }
  }
  const results: ExampleResult[] = [];
  for (const name of names) {
    const file = imageFile(init.examplesDir, name);
    if (!existsSync(file)) {
      results.push({
        name,
        applied: [],
        skipped: buildError ?? 'the build wrote no dist/image.txt',
      });
      continue;
    }
    const image = (await readFile(file, 'utf8')).trim();
    const text = await readFile(join(init.examplesDir, name, 'k8s.yaml'), 'utf8');
    const applied: string[] = [];
    for (const obj of withImage(parseManifest(text, name), image)) {
      applied.push(await applyObject(c.client, obj));
    }
    results.push({ name, applied });
  }
  return results;
}

async function exampleNames(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  return entries.filter((n) => existsSync(join(dir, n, 'k8s.yaml'))).sort();
}

function imageFile(dir: string, name: string): string {
  return join(dir, name, 'dist', 'image.txt');
}

/** Kubernetes reads manifests as YAML 1.1 (`0755`, `yes`). */
export function parseManifest(text: string, name: string): KubeObject[] {
  const out: KubeObject[] = [];
  parseAllDocuments(text, { version: '1.1' }).forEach((doc, i) => {
    if (doc.errors.length) throw new Error(`${name}/k8s.yaml[${i}]: ${doc.errors[0].message}`);
    const obj = doc.toJS() as KubeObject | null;
    if (obj) out.push(obj);
  });
  return out;
}

/** A copy of each object with every container's and init container's image set to `image`. */
export function withImage(objects: readonly KubeObject[], image: string): KubeObject[] {
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const isContainers = (k === 'containers' || k === 'initContainers') && Array.isArray(v);
      out[k] = isContainers
        ? (v as Record<string, unknown>[]).map((c) => ({ ...(visit(c) as object), image }))
        : visit(v);
    }
    return out;
  };
  return objects.map((o) => visit(o) as KubeObject);
}

async function applyObject(client: KubeClient, obj: KubeObject): Promise<string> {
  const what = `${obj.kind}/${obj.metadata?.name ?? ''}`;
  const info = findKind(obj.apiVersion ?? '', obj.kind ?? '');
  if (!info) throw new Error(`${what}: kind: Unsupported value: "${obj.apiVersion} ${obj.kind}"`);
  const ns = info.namespaced ? (obj.metadata.namespace ?? 'default') : undefined;
  await client.patch(info, ns, obj.metadata.name!, 'apply', obj, {
    fieldManager: exampleFieldManager,
    force: true,
  });
  return what;
}
