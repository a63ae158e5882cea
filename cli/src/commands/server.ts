/**
 * `wisp server --data-dir DIR [--port N] [--host H]`: the control plane on SQLite, the
 * composition root that wires the real clock, randomness and store. Writes
 * `DIR/admin.kubeconfig` and `DIR/server.json`, and stops cleanly on SIGINT / SIGTERM.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { systemClock, systemRandom } from '@wisp/core';
import { createControlPlane } from '@wisp/controlplane/control-plane.ts';
import { openSqliteStore } from '@wisp/controlplane/store/sqlite-store.ts';
import { intFlag, parseFlags } from '../flags.ts';
import { waitForSignal } from '../signals.ts';
import { parseDurationMs } from '../duration.ts';

export const serverCommand = {
  summary: 'run the control plane (apiserver on SQLite)',
  run: (args: string[]) => runServer(args, '.wisp/server', false),
};

export const upCommand = {
  summary: 'run Wisp on this machine and print how to use it',
  run: (args: string[]) => runServer(args, '.wisp', true),
};

async function runServer(args: string[], defaultDir: string, guide: boolean): Promise<number> {
  const { values } = parseFlags(args, {
    'data-dir': { type: 'string', default: defaultDir },
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    'compact-interval': { type: 'string', default: '5m' },
  });
  const dataDir = resolve(values['data-dir']!);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const clock = systemClock();
  const store = openSqliteStore({ path: join(dataDir, 'state.db'), clock });
  const cp = createControlPlane(
    {
      dataDir,
      host: values.host,
      port: intFlag(values.port, 'port', 6443),
      compactIntervalMs: parseDurationMs(values['compact-interval']!, 'compact-interval'),
    },
    { clock, random: systemRandom(), store },
  );
  await cp.start();
  const kubeconfigPath = join(dataDir, 'admin.kubeconfig');
  const kubeconfig = await cp.kubeconfig({ user: 'admin', groups: ['system:masters'] });
  await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
  await writeFile(
    join(dataDir, 'server.json'),
    JSON.stringify({ url: cp.url(), pid: process.pid }),
  );
  process.stdout.write(`wisp server ready at ${cp.url()}\nkubeconfig: ${kubeconfigPath}\n`);
  if (guide) process.stdout.write(gettingStarted(kubeconfigPath));
  await waitForSignal();
  process.stdout.write('wisp server stopping\n');
  await cp.stop();
  await store.close();
  return 0;
}

function gettingStarted(kubeconfig: string): string {
  return [
    '',
    'Try it (Ctrl-C stops Wisp; state stays in the data dir):',
    `  export KUBECONFIG=${kubeconfig}`,
    '  kubectl get namespaces',
    '  kubectl create deployment hello --image=registry.local/hello:1 --replicas=2',
    '  kubectl get deployments -w',
    '',
  ].join('\n');
}
