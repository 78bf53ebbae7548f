// The CronJob schedule parser the API server uses: github.com/robfig/cron/v3 ParseStandard
// (parser.go: Parse with Minute|Hour|Dom|Month|Dow|Descriptor), vendored by Kubernetes 1.31.
// Returns the parser's error text, or undefined for a valid schedule. Time zones are the
// API server's business (validateScheduleFormat rejects TZ= in the schedule on create).
import { goDurationError } from '../../../kube/go-duration.ts';

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const minutes: Bounds = { min: 0, max: 59 };
const hours: Bounds = { min: 0, max: 23 };
const dom: Bounds = { min: 1, max: 31 };
const months: Bounds = { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } };
const dow: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

class CronError extends Error {}

/** robfig/cron/v3 ParseStandard: the error message, or undefined when valid. */
export function parseStandardCron(spec: string): string | undefined {
  try {
    parse(spec);
    return undefined;
  } catch (e) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
}

function parse(spec0: string): void {
  if (spec0.length === 0) throw new CronError('empty spec string');
  let spec = spec0;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const i = spec.indexOf(' ');
    const eq = spec.indexOf('=');
    const name = i < 0 ? spec.slice(eq + 1) : spec.slice(eq + 1, i);
    if (!isTimeZone(name)) throw new CronError(`provided bad location ${name}: unknown time zone ${name}`);
    spec = i < 0 ? '' : spec.slice(i).trim();
  }
  if (spec.startsWith('@')) return parseDescriptor(spec);
  // strings.Fields: split on any run of white space.
  const fields = spec.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  getField(fields[0]!, minutes);
  getField(fields[1]!, hours);
  getField(fields[2]!, dom);
  getField(fields[3]!, months);
  getField(fields[4]!, dow);
}

function getField(field: string, r: Bounds): void {
  // strings.FieldsFunc(field, ','): empty items are dropped.
  for (const expr of field.split(',').filter(Boolean)) getRange(expr, r);
}

/** getRange on its own (robfig/cron parser_test.go TestRange): the error, or undefined. */
export function cronRangeError(expr: string, min: number, max: number): string | undefined {
  try {
    getRange(expr, { min, max });
    return undefined;
  } catch (e) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
}

function getRange(expr: string, r: Bounds): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, r.names);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  if (rangeAndStep.length === 2) {
    const step = mustParseInt(rangeAndStep[1]!);
    // "N/step" means "N-max/step".
    if (singleDigit) end = r.max;
    if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  } else if (rangeAndStep.length > 2) throw new CronError(`too many slashes: ${expr}`);
  if (start < r.min) throw new CronError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new CronError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
}

function parseIntOrName(expr: string, names?: Readonly<Record<string, number>>): number {
  const named = names?.[expr.toLowerCase()];
  if (named !== undefined) return named;
  return mustParseInt(expr);
}

function mustParseInt(expr: string): number {
  // strconv.Atoi: optional sign, decimal digits only.
  if (!/^[+-]?[0-9]+$/.test(expr)) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseDescriptor(spec: string): void {
  if (['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'].includes(spec)) return;
  const every = '@every ';
  if (spec.startsWith(every)) {
    const err = goDurationError(spec.slice(every.length));
    if (err) throw new CronError(`failed to parse duration ${spec}: ${err}`);
    return;
  }
  throw new CronError(`unrecognized descriptor: ${spec}`);
}

const zones = new Map<string, boolean>();

function isTimeZone(name: string): boolean {
  if (name === '' || name === 'UTC' || name === 'Local') return true;
  let known = zones.get(name);
  if (known === undefined) {
    // The IANA database Node ships (a formatter is costly to build: remember the answer).
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      known = true;
    } catch {
      known = false;
    }
    zones.set(name, known);
  }
  return known;
}

/** The IANA zone database Node ships; validateTimeZone (batch validation) accepts what time.LoadLocation accepts. */
export function isValidTimeZone(name: string): boolean {
  return name !== 'Local' && isTimeZone(name);
}
