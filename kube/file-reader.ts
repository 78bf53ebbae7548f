// Reading files whole into one buffer kept from file to file (files mode's reads, the CRD registry's), and the text of
// bytes read as readFileSync(file, 'utf8') gives it.
import { isAscii } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Reads whole files into one buffer, grown to the largest file read so far (at most the size callers allow, which
 * they check first), instead of a new buffer per file that stays allocated until the garbage collector runs.
 */
export class FileReader {
  private buffer = Buffer.allocUnsafe(0);

  /** The file's bytes (its first `size`, @default its size now): a view valid until the next read. */
  bytes(abs: string, size?: number): Buffer {
    const fd = openSync(abs, 'r');
    try {
      const want = size ?? fstatSync(fd).size;
      if (this.buffer.length < want) this.buffer = Buffer.allocUnsafe(Math.max(want, 2 * this.buffer.length));
      let n = 0;
      for (let r = 1; n < want && r > 0; n += r) r = readSync(fd, this.buffer, n, want - n, null);
      return this.buffer.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  }

  /** The file's text, as readFileSync(abs, 'utf8') gives it. */
  text(abs: string): string {
    return textOf(this.bytes(abs));
  }

  /**
   * The file's text as pieces of at most PIECE_BYTES (but a longer line), each cut after a newline: joined, text()'s
   * string. V8 gives every string of more than about 128 KB fresh memory of its own, which costs several times what
   * small strings cost per byte; the plain-block reader (kube/yaml-block.ts readPieces) reads the pieces as one text.
   */
  pieces(abs: string): string[] {
    return piecesOf(this.bytes(abs));
  }
}

/** FileReader.pieces of bytes already read. */
export function piecesOf(b: Buffer): string[] {
  const out: string[] = [];
  for (let start = 0; start < b.length; ) {
    let end = Math.min(start + PIECE_BYTES, b.length);
    if (end < b.length) {
      let cut = b.lastIndexOf(NEWLINE, end - 1);
      if (cut < start) cut = b.indexOf(NEWLINE, end);
      end = cut < 0 ? b.length : cut + 1;
    }
    out.push(decode(b, start, end));
    start = end;
  }
  return out;
}

/** The text of bytes already read, as FileReader.text gives it. */
export const textOf = (b: Buffer): string => decode(b, 0, Infinity);

/** FileReader.pieces' size: well under the size past which V8 allocates a string on its own pages. */
const PIECE_BYTES = 64 * 1024;
const NEWLINE = 10;

/**
 * Bytes `start` to `end` of `b` as readFileSync's UTF-8 decoding gives them. ASCII bytes are taken as Latin-1, which is
 * the same characters without UTF-8 decoding (a one-byte string either way). A cut after a newline never splits a
 * UTF-8 sequence, so pieces decode as the whole does.
 */
function decode(b: Buffer, start: number, end: number): string {
  const to = Math.min(end, b.length);
  return isAscii(b.subarray(start, to)) ? b.toString('latin1', start, to) : b.toString('utf8', start, to);
}
