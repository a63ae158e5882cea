import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBeneath } from './fs-path.ts';

const work = realpathSync(mkdtempSync(join(tmpdir(), 'wisp-fs-path-')));
const root = join(work, 'root');
mkdirSync(join(root, 'sub'), { recursive: true });
writeFileSync(join(root, 'sub', 'file.txt'), 'x');
writeFileSync(join(work, 'outside.txt'), 'secret');
symlinkSync('../outside.txt', join(root, 'up-link'));
symlinkSync('/etc', join(root, 'abs-link'));
symlinkSync('sub/file.txt', join(root, 'in-link'));
symlinkSync('../outside-new.txt', join(root, 'dangling-out'));
symlinkSync('sub/new.txt', join(root, 'dangling-in'));

after(() => rmSync(work, { recursive: true, force: true }));

const at = (path: string, follow = true, base = root): string =>
  resolveBeneath(root, base, path, follow);

describe('resolveBeneath', () => {
  it('resolves plain relative paths under the root', () => {
    assert.equal(at('sub/file.txt'), join(root, 'sub', 'file.txt'));
    assert.equal(at('./sub//file.txt'), join(root, 'sub', 'file.txt'));
    assert.equal(at('.'), root);
    assert.equal(at('file.txt', true, join(root, 'sub')), join(root, 'sub', 'file.txt'));
  });

  it('allows .. that stays inside the root', () => {
    assert.equal(at('sub/../sub/file.txt'), join(root, 'sub', 'file.txt'));
    assert.equal(at('..', true, join(root, 'sub')), root);
  });

  it('refuses absolute paths and .. above the root', () => {
    assert.throws(
      () => at('/etc/passwd'),
      (e) => e === 'not-permitted',
    );
    assert.throws(
      () => at('../outside.txt'),
      (e) => e === 'not-permitted',
    );
    assert.throws(
      () => at('../../etc/passwd', true, join(root, 'sub')),
      (e) => e === 'not-permitted',
    );
    assert.throws(
      () => at('sub/../../outside.txt'),
      (e) => e === 'not-permitted',
    );
  });

  it('refuses symlinks that lead out of the root, at the end or in the middle', () => {
    assert.throws(
      () => at('up-link'),
      (e) => e === 'not-permitted',
    );
    assert.throws(
      () => at('abs-link/passwd'),
      (e) => e === 'not-permitted',
    );
    assert.throws(
      () => at('dangling-out'),
      (e) => e === 'not-permitted',
    );
  });

  it('follows symlinks that stay inside the root', () => {
    assert.equal(at('in-link'), join(root, 'sub', 'file.txt'));
    assert.equal(at('dangling-in'), join(root, 'sub', 'new.txt'));
  });

  it('returns a final symlink itself when not following it', () => {
    assert.equal(at('up-link', false), join(root, 'up-link'));
  });

  it('reports a missing parent as no-entry and refuses NUL bytes', () => {
    assert.throws(
      () => at('nope/file'),
      (e) => e === 'no-entry',
    );
    assert.throws(
      () => at('a\0b'),
      (e) => e === 'invalid',
    );
    assert.throws(
      () => at(''),
      (e) => e === 'no-entry',
    );
  });
});
