import { FakeClock } from './fake-clock.ts';
import { FakeRuntime } from './fake-runtime.ts';
import { runtimeConformance } from './runtime-conformance.ts';

runtimeConformance(
  'FakeRuntime',
  async () => {
    const clock = new FakeClock();
    const runtime = new FakeRuntime({
      clock,
      behaviours: {
        done: { exitCode: 0, afterMs: 500 },
        crash: { exitCode: 1, afterMs: 500 },
        hello: { exitCode: 0, afterMs: 100, stdout: 'hello\n' },
        missing: { pullFails: 'not found' },
      },
    });
    return { runtime, tick: () => clock.advanceAsync(100), close: () => runtime.close() };
  },
  {
    runsForever: 'web',
    exitsZero: 'done',
    exitsOne: 'crash',
    printsHello: 'hello',
    missing: 'missing',
  },
);
