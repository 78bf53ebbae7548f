// writeAtomic (kube/write-atomic.mjs): readers see the old content or the new, and a write that fails leaves nothing
// behind (every cache of marquee's is written through it).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeAtomic } from '../../kube/write-atomic.mjs';

const dir = mkdtempSync(join(tmpdir(), 'marquee-write-atomic-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('writeAtomic replaces a file\'s content and creates its folder', () => {
  const file = join(dir, 'a/b/cache.json');
  writeAtomic(file, 'old');
  writeAtomic(file, Buffer.from('new'));
  assert.equal(readFileSync(file, 'utf8'), 'new');
  assert.deepEqual(readdirSync(join(dir, 'a/b')), ['cache.json']);
});

test('a write that cannot land (a folder where the file goes) throws and leaves no temporary file', () => {
  const file = join(dir, 'blocked.v8cache');
  mkdirSync(file);
  assert.throws(() => writeAtomic(file, 'data'), /EISDIR|ENOTDIR|EEXIST|ENOTEMPTY|EPERM/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('blocked')), ['blocked.v8cache']);
});
