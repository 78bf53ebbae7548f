// FileReader (kube/file-reader.ts): files mode's reads. Its text is readFileSync(file, 'utf8')'s, character
// for character, whichever way it decodes (Latin-1 for ASCII bytes, UTF-8 otherwise), and whatever the files before
// it left in its one buffer; its pieces join to the same text.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FileReader } from '../../kube/file-reader.ts';

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
  for (const [name, bytes] of [
    ...files,
    ['a long line among short ones, UTF-8 beside the cuts', Buffer.from(`a: ${'x'.repeat(200_000)}\n${'b: café ✓ 中文\n'.repeat(20_000)}c: 1`)],
    ['one line longer than a piece, no newline', Buffer.from('y'.repeat(150_000))],
  ] as [string, Buffer][])
    test(`${name}: pieces join to that text, each cut after a newline and no longer than 64 KiB but for a longer line`, () => {
      const file = join(dir, `pieces-${name.replace(/\W+/g, '-')}`);
      writeFileSync(file, bytes);
      const pieces = reader.pieces(file);
      assert.equal(pieces.join(''), readFileSync(file, 'utf8'));
      // more than one piece once the file is larger than one and has a newline to cut after
      const newline = bytes.indexOf(10);
      assert.equal(pieces.length > 1, bytes.length > 64 * 1024 && newline >= 0 && newline < bytes.length - 1, `${pieces.length} piece(s)`);
      for (const [i, piece] of pieces.entries()) {
        if (i < pieces.length - 1) assert.ok(piece.endsWith('\n'), `piece ${i} ends in ${JSON.stringify(piece.slice(-5))}`);
        const lines = piece.split('\n');
        if (lines.length > 2 || (lines.length === 2 && lines[1] !== '')) assert.ok(Buffer.byteLength(piece) <= 64 * 1024, `piece ${i}: ${Buffer.byteLength(piece)} bytes over ${lines.length} lines`);
      }
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
