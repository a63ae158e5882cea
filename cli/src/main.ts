/**
 * Dispatches `wisp <command> [flags]`. Returns the process exit code; only this package's bin
 * calls process.exit (through exitCode).
 */
import { UsageError } from './flags.ts';

interface Command {
  run(args: string[]): Promise<number>;
}

/**
 * Each command is loaded only when it runs: an agent on a small device should not pay for the
 * control plane's modules (x509, SQLite, the apiserver) in memory and start-up time.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  up: {
    summary: 'run a fleet on this machine: the control plane and agents in two sites',
    load: async () => (await import('./commands/up.ts')).upCommand,
  },
  server: {
    summary: 'run the control plane (apiserver on SQLite)',
    load: async () => (await import('./commands/server.ts')).serverCommand,
  },
  kubeconfig: {
    summary: 'issue a client-certificate kubeconfig for a user',
    load: async () => (await import('./commands/kubeconfig.ts')).kubeconfigCommand,
  },
  token: {
    summary: 'create, list or delete join tokens for agents',
    load: async () => (await import('./commands/token.ts')).tokenCommand,
  },
  'user-token': {
    summary: 'create, list or delete bearer tokens for people (dashboard, kubectl)',
    load: async () => (await import('./commands/user-token.ts')).userTokenCommand,
  },
  node: {
    summary: 'revoke a node, or list revoked nodes',
    load: async () => (await import('./commands/node.ts')).nodeCommand,
  },
  agent: {
    summary: 'run a node agent (joins, then runs the pods the control plane assigns)',
    load: async () => (await import('./commands/agent.ts')).agentCommand,
  },
  push: {
    summary: 'publish a WebAssembly component to an OCI registry (CNCF wasm layout)',
    load: async () => (await import('./commands/push.ts')).pushCommand,
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `Usage: wisp <command> [flags]\n\nCommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`wisp: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const command = await entry.load();
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`wisp ${name}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`wisp ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
