/**
 * Dispatches `wisp <command> [flags]`. Returns the process exit code; only this package's bin
 * calls process.exit (through exitCode).
 */
import { serverCommand, upCommand } from './commands/server.ts';
import { kubeconfigCommand } from './commands/kubeconfig.ts';
import { nodeCommand } from './commands/node.ts';
import { tokenCommand } from './commands/token.ts';
import { agentCommand } from './commands/agent.ts';
import { UsageError } from './flags.ts';

interface Command {
  readonly summary: string;
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  up: upCommand,
  server: serverCommand,
  kubeconfig: kubeconfigCommand,
  token: tokenCommand,
  node: nodeCommand,
  agent: agentCommand,
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
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`wisp: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
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
