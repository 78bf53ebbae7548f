// A fast reader for the plain block style manifests are written in (`key: value`, `- item`, `|` blocks, quoted
// scalars, `[]` and `{}`), giving exactly what js-yaml gives, or `undefined` for any text it does not take whole:
// anchors, tags, directives, flow collections with content, folded blocks or indentation indicators, YAML-only
// escapes, tabs, CR line ends, odd indentation, duplicate keys, nesting near the bound, non-printable characters.
// loadManifests (yaml-schema.ts) reads those with js-yaml, which words the errors; so this reader never decides
// what is an error, only that the text is plain enough to read faster. Plain scalars are resolved by js-yaml's own
// implicit types (null, bool, int, float), so `012`, `0x1F`, `.inf` and `~` come out as js-yaml makes them.
// Equality with js-yaml is tested on every YAML file of the repository, the real-manifests corpus and fuzzed
// texts (test/kube/yaml-block.test.ts).
import type { Type } from 'js-yaml';

/** Why the reader gave up: caught inside read, never seen by callers. */
class NotPlain {}
const notPlain = new NotPlain();

/** Nesting this reader recurses to at most, whatever the caller's bound (deeper texts are js-yaml's). */
const MAX_NESTING = 500;

const SPACE = 32;
const NEWLINE = 10;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const DOT = 46;

/**
 * Characters js-yaml refuses in scalars (CR among them, which this reader does not take as a line end either) and
 * surrogates (rare; js-yaml checks their pairing): any of them sends the text, or a decoded escape, to js-yaml.
 */
const UNUSUAL = /[\x00-\x08\x0B-\x1F\x7F-\x9F\uD800-\uDFFF\uFFFE\uFFFF]/;
/** UNUSUAL's characters below 128, looked for one at a time in an ASCII text: indexOf is several times faster there than the class. */
const UNUSUAL_ASCII = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)).filter((c) => UNUSUAL.test(c));

/** Does `text` hold a character of UNUSUAL? */
function hasUnusual(text: string): boolean {
  // UTF-8 takes one byte for a character below 128 and more for any other
  if (Buffer.byteLength(text, 'utf8') !== text.length) return UNUSUAL.test(text);
  for (const c of UNUSUAL_ASCII) if (text.indexOf(c) >= 0) return true;
  return false;
}

/** The spaces from lastIndex: their end is the first other character (irregexp's loop is faster than charCodeAt's). */
const SPACES = / */y;

/** The characters of a plain key this reader takes (`app.kubernetes.io/name`, `$ref`, `x-kubernetes-int-or-string`). */
const KEY_CHARS = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.$/@-') KEY_CHARS[c.charCodeAt(0)] = 1;
/** Slots of BlockReader's key cache (a power of two). */
const KEY_SLOTS = 4096;

/** A key's first character: 0 not taken; 1 a string for every implicit type; 2 to be checked (`null`, `true`, `false`, `__proto__`). */
const KEY_FIRST = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$/') KEY_FIRST[c.charCodeAt(0)] = 1;
for (const c of 'nNtTfF_') KEY_FIRST[c.charCodeAt(0)] = 2;

/**
 * Could js-yaml's implicit types resolve this text that starts with a letter? Only null, true and false do (`null`,
 * `Null`, `NULL`, `true`, … `FALSE`: four or five letters from n, t or f); numbers start with a digit, a sign or a dot.
 */
function mayBeWord(text: string): boolean {
  const c = text.charCodeAt(0) | 0x20;
  return (c === 110 || c === 116 || c === 102) && (text.length === 4 || text.length === 5);
}

/**
 * Where a read's nodes start, as offsets in the text (-1: nowhere to point, a document or item with no node): each
 * document; by mapping, each key; by sequence, each item.
 */
export interface NodePositions {
  readonly docs: number[];
  readonly nodes: WeakMap<object, Map<string, number> | number[]>;
}

export class BlockReader {
  /** the text's pieces (one, or several each ending in a newline but the last), the current one, its index */
  private pieces: readonly string[] = [];
  private t = '';
  private p = 0;
  private n = 0;
  /** the current line: its start, its end (the newline or the text's end), the first non-space character */
  private ls = 0;
  private le = 0;
  private cs = 0;
  private depth = 0;

  /** where each mapping's keys and each sequence's items start (offsets in the whole text), when readLocated asked */
  private positions: NodePositions | undefined;
  /** the offset in the whole text of the current piece's first character */
  private base = 0;

