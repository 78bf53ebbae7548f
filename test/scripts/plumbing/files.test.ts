// FileReader (scripts/lib/plumbing/files.ts): files mode's reads. Its text is readFileSync(file, 'utf8')'s, character
// for character, whichever way it decodes (Latin-1 for ASCII bytes, UTF-8 otherwise), and whatever the files before
// it left in its one buffer.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FileReader } from '../../../scripts/lib/plumbing/files.ts';

describe('FileReader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-file-reader-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const files: [string, Buffer][] = [
    ['a large ASCII file', Buffer.from(`apiVersion: v1\nkind: ConfigMap\n${'data:\n  k: v\n'.repeat(50_000)}`)],
    ['a short ASCII file after it (the buffer holds the larger one)', Buffer.from('a: 1\n')],
    ['an empty file', Buffer.alloc(0)],
    ['UTF-8', Buffer.from('name: café 中文 ✓\n')],
    ['a byte order mark', Buffer.from('\ufeffa: 1\n')],
    ['bytes that are not UTF-8', Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0xc3, 0x0a])],
    ['Latin-1 bytes (not UTF-8)', Buffer.from('a: é\n', 'latin1')],
    ['control characters and DEL', Buffer.from('a: \u0001\u0007\u007f\r\n')],
  ];
  const reader = new FileReader();
  for (const [name, bytes] of files)
    test(`${name}: the text readFileSync gives`, () => {
      const file = join(dir, name.replace(/\W+/g, '-'));
      writeFileSync(file, bytes);
      const got = reader.text(file);
      assert.equal(got, readFileSync(file, 'utf8'));
      assert.equal(got.length, readFileSync(file, 'utf8').length);
    });

  test('bytes: the first `size` bytes, or the whole file', () => {
    const file = join(dir, 'sized');
    writeFileSync(file, 'abcdef');
    assert.equal(reader.bytes(file, 3).toString(), 'abc');
    assert.equal(reader.bytes(file).toString(), 'abcdef');
  });

  test('a missing file is an error naming it', () => {
    assert.throws(() => reader.text(join(dir, 'missing.yaml')), /ENOENT.*missing\.yaml/);
  });
});
