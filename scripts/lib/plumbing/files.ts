// Walking a directory: the one walker, which never follows a symbolic link to a
// directory (a link loop cannot hang it) and stops at a bound instead of growing.
import { isAscii } from 'node:buffer';
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** More entries than any repository of this kind holds: past it the walk stops with an error. */
export const MAX_WALK_ENTRIES = 200_000;

export class WalkTooLarge extends Error {}

/**
 * Files below `abs` (paths relative to it, sorted), descending into real
 * directories only; links to files are listed, links to directories are not
 * followed. `skip` names directories not to enter (by base name).
 */
export function filesUnder(abs: string, skip: ReadonlySet<string> = new Set(['node_modules', '.git'])): string[] {
  const out: string[] = [];
  let seen = 0;
  const visit = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(join(abs, rel), { withFileTypes: true });
    } catch {
      return; // unreadable: nothing to list
    }
    for (const e of entries) {
      if (++seen > MAX_WALK_ENTRIES) throw new WalkTooLarge(`${abs}: more than ${MAX_WALK_ENTRIES} entries below it; point at a smaller directory`);
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!skip.has(e.name)) visit(path);
      } else if (e.isFile()) out.push(path);
      else if (e.isSymbolicLink()) {
        try {
          if (statSync(join(abs, path)).isFile()) out.push(path);
        } catch {
          /* dangling link */
        }
      }
    }
  };
  if (existsSync(abs)) visit('');
  return out.sort();
}

/** YAML files below `root/dir`, as repo-relative paths (for loose-file validation and the YAML pre-pass). */
export const yamlFilesUnder = (root: string, dir: string): string[] =>
  filesUnder(join(root, dir))
    .filter((f) => /\.ya?ml$/i.test(f))
    .map((f) => join(dir, f));

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
