import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  allowedImports,
  checkFile,
  checkTree,
  formatViolation,
  importsOf,
  sourceFiles,
} from './check-boundaries.ts';

const SCRIPT = path.join(import.meta.dirname, 'check-boundaries.ts');

/** Messages for one file, so assertions read as "this file, these complaints". */
function messages(file: string, text: string): string[] {
  return checkFile(file, text).map((v) => `${v.line}: ${v.message}`);
}

function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'wisp-boundaries-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('importsOf', () => {
  it('finds static, export-from, type-only and dynamic imports with their lines', () => {
    const text = [
      "import { a } from '@wisp/api';",
      "import type { B } from './b.ts';",
      "export * from './c.ts';",
      'const d = await import("d");',
      "type E = import('e').E;",
    ].join('\n');
    assert.deepEqual(importsOf(text), [
      { specifier: '@wisp/api', line: 1 },
      { specifier: './b.ts', line: 2 },
      { specifier: './c.ts', line: 3 },
      { specifier: 'd', line: 4 },
      { specifier: 'e', line: 5 },
    ]);
  });

  it('ignores import-like text in strings and comments', () => {
    const text = [
      "// import x from '@wisp/agent';",
      "/* import('@wisp/agent') */",
      'const s = "import y from \'@wisp/agent\'";',
      "const t = `import z from '@wisp/agent'`;",
    ].join('\n');
    assert.deepEqual(importsOf(text), []);
  });
});

describe('allowedImports', () => {
  it('lets each layer import every layer below it and nothing beside or above', () => {
    assert.deepEqual(allowedImports('api'), []);
    assert.deepEqual(allowedImports('core'), ['api']);
    assert.deepEqual(allowedImports('p2p'), ['api', 'core']);
    assert.deepEqual(allowedImports('testkit'), ['api', 'core', 'p2p']);
    assert.ok(allowedImports('cli').includes('controlplane'));
    assert.ok(allowedImports('cli').includes('agent'));
    assert.ok(!allowedImports('cli').includes('sim'));
  });
});

