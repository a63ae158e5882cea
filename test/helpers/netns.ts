/**
 * Network namespaces for integration tests that need hosts with no route between them. Each
 * namespace gets a veth pair to the root namespace on its own /24 and no default route, so a
 * process inside reaches the root namespace (the server) and nothing else — in particular not
 * another such namespace, whatever the host's ip_forward says. Needs root and iproute2.
 *
 *   const ns = createNetns('wma', '10.201.7');   // inside: 10.201.7.2, root side: 10.201.7.1
 *   spawn('ip', ['netns', 'exec', ns.name, process.execPath, ...]);
 *   ns.remove();
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Netns {
  readonly name: string;
  /** The address inside the namespace. */
  readonly ip: string;
  /** The root namespace's end of the veth pair. */
  readonly hostIp: string;
  /** `ip netns exec NAME` prefix for spawning a command inside. */
  readonly exec: readonly string[];
  remove(): void;
}

/** Whether this process may create namespaces (root, with the `ip` command of iproute2). */
export function netnsAvailable(): boolean {
  return process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;
}

function ip(args: string[], check = true): { status: number | null; out: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (check && r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${out}`);
  return { status: r.status, out };
}

/**
 * Creates namespace `name` joined to the root namespace at `${prefix}.1` / `${prefix}.2`. The
 * machine's hostname resolves to the root side inside it (through /etc/netns/NAME/hosts, which
 * `ip netns exec` mounts over /etc/hosts), so the server's certificate names it.
 */
export function createNetns(name: string, prefix: string): Netns {
  const outer = `${name}o`;
  const inner = `${name}i`;
  removeNetns(name);
  try {
    ip(['netns', 'add', name]);
    ip(['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner]);
    ip(['link', 'set', inner, 'netns', name]);
    ip(['addr', 'add', `${prefix}.1/24`, 'dev', outer]);
    ip(['link', 'set', outer, 'up']);
    ip(['-n', name, 'addr', 'add', `${prefix}.2/24`, 'dev', inner]);
    ip(['-n', name, 'link', 'set', inner, 'up']);
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
    const etc = join('/etc/netns', name);
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, 'hosts'), `127.0.0.1 localhost\n${prefix}.1 ${hostname()}\n`);
  } catch (e) {
    removeNetns(name);
    throw e;
  }
  return {
    name,
    ip: `${prefix}.2`,
    hostIp: `${prefix}.1`,
    exec: ['ip', 'netns', 'exec', name],
    remove: () => removeNetns(name),
  };
}

/** Deleting the namespace deletes the veth pair with it. */
export function removeNetns(name: string): void {
  ip(['netns', 'del', name], false);
  ip(['link', 'del', `${name}o`], false);
  rmSync(join('/etc/netns', name), { recursive: true, force: true });
}

/** Whether namespace `name` has any route to `address` (`ip route get` fails when it has none). */
export function hasRoute(name: string, address: string): boolean {
  return ip(['-n', name, 'route', 'get', address], false).status === 0;
}
