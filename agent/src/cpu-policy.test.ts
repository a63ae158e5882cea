import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { CpuPolicyError, schedPolicyNumber, setCpuPolicy, threadPolicies } from './cpu-policy.ts';

describe('setCpuPolicy', () => {
  let child: ChildProcess;
  before(async () => {
    // A Node process: several threads (V8's platform workers, libuv's) to switch at once.
    const program = "setInterval(() => {}, 1000); process.stdout.write('up')";
    child = spawn(process.execPath, ['-e', program], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(child.stdout!, 'data');
  });
  after(() => {
    child.kill();
  });

  it('puts every thread of the process under SCHED_BATCH, and back under SCHED_OTHER', async () => {
    const pid = child.pid!;
    assert.ok(threadPolicies(pid).length > 1, 'a Node process has more than one thread');
    assert.deepEqual(new Set(threadPolicies(pid)), new Set([schedPolicyNumber.other]));
    await setCpuPolicy('batch', pid);
    assert.deepEqual(new Set(threadPolicies(pid)), new Set([schedPolicyNumber.batch]));
    await setCpuPolicy('other', pid);
    assert.deepEqual(new Set(threadPolicies(pid)), new Set([schedPolicyNumber.other]));
  });

  it('fails with a named error that says which process, for one that does not exist', async () => {
    // Above the kernel's pid_max ceiling (2^22), so never a live process.
    const pid = 2 ** 22 + 1;
    await assert.rejects(setCpuPolicy('batch', pid), (e: unknown) => {
      assert.ok(e instanceof CpuPolicyError);
      assert.equal(e.code, 'ERR_INTERNAL');
      assert.match(e.message, new RegExp(`CPU policy batch on pid ${pid}: \\S`));
      return true;
    });
  });
});
