import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FakeClock } from '@wisp/testkit';
import {
  containerLogPath,
  nodeLogFiles,
  openContainerLog,
  readContainerLog,
  rfc3339Nano,
  type LogFiles,
} from './container-log.ts';

const root = mkdtempSync(join(tmpdir(), 'wisp-log-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => containerLogPath(root, `uid-${n++}`, 'app', 0);

describe('openContainerLog', () => {
  it('writes each line as a CRI record with a nanosecond timestamp and its stream', () => {
    const clock = new FakeClock({ nowMs: Date.UTC(2025, 0, 1, 0, 0, 0, 123) });
    const path = fresh();
    const log = openContainerLog(path, { clock });
    log.write('stdout', 'hello\nworld\n');
    log.write('stderr', new TextEncoder().encode('oops\n'));
    log.close();
    assert.equal(
      readFileSync(path, 'utf8'),
      '2025-01-01T00:00:00.123000000Z stdout F hello\n' +
        '2025-01-01T00:00:00.123000000Z stdout F world\n' +
        '2025-01-01T00:00:00.123000000Z stderr F oops\n',
    );
    assert.match(path, /pods\/uid-\d+\/logs\/app\/0\.log$/);
  });

  it('marks a piece of a line as P and the reader joins it with the rest', async () => {
    const clock = new FakeClock();
    const path = fresh();
    const log = openContainerLog(path, { clock });
    log.write('stdout', 'par');
    log.write('stdout', 'tial\nnext');
    log.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.deepEqual(
      lines.map((l) => l.split(' ').slice(1).join(' ')),
      ['stdout P par', 'stdout F tial', 'stdout P next', ''],
    );
    assert.equal((await readContainerLog(path)).text, 'partial\nnext');
  });

  it('splits a line longer than lineBytesMax into P records', async () => {
    const path = fresh();
    const log = openContainerLog(path, { clock: new FakeClock(), lineBytesMax: 4 });
    log.write('stdout', 'abcdefghij\n');
    log.close();
    const tags = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[2]);
    assert.deepEqual(tags, ['P', 'P', 'F']);
    assert.equal((await readContainerLog(path)).text, 'abcdefghij\n');
  });

  it('writes an empty line as an empty F record', async () => {
    const path = fresh();
    const log = openContainerLog(path, { clock: new FakeClock() });
    log.write('stdout', 'a\n\nb\n');
    log.close();
    assert.equal((await readContainerLog(path)).text, 'a\n\nb\n');
  });

  it('rotates before a record would pass bytesMax and keeps only one .1 file', async () => {
    const path = fresh();
    const record = 41 + 2; // header, two letters, newline
    const log = openContainerLog(path, { clock: new FakeClock(), bytesMax: 3 * record });
    for (const line of ['a1', 'a2', 'a3']) log.write('stdout', `${line}\n`);
    assert.equal(statSync(path).size, 3 * record);
    assert.equal(existsSync(`${path}.1`), false);
    log.write('stdout', 'b1\n');
    assert.equal(statSync(path).size, record);
    assert.equal(statSync(`${path}.1`).size, 3 * record);
    for (const line of ['b2', 'b3', 'c1', 'c2']) log.write('stdout', `${line}\n`);
    log.close();
    assert.equal((await readContainerLog(path)).text, 'b1\nb2\nb3\nc1\nc2\n');
  });

  it('rotates inside one chunk when its lines do not fit', async () => {
    const path = fresh();
    const log = openContainerLog(path, { clock: new FakeClock(), bytesMax: 2 * 43 });
    log.write('stdout', 'x1\nx2\nx3\nx4\nx5\n');
    log.close();
    assert.equal(readFileSync(`${path}.1`, 'utf8').split('\n').length - 1, 2);
    assert.equal((await readContainerLog(path)).text, 'x3\nx4\nx5\n');
  });

  it('appends to the file an earlier writer left', async () => {
    const path = fresh();
    const first = openContainerLog(path, { clock: new FakeClock() });
    first.write('stdout', 'one\n');
    first.close();
    const second = openContainerLog(path, { clock: new FakeClock() });
    second.write('stdout', 'two\n');
    second.close();
    assert.equal((await readContainerLog(path)).text, 'one\ntwo\n');
  });

  it('refuses a bytesMax too small for one record', () => {
    assert.throws(() => openContainerLog(fresh(), { clock: new FakeClock(), bytesMax: 10 }), {
      message: /bytesMax: Invalid value: 10/,
    });
  });
});

describe('openContainerLog on a full disk', () => {
  /** The real files, but writes fail while `full` is set, after writing half the bytes. */
  function fillableFiles(): { files: LogFiles; setFull(v: boolean): void } {
    let full = false;
    const files: LogFiles = {
      ...nodeLogFiles,
      write(fd, bytes) {
        if (!full) return nodeLogFiles.write(fd, bytes);
        nodeLogFiles.write(fd, bytes.subarray(0, bytes.byteLength >> 1));
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    };
    return { files, setFull: (v) => (full = v) };
  }

  it('never throws, counts what it dropped and writes one marker once space returns', async () => {
    const { files, setFull } = fillableFiles();
    const path = fresh();
    const log = openContainerLog(path, { clock: new FakeClock(), files });
    log.write('stdout', 'before\n');
    setFull(true);
    assert.doesNotThrow(() => log.write('stdout', 'lost one\n'));
    log.write('stderr', 'lost two\n');
    assert.equal(log.droppedBytes, 2 * 41 + 'lost one'.length + 'lost two'.length);
    setFull(false);
    log.write('stdout', 'after\n');
    log.write('stdout', 'later\n');
    log.close();
    assert.equal(log.droppedBytes, 0);
    const text = (await readContainerLog(path)).text;
    assert.equal(
      text,
      'before\n[wisp] 98 bytes of log dropped: no space left on device\nafter\nlater\n',
    );
  });

  it('keeps dropping while the marker itself cannot be written', async () => {
    const { files, setFull } = fillableFiles();
    const path = fresh();
    const log = openContainerLog(path, { clock: new FakeClock(), files });
    setFull(true);
    log.write('stdout', 'a\n');
    log.write('stdout', 'b\n');
    assert.equal(log.droppedBytes, 2 * 42);
    setFull(false);
    log.write('stdout', 'c\n');
    log.close();
    assert.equal(
      (await readContainerLog(path)).text,
      '[wisp] 84 bytes of log dropped: no space left on device\nc\n',
    );
  });

  it('drops writes while the file cannot even be opened, then recovers', async () => {
    let broken = true;
    const files: LogFiles = {
      ...nodeLogFiles,
      open(p) {
        if (broken) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
        return nodeLogFiles.open(p);
      },
    };
    const path = fresh();
    const log = openContainerLog(path, { clock: new FakeClock(), files });
    log.write('stdout', 'gone\n');
    broken = false;
    log.write('stdout', 'here\n');
    log.close();
    assert.equal(
      (await readContainerLog(path)).text,
      '[wisp] 45 bytes of log dropped: EACCES\nhere\n',
    );
  });
});

describe('readContainerLog', () => {
  function rotatedLog(): string {
    const path = fresh();
    // Three records per file: a1..a3 end in .1, b1..b2 are current.
    const log = openContainerLog(path, { clock: new FakeClock(), bytesMax: 3 * 43 });
    for (const l of ['z1', 'z2', 'z3', 'a1', 'a2', 'a3', 'b1', 'b2']) log.write('stdout', `${l}\n`);
    log.close();
    return path;
  }

  it('answers an empty slice for a container that has written nothing', async () => {
    const got = await readContainerLog(join(root, 'none.log'));
    assert.deepEqual(got, { text: '', nextOffset: 0, fileId: '', rotated: false, more: false });
  });

  it('reads the last lines from the current file alone when it holds enough', async () => {
    const path = rotatedLog();
    assert.equal((await readContainerLog(path, { tailLines: 2 })).text, 'b1\nb2\n');
    assert.equal((await readContainerLog(path, { tailLines: 0 })).text, '');
  });

  it('reaches into .1 for a tail longer than the current file', async () => {
    const path = rotatedLog();
    assert.equal((await readContainerLog(path, { tailLines: 4 })).text, 'a2\na3\nb1\nb2\n');
    assert.equal((await readContainerLog(path, { tailLines: 99 })).text, 'a1\na2\na3\nb1\nb2\n');
  });

  it('counts a line in progress and a split line as one line each for the tail', async () => {
    const path = fresh();
    const log = openContainerLog(path, { clock: new FakeClock(), lineBytesMax: 2 });
    log.write('stdout', 'one\ntwo-long\nthr');
    log.close();
    assert.equal((await readContainerLog(path, { tailLines: 2 })).text, 'two-long\nthr');
    assert.equal((await readContainerLog(path, { tailLines: 1 })).text, 'thr');
  });

  it('finds the tail across many blocks of a large file', async () => {
    const path = fresh();
    const log = openContainerLog(path, { clock: new FakeClock() });
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}\n`);
    log.write('stdout', lines.join(''));
    log.close();
    const got = await readContainerLog(path, { tailLines: 3000, readBytesMax: 1 << 20 });
    assert.equal(got.text, lines.slice(2000).join(''));
  });

  it('follows from nextOffset and sees only what was written since', async () => {
    const path = fresh();
    const log = openContainerLog(path, { clock: new FakeClock() });
    log.write('stdout', 'one\n');
    const first = await readContainerLog(path);
    assert.equal(first.text, 'one\n');
    log.write('stdout', 'two\n');
    const since = { sinceBytes: first.nextOffset, sinceFile: first.fileId };
    const second = await readContainerLog(path, since);
    assert.equal(second.text, 'two\n');
    assert.equal(second.rotated, false);
    log.close();
  });

  it('finishes a file rotated under a follower from .1 before going on', async () => {
    const path = fresh();
    const log = openContainerLog(path, { clock: new FakeClock(), bytesMax: 3 * 43 });
    log.write('stdout', 'a1\n');
    const first = await readContainerLog(path);
    log.write('stdout', 'a2\na3\nb1\nb2\n');
    const next = await readContainerLog(path, {
      sinceBytes: first.nextOffset,
      sinceFile: first.fileId,
    });
    assert.equal(next.text, 'a2\na3\nb1\nb2\n');
    assert.equal(next.rotated, true);
    log.write('stdout', 'b3\n');
    const last = await readContainerLog(path, {
      sinceBytes: next.nextOffset,
      sinceFile: next.fileId,
    });
    assert.equal(last.text, 'b3\n');
    log.close();
  });

  it('takes a shrunken file as rotated when the caller has no fileId', async () => {
    const path = fresh();
    const log = openContainerLog(path, { clock: new FakeClock(), bytesMax: 3 * 43 });
    log.write('stdout', 'a1\na2\n');
    const first = await readContainerLog(path);
    log.write('stdout', 'a3\nb1\n');
    const next = await readContainerLog(path, { sinceBytes: first.nextOffset });
    assert.equal(next.text, 'a3\nb1\n');
    assert.equal(next.rotated, true);
    log.close();
  });

  it('reads at most readBytesMax of file per call and says there is more', async () => {
    const path = fresh();
    const log = openContainerLog(path, { clock: new FakeClock(), bytesMax: 10 * 44 });
    for (let i = 0; i < 12; i++) log.write('stdout', `l${i % 10}\n`);
    log.close();
    let text = '';
    let at = await readContainerLog(path, { readBytesMax: 100 });
    let calls = 1;
    text += at.text;
    while (at.more) {
      at = await readContainerLog(path, {
        sinceBytes: at.nextOffset,
        sinceFile: at.fileId,
        readBytesMax: 100,
      });
      text += at.text;
      calls++;
    }
    assert.equal(text, 'l0\nl1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nl0\nl1\n');
    assert.ok(calls >= 6, `calls ${calls}`);
  });

  it('does not return a record still being written', async () => {
    const path = fresh();
    const log = openContainerLog(path, { clock: new FakeClock() });
    log.write('stdout', 'done\n');
    log.close();
    const fd = nodeLogFiles.open(path);
    nodeLogFiles.write(fd, new TextEncoder().encode('2025-01-01T00:00:00.000000000Z stdout F ha'));
    nodeLogFiles.close(fd);
    const got = await readContainerLog(path);
    assert.equal(got.text, 'done\n');
    assert.equal(got.more, false);
  });

  it('puts timestamps at line starts, filters by time and cuts at limitBytes', async () => {
    const clock = new FakeClock({ nowMs: Date.UTC(2025, 0, 1) });
    const path = fresh();
    const log = openContainerLog(path, { clock });
    log.write('stdout', 'early\n');
    clock.advance(5000);
    log.write('stdout', 'la');
    log.write('stdout', 'te\n');
    log.close();
    const ts = rfc3339Nano(Date.UTC(2025, 0, 1, 0, 0, 5));
    const stamped = await readContainerLog(path, { timestamps: true, sinceTimeMs: clock.now() });
    assert.equal(stamped.text, `${ts} late\n`);
    assert.equal((await readContainerLog(path, { limitBytes: 8 })).text, 'early\nla');
  });
});