  /** the longest of `watch`'s words */
  private readonly watchLength: number;
  /** the words of `watch` the last read found as plain (unquoted) scalar values (empty when it gave no value) */
  readonly noted = new Set<string>();

  /** `watch`: words to note when they stand as plain scalar values (keys are not values), read back from `noted`. */
  constructor(
    private readonly implicit: readonly Type[],
    private readonly maxDepth: number,
    private readonly watch: ReadonlySet<string> = new Set(),
  ) {
    this.watchLength = Math.max(0, ...[...watch].map((w) => w.length));
  }

  /** Every document of `text` as js-yaml's loadAll gives it, or undefined when the text is not plain enough. */
  read(text: string): unknown[] | undefined {
    return this.readPieces([text]);
  }

  /**
   * read(), and where in `text` each document, each mapping's keys and each sequence's items start: what places a
   * finding on its line without the `yaml` library's documents (scripts/lib/validate/locate.ts walkBlock).
   */
  readLocated(text: string): { values: unknown[]; positions: NodePositions } | undefined {
    const positions: NodePositions = { docs: [], nodes: new WeakMap() };
    this.positions = positions;
    try {
      const values = this.readPieces([text]);
      return values && { values, positions };
    } finally {
      this.positions = undefined;
    }
  }

  /**
   * read() of the text the pieces make, each piece but the last ending in a newline (plumbing/files.ts
   * FileReader.pieces): a large file read without ever being one string, since V8 allocates every string of more than
   * about 128 KB in fresh memory of its own, at several times the cost per byte of small ones (docs/benchmarks.md). Every
   * value the reader builds lies within one line, so within one piece.
   */
  readPieces(pieces: readonly string[]): unknown[] | undefined {
    this.noted.clear();
    if (pieces.length === 0) return [];
    if (pieces[0]!.charCodeAt(0) === 0xfeff) return undefined;
    for (const piece of pieces) if (piece.indexOf('\t') >= 0 || hasUnusual(piece)) return undefined;
    this.pieces = pieces;
    this.p = 0;
    this.base = 0;
    this.t = pieces[0]!;
    this.n = this.t.length;
    this.depth = 0;
    try {
      return this.documents();
    } catch (err) {
      if (err === notPlain) {
        this.noted.clear();
        return undefined;
      }
      throw err;
    } finally {
      this.t = '';
      this.pieces = [];
    }
  }

  private documents(): unknown[] {
    const docs: unknown[] = [];
    this.ls = 0;
    this.skipBlank();
    // js-yaml: an empty text has no document; one of comments only has one, empty
    if (this.ls >= this.n) {
      if (this.pieces.every((piece) => piece.trim() === '')) return [];
      this.positions?.docs.push(-1);
      return [null];
    }
    for (;;) {
      if (this.isMarker(DASH)) {
        this.afterMarker();
        this.nextLine();
        this.skipBlank();
      } else if (docs.length > 0) throw notPlain;
      if (this.ls >= this.n || this.isMarker(DASH)) {
        docs.push(null);
        this.positions?.docs.push(-1);
      } else {
        this.positions?.docs.push(this.base + this.cs);
        // the document's node: a mapping or a sequence at column 0 (anything else is js-yaml's)
        const c = this.t.charCodeAt(this.cs);
        if (this.cs !== this.ls || this.isMarker(DOT) || c === 37) throw notPlain;
        if (this.isItem(this.cs)) docs.push(this.sequence(this.cs, 0));
        else {
          const colon = this.keyEnd(this.cs);
          if (colon < 0) throw notPlain;
          docs.push(this.mapping(this.cs, 0, colon));
        }
      }
      if (this.ls >= this.n) return docs;
      if (!this.isMarker(DASH)) throw notPlain;
    }
  }

  /** Is the current line a document marker (`---` or `...`) at column 0? */
  private isMarker(ch: number): boolean {
    const t = this.t;
    const i = this.ls;
    if (t.charCodeAt(i) !== ch || t.charCodeAt(i + 1) !== ch || t.charCodeAt(i + 2) !== ch) return false;
    const after = t.charCodeAt(i + 3);
    return i + 3 >= this.n || after === NEWLINE || after === SPACE;
  }

