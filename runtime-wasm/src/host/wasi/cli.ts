/**
 * wasi:cli for one instance: exactly the spec's args and env, no cwd, empty stdin, stdout and
 * stderr to the instance's sinks, no terminals, and `exit` that unwinds the guest.
 */
import {
  inputFromBytes,
  outputToSink,
  type InputStream,
  type OutputStream,
  type Sink,
} from './io.ts';

/**
 * Thrown by wasi:cli/exit. It is an `Error`, so jco's bindings rethrow it through the guest
 * instead of turning it into a result; the runner recognises it and ends with its code.
 */
export class ExitSignal extends Error {
  readonly exitCode: number;
  constructor(exitCode: number) {
    super(`guest exited with code ${exitCode}`);
    this.name = 'ExitSignal';
    this.exitCode = exitCode;
  }
}

export interface CliContext {
  readonly args: readonly string[];
  readonly env: readonly (readonly [string, string])[];
  readonly stdout: Sink;
  readonly stderr: Sink;
}

export class TerminalInput {}
export class TerminalOutput {}

export function cliInterfaces(ctx: CliContext): Record<string, Record<string, unknown>> {
  const none = (): undefined => undefined;
  return {
    environment: {
      getEnvironment: (): [string, string][] => ctx.env.map(([k, v]) => [k, v]),
      getArguments: (): string[] => [...ctx.args],
      initialCwd: none,
    },
    exit: {
      exit: (status: { tag: 'ok' | 'err' }): never => {
        throw new ExitSignal(status.tag === 'ok' ? 0 : 1);
      },
      exitWithCode: (code: number): never => {
        throw new ExitSignal(code);
      },
    },
    // A fresh handle per call: the guest owns and drops each one, the sink stays.
    stdin: { getStdin: (): InputStream => inputFromBytes(new Uint8Array(0)) },
    stdout: { getStdout: (): OutputStream => outputToSink(ctx.stdout) },
    stderr: { getStderr: (): OutputStream => outputToSink(ctx.stderr) },
    'terminal-input': { TerminalInput },
    'terminal-output': { TerminalOutput },
    'terminal-stdin': { getTerminalStdin: none },
    'terminal-stdout': { getTerminalStdout: none },
    'terminal-stderr': { getTerminalStderr: none },
  };
}
