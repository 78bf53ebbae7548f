// The ceiling a JavaScript YAML parser sets on files mode: parse only (no schema, no policies, no
// lines), one thread, the YAML files of test/corpus/real-manifests (the files-mode benchmark's
// corpus, bench/files-mode.ts) read into memory once, then parsed --rounds times by each parser:
// loadManifests as every reader of objects calls it (kube/yaml-schema.ts: the plain-block reader of
// kube/yaml-block.ts, js-yaml for what it leaves), js-yaml 4 alone (loadManifests until 2026-12-06),
// the `yaml` library's documents (what gives validate its lines), and V8's JSON.parse of the same
// objects written as JSON (a floor, not a YAML parser). (js-yaml 5, read by repository mode until
// 2026-12-06, is no longer installed; its figures are in docs/benchmarks.md.)
// Objects per CPU-second (this thread's user + sys) and MB of YAML per CPU-second; the first round
// warms the JIT and is not counted. --fresh reads the files again before each round (not timed), so every
// round parses new strings as files mode does; without it the same strings are parsed every round.
//   npx tsx bench/yaml-parse.ts [--rounds 5] [--only loadManifests] [--fresh]
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAll } from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { kubernetesYamlSchema, loadManifests } from '../kube/yaml-schema.ts';
import { MAX_DEPTH } from '../scripts/lib/plumbing/yaml-limits.ts';
import { isList } from '../scripts/lib/validate/files-check.ts';

const here = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, only: { type: 'string' }, fresh: { type: 'boolean', default: false } } });
const corpus = join(here, 'test/corpus/real-manifests');
const files = readdirSync(corpus, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.ya?ml$/i.test(f))
  .sort()
  .map((f) => join(corpus, f));
const texts = files.map((f) => readFileSync(f, 'utf8'));
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);

const asJson = texts.map((t) => JSON.stringify(loadManifests(t, MAX_DEPTH)));
const parsers: Record<string, (text: string, i: number) => unknown[]> = {
  loadManifests: (text) => loadManifests(text, MAX_DEPTH),
  'js-yaml-4': (text) => loadAll(text, undefined, { schema: kubernetesYamlSchema, maxDepth: MAX_DEPTH }),
  yaml: (text) => parseAllDocuments(text).map((d) => d.toJS()),
  'JSON.parse': (_text, i) => JSON.parse(asJson[i]!) as unknown[],
};

/** Documents that are objects, List items counted one by one (as validate counts them). */
const count = (docs: unknown[]): number =>
  docs.reduce<number>((n, d: any) => n + (d === null || d === undefined ? 0 : isList(d) ? d.items.length : 1), 0);

console.log(`node ${process.version}, ${availableParallelism()} cores, ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`corpus: ${texts.length} YAML files, ${(bytes / 1e6).toFixed(1)} MB; ${values.rounds} rounds after one warm-up`);
console.log('parser | objects per round | CPU s | objects per CPU-second | MB per CPU-second');
for (const [name, parse] of Object.entries(parsers)) {
  if (values.only && values.only !== name) continue;
  let objects = 0;
  texts.forEach((t, i) => (objects += count(parse(t, i))));
  const rounds = Number(values.rounds);
  let cpu = 0;
  for (let r = 0; r < rounds; r++) {
    const round = values.fresh ? files.map((f) => readFileSync(f, 'utf8')) : texts;
    const before = process.cpuUsage();
    round.forEach(parse);
    const used = process.cpuUsage(before);
    cpu += (used.user + used.system) / 1e6;
  }
  console.log(`${name} | ${objects} | ${cpu.toFixed(2)} | ${((objects * rounds) / cpu).toFixed(0)} | ${((bytes * rounds) / 1e6 / cpu).toFixed(1)}`);
}
console.log(`load average after ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