  /** After `---`: only spaces and a comment. */
  private afterMarker(): void {
    let i = this.ls + 3;
    while (i < this.le && this.t.charCodeAt(i) === SPACE) i++;
    if (i < this.le && !(this.t.charCodeAt(i) === HASH && this.t.charCodeAt(i - 1) === SPACE)) throw notPlain;
  }

  /** Set the line fields for the line starting at `this.ls`. */
  private line(): void {
    const t = this.t;
    let e = t.indexOf('\n', this.ls);
    if (e < 0) e = this.n;
    this.le = e;
    SPACES.lastIndex = this.ls;
    SPACES.test(t);
    this.cs = SPACES.lastIndex;
  }

  /** To the line after the current one: the next piece's first when the current piece ends. */
  private nextLine(): void {
    this.ls = this.le + 1;
    if (this.ls < this.n) return;
    if (this.p + 1 < this.pieces.length) {
      this.base += this.n;
      this.t = this.pieces[++this.p]!;
      this.n = this.t.length;
      this.ls = 0;
    } else this.ls = this.n;
  }

  /** From `this.ls`, move past blank and comment-only lines; the fields describe the first other line (or the end). */
  private skipBlank(): void {
    while (this.ls < this.n) {
      this.line();
      if (this.cs < this.le && this.t.charCodeAt(this.cs) !== HASH) return;
      this.nextLine();
    }
    this.le = this.cs = this.n;
  }

  /** A node starting at `p` (column `col`) of the current line. */
  private nodeAt(p: number, col: number, parent: number): unknown {
    const t = this.t;
    const c = t.charCodeAt(p);
    if (this.isItem(p)) return this.sequence(p, col);
    const colon = this.keyEnd(p);
    if (colon >= 0) return this.mapping(p, col, colon);
    return this.scalar(p, parent);
  }

  /** Does a sequence item (`-` then a space or the line's end) start at `p` of the current line? */
  private isItem(p: number): boolean {
    return this.t.charCodeAt(p) === DASH && (p + 1 === this.le || this.t.charCodeAt(p + 1) === SPACE);
  }

  private enter(): void {
    // js-yaml counts every node, scalars too: a margin keeps its error its own
    if (++this.depth >= Math.min(this.maxDepth - 2, MAX_NESTING)) throw notPlain;
  }

  /** The `:` ending a plain key that starts at `p`, or -1 when the line holds no `key:` there. */
  private keyEnd(p: number): number {
    const t = this.t;
    const e = this.le;
    const c = t.charCodeAt(p);
    if (c === 34 || c === 39 || c === 91 || c === 123 || c === 63 || c === 38 || c === 42 || c === 33 || c === 124 || c === 62) {
      // a quoted or flow key, `?`, an anchor, alias or tag: js-yaml's; a quoted or flow scalar value: no key
      for (let i = p; i < e; i++) if (t.charCodeAt(i) === COLON && (i + 1 === e || t.charCodeAt(i + 1) === SPACE)) throw notPlain;
      return -1;
    }
    let simple = true;
    let hash = 0;
    for (let i = p; i < e; i++) {
      const ch = t.charCodeAt(i);
      if (ch === COLON && (i + 1 === e || t.charCodeAt(i + 1) === SPACE)) {
        this.keySimple = simple;
        this.keyHash = hash;
        return i;
      }
      if (ch === HASH && i > p && t.charCodeAt(i - 1) === SPACE) return -1;
      if (simple && (ch >= 128 || KEY_CHARS[ch] === 0)) simple = false;
      hash = (Math.imul(hash, 31) + ch) | 0;
    }
    return -1;
  }

  /** Whether the key keyEnd found holds only the characters of KEY_CHARS. */
  private keySimple = false;
  /** A hash of the key keyEnd found: its slot in `keys`. */
  private keyHash = 0;
  /**
   * Keys read before, by keyHash: a key met again (`type`, `description`, `name`) is this same string, already
   * internalized by V8 once it named a property, so `out[key]` neither allocates a string nor looks it up in V8's
   * string table. Only keys the reader took stand here.
   */
  private readonly keys: (string | undefined)[] = new Array(KEY_SLOTS).fill(undefined);