describe('checkFile', () => {
  it('allows core to import api and api to import only itself', () => {
    assert.deepEqual(messages('core/src/a.ts', "import '@wisp/api';"), []);
    assert.deepEqual(messages('api/src/a.ts', "import '@wisp/api/meta.ts';"), []);
    assert.deepEqual(messages('api/src/a.ts', "import { x } from '@wisp/core';"), [
      '1: api may not import @wisp/core (api may import: nothing of ours)',
    ]);
  });

  it('rejects controlplane and agent importing each other, even types or dynamically', () => {
    const [typeOnly] = messages('controlplane/src/a.ts', "import type { X } from '@wisp/agent';");
    assert.match(typeOnly, /^1: controlplane imports agent: .*never import each other/);
    const [dynamic] = messages('agent/src/a.ts', "\nawait import('@wisp/controlplane/src/x.ts');");
    assert.match(dynamic, /^2: agent imports controlplane: /);
  });

  it('lets cli and bench import only the dashboard build script, never its browser code', () => {
    assert.deepEqual(messages('cli/src/a.ts', "await import('@wisp/dashboard/build.ts');"), []);
    assert.deepEqual(messages('bench/src/a.ts', "import '@wisp/dashboard/build.ts';"), []);
    assert.equal(messages('cli/src/a.ts', "import '@wisp/dashboard/src/main.ts';").length, 1);
    assert.equal(messages('agent/src/a.ts', "import '@wisp/dashboard/build.ts';").length, 1);
  });

  it('rejects packages of the same layer importing each other', () => {
    assert.deepEqual(messages('testkit/src/a.ts', "import '@wisp/runtime-oci';"), [
      '1: testkit may not import @wisp/runtime-oci (testkit may import: @wisp/api, @wisp/core, @wisp/p2p)',
    ]);
  });

  it('lets composition roots import the middle layer', () => {
    const text = "import '@wisp/controlplane';\nimport '@wisp/agent';\nimport '@wisp/core';";
    assert.deepEqual(messages('cli/src/server.ts', text), []);
  });

  it('lets tests, and only tests, import testkit', () => {
    assert.deepEqual(messages('api/src/pod.test.ts', "import '@wisp/testkit';"), []);
    assert.deepEqual(messages('core/test/helpers.ts', "import '@wisp/testkit';"), []);
    assert.deepEqual(messages('core/src/store.ts', "import '@wisp/testkit';"), [
      '1: core may not import @wisp/testkit (core may import: @wisp/api)',
    ]);
  });

  it('reports an unknown @wisp package', () => {
    assert.deepEqual(messages('cli/src/a.ts', "import '@wisp/nope';"), [
      '1: unknown package @wisp/nope',
    ]);
  });

  it('allows relative imports inside the package', () => {
    assert.deepEqual(messages('controlplane/src/a/b.ts', "import '../c/d.ts';"), []);
  });

  it('rejects relative imports that climb out of the package, naming what to import', () => {
    assert.deepEqual(messages('controlplane/src/a.ts', "import '../../core/src/clock.ts';"), [
      "1: '../../core/src/clock.ts' climbs out of controlplane/ into core/; import @wisp/core",
    ]);
    const intoAgent = messages('controlplane/src/a.ts', "import '../../agent/src/sync.ts';");
    assert.equal(intoAgent.length, 2);
    assert.match(intoAgent[1], /controlplane imports agent/);
    assert.deepEqual(messages('core/src/a.ts', "import '../../package.json';"), [
      "1: '../../package.json' climbs out of core/ to package.json; import a package instead",
    ]);
  });

  it('allows libp2p only in the adapter file of each side', () => {
    const text = "import { createLibp2p } from 'libp2p';\nimport '@chainsafe/libp2p-noise';";
    assert.deepEqual(messages('controlplane/src/p2p/libp2p-adapter.ts', text), []);
    assert.deepEqual(messages('agent/src/p2p/libp2p-adapter.ts', text), []);
    assert.deepEqual(messages('p2p/src/libp2p-host.ts', text), [], 'the host both sides share');
    assert.deepEqual(messages('agent/src/sync.ts', "import '@libp2p/tcp';"), [
      "1: '@libp2p/tcp': libp2p is imported only from agent/src/p2p/libp2p-adapter.ts",
    ]);
    assert.equal(messages('cli/src/agent.ts', "import 'libp2p/x';").length, 1);
    assert.deepEqual(messages('agent/src/a.ts', "import 'libp2pish';"), []);
  });

  it('leaves files outside the known folders alone', () => {
    assert.deepEqual(messages('docs/example.ts', "import '@wisp/agent';"), []);
  });
});

describe('checkTree', () => {
  const roots: string[] = [];
  after(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('walks source files in order, skipping node_modules and dot-folders', () => {
    const root = writeTree({
      'core/src/b.ts': '',
      'core/src/a.ts': '',
      'core/node_modules/x/index.ts': "import '@wisp/agent';",
      '.wisp/state.ts': '',
      'api/README.md': '',
    });
    roots.push(root);
    assert.deepEqual(sourceFiles(root), ['core/src/a.ts', 'core/src/b.ts']);
  });

  it('prints file:line: message and exits 1 when a boundary is crossed', () => {
    const root = writeTree({
      'api/src/ok.ts': 'export const ok = 1;\n',
      'controlplane/src/bad.ts': "import { a } from '@wisp/api';\nimport '@wisp/agent';\n",
    });
    roots.push(root);
    const { files, violations } = checkTree(root);
    assert.equal(files, 2);
    assert.deepEqual(violations.map(formatViolation), [
      'controlplane/src/bad.ts:2: controlplane imports agent: controlplane and agent never ' +
        'import each other, not even types; they meet in @wisp/api',
    ]);
    const run = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, `${formatViolation(violations[0])}\n`);
  });

  it('exits 0 on a tree that keeps to the graph', () => {
    const root = writeTree({ 'core/src/a.ts': "import '@wisp/api';\n" });
    roots.push(root);
    const run = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
    assert.equal(run.status, 0);
    assert.equal(run.stdout, '');
  });
});
