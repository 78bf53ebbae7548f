// Where a JSON text goes wrong, as a line and column. JSON.parse says it only sometimes (an
// offset in some messages, none in others, the wording changes between Node versions), so a
// text it refuses is scanned once more by the RFC 8259 grammar below, which stops at the
// first character that cannot continue a JSON text and says what was expected there.
import type { Finding } from '../../../kube/index.ts';

export interface JsonSyntaxError {
  /** offset of the offending character in the text (its length: the input ended too soon) */
  readonly offset: number;
  readonly message: string;
}

class Stop {
  constructor(readonly offset: number, readonly message: string) {}
}

/** Nesting the scanner follows before it gives up on a position (it recurses once per level). */
const SCAN_DEPTH = 5000;

/** The first syntax error of a JSON text, or undefined when it is valid (or nests past what the scanner follows). */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const stop = (message: string, at = i): never => {
    throw new Stop(at, at >= text.length ? `the text ends too soon: ${message}` : message);
  };
  let comma = -1;
  const space = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) stop('a string is not closed (")');
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) stop(c === 0x0a ? 'a line break inside a string: write \\n, or close the string (")' : 'a control character (a tab?) inside a string: write it escaped (\\t)');
      if (c === 0x5c) {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) stop('\\u must be followed by four hex digits');
          i += 5;
        } else if (text[i] !== undefined && '"\\/bfnrt'.includes(text[i]!)) i++;
        else stop(`\\${text[i] ?? ''} is not a JSON escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)`);
      } else i++;
    }
  };
  const number = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const value = (depth: number): void => {
    if (depth > SCAN_DEPTH) throw new Stop(-1, '');
    space();
    const c = text[i];
    if (c === undefined) return stop('a value is missing');
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) return void i++;
      for (;;) {
        space();
        if (c === '{') {
          if (text[i] !== '"') text[i] === close ? stop(`a comma before ${close}: JSON allows no trailing comma`, comma) : stop('expected a property name in double quotes');
          string();
          space();
          if (text[i] !== ':') stop("expected ':' after the property name");
          i++;
        } else if (text[i] === close) stop(`a comma before ${close}: JSON allows no trailing comma`, comma);
        value(depth + 1);
        space();
        if (text[i] === ',') {
          comma = i++;
          continue;
        }
        if (text[i] === close) return void i++;
        stop(`expected ',' or '${close}' after ${c === '{' ? 'a property value' : 'an array element'}`);
      }
    }
    if (c === '"') return string();
    number.lastIndex = i;
    if (number.test(text)) {
      i = number.lastIndex;
      return;
    }
    for (const word of ['true', 'false', 'null'])
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    stop(c === "'" ? 'strings are in double quotes in JSON' : `unexpected ${JSON.stringify(c)}: expected a value (object, array, string, number, true, false or null)`);
  };
  try {
    value(0);
    space();
    if (i < text.length) stop('more text after the JSON value (one file holds one value)');
    return undefined;
  } catch (err) {
    if (err instanceof Stop) return err.offset < 0 ? undefined : { offset: err.offset, message: err.message };
    throw err;
  }
}

/**
 * Keys a JSON object holds twice, compared once decoded ("\u0079" is "y"), each at the offset of its
 * second (third…) occurrence. JSON.parse keeps the last value without a word; kubectl's strict decoding
 * refuses the file. For a text JSON.parse accepted: it follows strings and brackets only.
 */
export function jsonDuplicateKeys(text: string): { offset: number; key: string }[] {
  const out: { offset: number; key: string }[] = [];
  const open: (Set<string> | undefined)[] = []; // per open bracket: an object's keys so far, undefined for an array
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      let escaped = false;
      for (i++; text.charCodeAt(i) !== 0x22; i++)
        if (text.charCodeAt(i) === 0x5c) {
          escaped = true;
          i++;
        }
      if (!keyNext) continue;
      keyNext = false;
      const key: string = escaped ? JSON.parse(text.slice(start, i + 1)) : text.slice(start + 1, i);
      const keys = open[open.length - 1]!;
      if (keys.has(key)) out.push({ offset: start, key });
      else keys.add(key);
    } else if (c === 0x7b) {
      open.push(new Set());
      keyNext = true;
    } else if (c === 0x5b) open.push(undefined);
    else if (c === 0x7d || c === 0x5d) {
      open.pop();
      keyNext = false;
    } else if (c === 0x2c) keyNext = open[open.length - 1] !== undefined;
  }
  return out;
}

/** 1-based line and column of an offset in a text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let n = text.indexOf('\n'); n >= 0 && n < offset; n = text.indexOf('\n', n + 1)) {
    line++;
    start = n + 1;
  }
  return { line, column: offset - start + 1 };
}

/** The offset of the first `{` or `[` that opens a level deeper than `max` (the root is level 0), outside strings. */
export function jsonTooDeepAt(text: string, max: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[') {
      if (++depth > max + 1) return i;
    } else if (c === '}' || c === ']') depth--;
  }
  return undefined;
}

/** The finding for a .json file JSON.parse refused: file, line, column and what is wrong there. */
export function jsonSyntaxFinding(file: string, text: string, parseError: Error): Finding {
  const found = jsonSyntaxError(text);
  const at = found ? lineColumn(text, found.offset) : undefined;
  return {
    rule: 'yaml/syntax',
    severity: 'error',
    file,
    ...(at ? { line: at.line, column: at.column } : {}),
    message: `invalid JSON: ${found?.message ?? parseError.message}`,
    hint: 'fix the JSON syntax (commas, double quotes, brackets)',
  };
}