  /** The plain key from `p` to `end` (keyEnd's); one another type would resolve (`1`, `true`, `~`), a special one, or one with spaces or odd characters is js-yaml's. */
  private key(p: number, end: number): string {
    const t = this.t;
    const slot = (this.keyHash ^ (end - p)) & (KEY_SLOTS - 1);
    const known = this.keys[slot];
    if (known !== undefined && known.length === end - p && t.startsWith(known, p)) return known;
    const c = t.charCodeAt(p);
    if (!this.keySimple || c >= 128 || KEY_FIRST[c] === 0) throw notPlain;
    const key = t.slice(p, end);
    if (KEY_FIRST[c] === 2 && (key === '__proto__' || (mayBeWord(key) && this.resolvedType(key) !== undefined))) throw notPlain;
    this.keys[slot] = key;
    return key;
  }

  /** A block mapping whose first key starts at `p` (column `col`) and ends at `colon` (keyEnd's, found by the caller). */
  private mapping(p: number, col: number, colon: number): Record<string, unknown> {
    this.enter();
    const out: Record<string, unknown> = {};
    const keyAt = this.positions && new Map<string, number>();
    if (keyAt) this.positions!.nodes.set(out, keyAt);
    for (;;) {
      // the line's piece (a value read below may move to the next one)
      const t = this.t;
      const key = this.key(p, colon);
      // a key given twice (or one Object.prototype has, `constructor`): js-yaml's
      if (out[key] !== undefined) throw notPlain;
      keyAt?.set(key, this.base + p);
      let v = colon + 1;
      while (v < this.le && t.charCodeAt(v) === SPACE) v++;
      let value: unknown;
      if (v >= this.le || t.charCodeAt(v) === HASH) {
        this.nextLine();
        this.skipBlank();
        const at = this.cs - this.ls;
        if (this.ls < this.n && at === col && this.isItem(this.cs)) value = this.sequence(this.cs, col);
        else if (this.ls < this.n && at > col) value = this.nodeAt(this.cs, at, col);
        else value = null;
      } else value = this.scalar(v, col);
      out[key] = value;
      // the cursor is on the next content line (or the end)
      if (this.ls >= this.n || this.isMarker(DASH) || this.isMarker(DOT)) break;
      const at = this.cs - this.ls;
      if (at < col) break;
      if (at > col) throw notPlain;
      p = this.cs;
      // a sequence at a mapping's column belongs to a parent mapping's key (`key:\n- a`), never here
      if (this.isItem(p)) break;
      colon = this.keyEnd(p);
      if (colon < 0) throw notPlain;
    }
    this.depth--;
    return out;
  }

  private sequence(p: number, col: number): unknown[] {
    this.enter();
    const out: unknown[] = [];
    const itemAt = this.positions && ([] as number[]);
    if (itemAt) this.positions!.nodes.set(out, itemAt);
    for (;;) {
      const t = this.t;
      let v = p + 1;
      while (v < this.le && t.charCodeAt(v) === SPACE) v++;
      if (v >= this.le || t.charCodeAt(v) === HASH) {
        this.nextLine();
        this.skipBlank();
        const at = this.cs - this.ls;
        if (this.ls < this.n && at > col) {
          itemAt?.push(this.base + this.cs);
          out.push(this.nodeAt(this.cs, at, col));
        } else {
          // an empty item: js-yaml (readBlockSequence) then takes a `-` at any lesser column as this sequence's next item
          if (at < col && this.isItem(this.cs)) throw notPlain;
          // (no node in the text to point at: walkBlock leaves such an item to the `yaml` library)
          itemAt?.push(-1);
          out.push(null);
        }
      } else {
        itemAt?.push(this.base + v);
        out.push(this.nodeAt(v, v - this.ls, col));
      }
      if (this.ls >= this.n || this.isMarker(DASH) || this.isMarker(DOT)) break;
      const at = this.cs - this.ls;
      if (at < col) break;
      if (at > col) throw notPlain;
      p = this.cs;
      if (!this.isItem(p)) break;
    }
    this.depth--;
    return out;
  }

