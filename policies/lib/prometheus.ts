// Prometheus and Alertmanager configuration as their own loaders judge it, ported from the owners'
// code so validate refuses what `promtool check rules`, `amtool check-config` and the servers'
// start-up refuse: durations (prometheus/common model/time.go ParseDuration), rule files
// (prometheus/prometheus model/rulefmt/rulefmt.go RuleGroups.Validate, Rule.Validate), the
// Alertmanager routing tree (prometheus/alertmanager config/config.go Config.UnmarshalYAML,
// Route.UnmarshalYAML, checkReceiver, checkTimeInterval) and Prometheus' duration flags
// (cmd/prometheus/main.go). Problems carry the line and column inside the file's text, so a
// finding about a ConfigMap key built from a file can name the line a person wrote.
import { createRequire } from 'node:module';
import type { Document, LineCounter, Node as YamlNode, Pair, Scalar, YAMLMap } from 'yaml';
import { containersOf, parseImage, type RenderedObject } from '../../kube/index.ts';
import type { PolicyContext } from '../types.ts';
import { parsePromql } from './rollouts.ts';

/** One problem inside a config file's text: 1-based line and column. */
export interface ConfigProblem {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

// loaded on first use, as policies/gitops/no-remote-bases.ts does: most runs judge no config file
let yaml: typeof import('yaml') | undefined;
const Y = () => (yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

// model.ParseDuration: units in this order (biggest first), each at most once.
const units: readonly (readonly [unit: string, ms: bigint])[] = [
  ['y', 365n * 24n * 3600n * 1000n],
  ['w', 7n * 24n * 3600n * 1000n],
  ['d', 24n * 3600n * 1000n],
  ['h', 3600n * 1000n],
  ['m', 60n * 1000n],
  ['s', 1000n],
  ['ms', 1n],
];
/** time.Duration is int64 nanoseconds: ParseDuration refuses a sum past it ("duration out of range", ~292 years). */
const maxNanos = (1n << 63n) - 1n;

/**
 * prometheus/common model/time.go ParseDuration: `0`, or one or more <digits><unit> with units
 * y w d h m s ms, each at most once, biggest first (`1h30m`; not `30m1h`, `1.5h`, `-1d`, `10 m`).
 * The length in milliseconds, or the error text Prometheus gives.
 */
export function parseDuration(s: string): { ms: bigint } | { error: string } {
  if (s === '0') return { ms: 0n };
  if (s === '') return { error: 'empty duration string' };
  const invalid = { error: `not a valid duration string: ${JSON.stringify(s)}` };
  let rest = s;
  let total = 0n;
  let last = -1;
  while (rest !== '') {
    const m = /^([0-9]*)([^0-9]*)/.exec(rest)!;
    if (!m[1] || !m[2]) return invalid;
    const at = units.findIndex(([u]) => u === m[2]);
    if (at < 0) return { error: `unknown unit ${JSON.stringify(m[2])} in duration ${JSON.stringify(s)}` };
    if (at <= last) return invalid;
    last = at;
    total += BigInt(m[1]) * units[at]![1];
    if (total * 1_000_000n > maxNanos) return { error: 'duration out of range' };
    rest = rest.slice(m[0].length);
  }
  return { ms: total };
}

/** A YAML scalar as Go's yaml decoders hand it to a string field (`for: 5` is "5"). */
const text = (n: unknown): string | undefined => {
  const Yaml = Y();
  return Yaml.isScalar(n) && n.value !== null && typeof n.value !== 'object' ? String(n.value) : undefined;
};

interface Parsed {
  readonly source: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

/** A config file's root mapping (undefined when it is not one), the list its problems go to and how to add one; or
 * the one problem that it does not parse. */
function openMap(source: string): { p: Parsed; root: YAMLMap | undefined; out: ConfigProblem[]; add: (message: string, node: YamlNode | null | undefined) => number } | ConfigProblem[] {
  const p = parse(source);
  if (!('doc' in p)) return [p];
  const out: ConfigProblem[] = [];
  const root = p.doc.contents;
  return { p, root: Y().isMap(root) ? (root as YAMLMap) : undefined, out, add: (message, node) => out.push({ message, ...posOf(p, node) }) };
}

function parse(source: string): Parsed | ConfigProblem {
  const Yaml = Y();
  const lines = new Yaml.LineCounter();
  const doc = Yaml.parseDocument(source, { lineCounter: lines, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const { line, col } = lines.linePos(err.pos[0]);
    return { message: `does not parse as YAML: ${err.message.split('\n')[0]}`, line, column: col };
  }
  return { source, doc, lines };
}

/** Position of a node, `offset` characters into it (the file's start for a node without a range). */
function posOf(p: Parsed, node: YamlNode | null | undefined, offset = 0): { line: number; column: number } {
  const start = node?.range?.[0] ?? 0;
  const { line, col } = p.lines.linePos(start + offset);
  return { line, column: col };
}

const pairOf = (map: YAMLMap, key: string): Pair<Scalar, YamlNode> | undefined =>
  map.items.find((i) => Y().isScalar(i.key) && (i.key as Scalar).value === key) as Pair<Scalar, YamlNode> | undefined;

/**
 * A problem at a PromQL error's offset in an `expr` value: in a literal block (`|`, `|-`) line k of the
 * value is line k after the indicator, at the block's indentation; a one-line plain or quoted value sits
 * on its own line (quotes shift it by one); other layouts fold lines, so the value's first line is named.
 */
function exprPosition(p: Parsed, node: Scalar, value: string, offset: number): { line: number; column: number } {
  const Yaml = Y();
  const before = value.slice(0, offset);
  const k = before.split('\n').length - 1;
  const col = offset - (before.lastIndexOf('\n') + 1);
  if (node.type === Yaml.Scalar.BLOCK_LITERAL) {
    const line = posOf(p, node).line + 1 + k;
    const src = p.source.split('\n')[line - 1] ?? '';
    return { line, column: src.length - src.trimStart().length + col + 1 };
  }
  if (!value.includes('\n')) {
    const quoted = node.type === Yaml.Scalar.QUOTE_DOUBLE || node.type === Yaml.Scalar.QUOTE_SINGLE ? 1 : 0;
    // escapes inside quotes shift columns; the line is exact
    return posOf(p, node, quoted + offset);
  }
  return posOf(p, node);
}

/**
 * A Prometheus rule file as rulefmt.Parse and RuleGroups.Validate judge it (what `promtool check rules`
 * and the rule manager refuse): groups with a name, unique in the file; `interval` and `query_offset`
 * durations; each rule exactly one of `alert`/`record`, an `expr` that parses as PromQL, `for` and
 * `keep_firing_for` durations and none of them (nor annotations) on a recording rule.
 * Not ported: unknown fields, label names and values, annotation templates.
 */
export function checkRuleFile(source: string): ConfigProblem[] {
  const opened = openMap(source);
  if (Array.isArray(opened)) return opened;
  const { p, root, out, add } = opened;
  const Yaml = Y();
  if (!root) return out;
  const groups = pairOf(root, 'groups')?.value;
  if (!Yaml.isSeq(groups)) return out;
  const names = new Set<string>();
  for (const g of groups.items) {
    if (!Yaml.isMap(g)) continue;
    const name = text(pairOf(g, 'name')?.value) ?? '';
    if (name === '') add('Groupname must not be empty', g);
    else if (names.has(name)) add(`groupname: "${name}" is repeated in the same file`, g);
    names.add(name);
    for (const field of ['interval', 'query_offset']) {
      const pair = pairOf(g, field);
      const v = pair && text(pair.value);
      const d = v === undefined ? undefined : parseDuration(v);
      if (d && 'error' in d) add(`group "${name}": ${field}: ${d.error}`, pair!.value);
    }
    const rules = pairOf(g, 'rules')?.value;
    if (!Yaml.isSeq(rules)) continue;
    rules.items.forEach((r, i) => {
      if (!Yaml.isMap(r)) return;
      const record = pairOf(r, 'record');
      const alert = pairOf(r, 'alert');
      const recordName = text(record?.value) ?? '';
      const alertName = text(alert?.value) ?? '';
      // rulefmt Error: `group %q, rule %d, %q: %v`
      const where = `group "${name}", rule ${i + 1}, "${alertName || recordName}"`;
      if (recordName && alertName) add(`${where}: only one of 'record' and 'alert' must be set`, record!.key);
      if (!recordName && !alertName) add(`${where}: one of 'record' or 'alert' must be set`, r);
      const exprPair = pairOf(r, 'expr');
      const expr = text(exprPair?.value) ?? '';
      if (expr === '') add(`${where}: field 'expr' must be set in rule`, exprPair?.value ?? r);
      else {
        const { error } = parsePromql(expr);
        if (error) out.push({ message: `${where}: could not parse expression at offset ${error.offset} (near ${JSON.stringify(error.near)})`, ...exprPosition(p, exprPair!.value as Scalar, expr, error.offset) });
      }
      for (const field of ['for', 'keep_firing_for']) {
        const pair = pairOf(r, field);
        const v = pair && text(pair.value);
        if (v === undefined) continue;
        const d = parseDuration(v);
        if ('error' in d) add(`${where}: ${field}: ${d.error}`, pair!.value);
        else if (recordName && d.ms !== 0n) add(`${where}: invalid field '${field}' in recording rule`, record!.key);
      }
      if (recordName && Yaml.isMap(pairOf(r, 'annotations')?.value) && (pairOf(r, 'annotations')!.value as YAMLMap).items.length)
        add(`${where}: invalid field 'annotations' in recording rule`, record!.key);
    });
  }
  return out;
}

/**
 * An Alertmanager configuration as config.Load judges it (what `amtool check-config` and Alertmanager's
 * start-up refuse): receivers named and unique ("notification config name %q is not unique"); a root
 * route with a receiver and no matchers; every route's receiver defined (checkReceiver: "undefined
 * receiver %q used in route", nested routes included) and its time intervals (checkTimeInterval);
 * `group_wait`, `group_interval`, `repeat_interval` and `global.resolve_timeout` durations, the two
 * intervals not zero (Route.UnmarshalYAML). Inhibit rules name no receiver. Not ported: receiver
 * integrations' own settings, matcher syntax, unknown fields.
 */
export function checkAlertmanagerConfig(source: string): ConfigProblem[] {
  const opened = openMap(source);
  if (Array.isArray(opened)) return opened;
  const { p, root, out, add } = opened;
  const Yaml = Y();
  if (!root) return out;
  const duration = (map: YAMLMap, field: string, notZero: boolean) => {
    const pair = pairOf(map, field);
    const v = pair && text(pair.value);
    if (v === undefined) return;
    const d = parseDuration(v);
    if ('error' in d) add(`${field}: ${d.error}`, pair!.value);
    else if (notZero && d.ms === 0n) add(`${field} cannot be zero`, pair!.value);
  };
  const global = pairOf(root, 'global')?.value;
  if (Yaml.isMap(global)) duration(global, 'resolve_timeout', false);

  const receivers = new Set<string>();
  const list = pairOf(root, 'receivers')?.value;
  for (const r of Yaml.isSeq(list) ? list.items : []) {
    if (!Yaml.isMap(r)) continue;
    const name = text(pairOf(r, 'name')?.value) ?? '';
    if (name === '') add('missing name in receiver', r);
    else if (receivers.has(name)) add(`notification config name "${name}" is not unique`, pairOf(r, 'name')!.value);
    receivers.add(name);
  }
  const intervals = new Set<string>();
  for (const field of ['mute_time_intervals', 'time_intervals']) {
    const seq = pairOf(root, field)?.value;
    for (const t of Yaml.isSeq(seq) ? seq.items : []) if (Yaml.isMap(t)) intervals.add(text(pairOf(t, 'name')?.value) ?? '');
  }

  const route = pairOf(root, 'route');
  if (!route || !Yaml.isMap(route.value)) {
    add('no routes provided', route?.key ?? root);
    return out;
  }
  const top = route.value;
  if (!text(pairOf(top, 'receiver')?.value)) add('root route must specify a default receiver', route.key);
  for (const m of ['match', 'match_re', 'matchers']) if (pairOf(top, m)) add('root route must not have any matchers', pairOf(top, m)!.key);
  const walk = (r: YAMLMap) => {
    const receiver = pairOf(r, 'receiver');
    const name = text(receiver?.value);
    if (name && !receivers.has(name)) add(`undefined receiver "${name}" used in route`, receiver!.value);
    for (const field of ['mute_time_intervals', 'active_time_intervals']) {
      const seq = pairOf(r, field)?.value;
      for (const t of Yaml.isSeq(seq) ? seq.items : []) {
        const ti = text(t);
        if (ti !== undefined && !intervals.has(ti)) add(`undefined time interval "${ti}" used in route`, t as YamlNode);
      }
    }
    duration(r, 'group_wait', false);
    duration(r, 'group_interval', true);
    duration(r, 'repeat_interval', true);
    const routes = pairOf(r, 'routes')?.value;
    for (const sub of Yaml.isSeq(routes) ? routes.items : []) if (Yaml.isMap(sub)) walk(sub);
  };
  walk(top);
  return out;
}

/**
 * Prometheus flags of type model.Duration (cmd/prometheus/main.go `SetValue(&…)` on a model.Duration):
 * kingpin parses them with ParseDuration and Prometheus exits before it starts. Checked against the
 * Debian prometheus 2.42 binary, which answers `not a valid duration string` for each.
 */
export const durationFlags: ReadonlySet<string> = new Set([
  'storage.tsdb.retention',
  'storage.tsdb.retention.time',
  'storage.tsdb.min-block-duration',
  'storage.tsdb.max-block-duration',
  'storage.agent.retention.min-time',
  'storage.agent.retention.max-time',
  'storage.remote.flush-deadline',
  'rules.alert.for-outage-tolerance',
  'rules.alert.for-grace-period',
  'rules.alert.resend-delay',
  'query.lookback-delta',
  'query.timeout',
  'scrape.discovery-reload-interval',
  'web.read-timeout',
]);

/** Duration flags in a Prometheus container's arguments (`--flag=value`, or `--flag` then `value`) that do not parse. */
export function checkDurationFlags(args: readonly unknown[]): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = [];
  args.forEach((a, i) => {
    if (typeof a !== 'string') return;
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(a);
    if (!m || !durationFlags.has(m[1]!)) return;
    const [value, at] = m[2] !== undefined ? [m[2], i] : [args[i + 1], i + 1];
    if (typeof value !== 'string') return;
    const d = parseDuration(value);
    if ('error' in d) out.push({ index: at, message: `--${m[1]}: ${d.error}` });
  });
  return out;
}

/** The program a container runs, by its image's last path segment (`quay.io/prometheus/alertmanager` → `alertmanager`). */
export const programOf = (image: unknown): string | undefined =>
  typeof image === 'string' ? parseImage(image).repository.split('/').pop() : undefined;

/**
 * Does a pod near this ConfigMap mount it (a configMap volume or projected source) into a pod with a
 * `program` container? Only what Prometheus or Alertmanager read is judged as their configuration.
 */
export function mountedBy(cm: RenderedObject, ctx: PolicyContext, program: string): boolean {
  const name = cm.object.metadata?.name;
  return ctx.index.workloadsNear(cm).some(
    ({ template }) =>
      (template.spec.volumes ?? []).some((v: any) => v?.configMap?.name === name || (v?.projected?.sources ?? []).some((s: any) => s?.configMap?.name === name)) &&
      containersOf(template, { init: false }).some((c) => programOf(c.container.image) === program),
  );
}