  /** A scalar (or an empty flow collection) starting at `p` on the current line, in a node at column `parent`; the cursor moves past it. */
  private scalar(p: number, parent: number): unknown {
    const t = this.t;
    const c = t.charCodeAt(p);
    if (c === 124) return this.literal(p, parent);
    if (c === 34 || c === 39) return this.quoted(p, c, parent);
    if (c === 91 || c === 123) {
      if (t.charCodeAt(p + 1) !== (c === 91 ? 93 : 125)) throw notPlain;
      this.endOfValue(p + 2);
      return c === 91 ? [] : {};
    }
    // indicators a plain scalar may not start with (and `-`, `?`, `:` before a space)
    if (c === 62 || c === 38 || c === 42 || c === 33 || c === 37 || c === 64 || c === 96 || c === 44 || c === 93 || c === 125 || c === 35) throw notPlain;
    if ((c === DASH || c === 63 || c === COLON) && (p + 1 >= this.le || t.charCodeAt(p + 1) === SPACE)) throw notPlain;
    let end = this.plainEnd(p);
    let text = t.slice(p, end);
    // continuation lines of a multi-line plain scalar, more indented than its parent: folded with a space, or with
    // a newline per empty line between; a comment ends the scalar
    let commented = this.commentAt >= 0;
    let breaks = 0;
    for (;;) {
      this.nextLine();
      if (this.ls >= this.n) break;
      this.line();
      if (this.cs >= this.le) {
        breaks++;
        continue;
      }
      const ch = this.t.charCodeAt(this.cs);
      if (ch === HASH || this.cs - this.ls <= parent || this.isMarker(DASH) || this.isMarker(DOT)) break;
      // more after a comment: js-yaml's (an error there)
      if (commented) throw notPlain;
      end = this.plainEnd(this.cs);
      commented = this.commentAt >= 0;
      // joined as they come, like a literal block's lines
      text = `${text}${breaks ? '\n'.repeat(breaks) : ' '}${this.t.slice(this.cs, end)}`;
      breaks = 0;
    }
    this.skipBlank();
    if (text.length <= this.watchLength && this.watch.has(text)) this.noted.add(text);
    return this.resolve(text, c);
  }

  /** Where plainEnd found a comment (-1: none). */
  private commentAt = -1;

  /** The end of a plain scalar's text on the current line from `p`: before a ` #` comment and trailing spaces; `: ` inside is js-yaml's. */
  private plainEnd(p: number): number {
    const t = this.t;
    const e = this.le;
    let end = e;
    this.commentAt = -1;
    for (let i = p; i < e; i++) {
      const ch = t.charCodeAt(i);
      if (ch === COLON && (i + 1 === e || t.charCodeAt(i + 1) === SPACE)) throw notPlain;
      if (ch === HASH && t.charCodeAt(i - 1) === SPACE) {
        end = this.commentAt = i;
        break;
      }
    }
    while (end > p && t.charCodeAt(end - 1) === SPACE) end--;
    return end;
  }

  /** After a value ending at `i`: only spaces and a comment to the line's end; then move to the next content line. */
  private endOfValue(i: number): void {
    const t = this.t;
    while (i < this.le && t.charCodeAt(i) === SPACE) i++;
    if (i < this.le && !(t.charCodeAt(i) === HASH && t.charCodeAt(i - 1) === SPACE)) throw notPlain;
    this.nextLine();
    this.skipBlank();
  }

  /**
   * A single- or double-quoted scalar from `p`, on one line or folded over several as js-yaml folds them
   * (readSingleQuotedScalar, writeFoldedLines): a line break is a space, each empty line between a newline, and
   * the spaces around a break go. Continuation lines more indented than the parent; escapes in double quotes only
   * on one line (a `\` at a line's end joins lines: js-yaml's).
   */
  private quoted(p: number, q: number, parent: number): string {
    let t = this.t;
    const single = q === 39;
    const parts: string[] = [];
    let from = p + 1;
    let i = from;
    let lines = 1;
    // the next quote at or after i, kept while it lies beyond the lines the scalar crosses (searching again from
    // each line would read the rest of the text once per line)
    let close = -1;
    for (;;) {
      if (close < i) close = t.indexOf(single ? "'" : '"', i);
      // no closing quote in the rest of the text: js-yaml's error (past this piece, the quote may close in a later one)
      if (close < 0 && this.p + 1 >= this.pieces.length) throw notPlain;
      if (close < 0) close = this.n;
      if (close < this.le) {
        if (single) {
          if (t.charCodeAt(close + 1) === 39) {
            parts.push(t.slice(from, close + 1));
            i = from = close + 2;
            continue;
          }
        } else {
          let slashes = 0;
          for (let j = close - 1; j >= from && t.charCodeAt(j) === 92; j--) slashes++;
          if (slashes % 2 === 1) {
            i = close + 1;
            continue;
          }
        }
        parts.push(t.slice(from, close));
        i = close + 1;
        break;
      }
      // the line ends inside the quotes: its trailing spaces go, then the break and any empty lines are folded
      let end = this.le;
      while (end > from && t.charCodeAt(end - 1) === SPACE) end--;
      parts.push(t.slice(from, end));
      let breaks = 1;
      const piece = this.p;
      for (;;) {
        this.nextLine();
        if (this.ls >= this.n) throw notPlain;
        this.line();
        if (this.cs < this.le) break;
        breaks++;
      }
      if (this.p !== piece) {
        // on the next piece: the quote found is not this one's
        t = this.t;
        close = -1;
      }
      if (this.cs - this.ls <= parent) throw notPlain;
      parts.push(breaks === 1 ? ' ' : '\n'.repeat(breaks - 1));
      i = from = this.cs;
      lines++;
    }
    let value = parts.length === 1 ? parts[0]! : parts.join('');
    if (!single && value.indexOf('\\') >= 0) {
      // JSON's escapes mean the same in YAML; YAML's others (\x, \U, \0, \e, \N, ...) and escapes over lines are js-yaml's
      if (lines > 1 || /\\[^"\\/bfnrtu]|\\u(?![0-9A-Fa-f]{4})/.test(value)) throw notPlain;
      value = JSON.parse(`"${value}"`) as string;
      if (UNUSUAL.test(value)) throw notPlain;
    }
    this.endOfValue(i);
    return value;
  }

  /** A `|` block scalar, `|`, `|-` or `|+`, its content more indented than `parent`. */
  private literal(p: number, parent: number): string {
    const t = this.t;
    let i = p + 1;
    let chomp = 0;
    const h = t.charCodeAt(i);
    if (h === DASH) (chomp = -1), i++;
    else if (h === 43) (chomp = 1), i++;
    while (i < this.le && t.charCodeAt(i) === SPACE) i++;
    if (i < this.le && !(t.charCodeAt(i) === HASH && t.charCodeAt(i - 1) === SPACE)) throw notPlain;
    // the lines joined as they come (V8 joins strings lazily: a description nobody reads is never copied)
    let value: string | undefined;
    let indent = -1;
    let leading = 0;
    let trailing = 0;
    this.nextLine();
    while (this.ls < this.n) {
      this.line();
      const spaces = this.cs - this.ls;
      if (this.cs >= this.le) {
        // an empty line (spaces only): inside the block once its indentation is known, and before it
        if (indent < 0) {
          if (spaces > leading) leading = spaces;
          trailing++;
        } else if (spaces > indent) {
          // spaces past the indentation are content: the line is not empty
          for (; trailing > 0; trailing--) value = value === undefined ? '' : `${value}\n`;
          value = value === undefined ? this.t.slice(this.ls + indent, this.le) : `${value}\n${this.t.slice(this.ls + indent, this.le)}`;
        } else trailing++;
        this.nextLine();
        continue;
      }
      if (indent < 0) {
        if (spaces <= parent) break;
        if (leading > spaces) throw notPlain;
        indent = spaces;
      } else if (spaces < indent) break;
      if (spaces === 0 && (this.isMarker(DASH) || this.isMarker(DOT))) break;
      for (; trailing > 0; trailing--) value = value === undefined ? '' : `${value}\n`;
      value = value === undefined ? this.t.slice(this.ls + indent, this.le) : `${value}\n${this.t.slice(this.ls + indent, this.le)}`;
      this.nextLine();
    }
    if (indent < 0) throw notPlain;
    // the last line's break, and the trailing empty lines when kept
    if (value === undefined) throw notPlain;
    if (chomp === 0) value += '\n';
    else if (chomp === 1) value += '\n'.repeat(trailing + 1);
    this.skipBlank();
    return value;
  }

  /** The implicit type (null, bool, int, float) js-yaml gives a plain scalar, or undefined for a string. */
  private resolvedType(text: string): Type | undefined {
    for (const type of this.implicit) if (type.resolve(text)) return type;
    return undefined;
  }

  /** `c`: the text's first character, given by a caller whose text is joined from lines (reading it would copy them). */
  private resolve(text: string, c = text.charCodeAt(0)): unknown {
    // a letter: a string for every implicit type, unless it may be null, true or false (in one of their spellings)
    if (((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) && ((text.length !== 4 && text.length !== 5) || !mayBeWord(text))) return text;
    const type = this.resolvedType(text);
    if (!type) return text;
    if (type.tag === 'tag:yaml.org,2002:merge') throw notPlain;
    return type.construct(text);
  }
}
