// Where files mode's CPU goes per object, stage by stage, on the files-mode benchmark's corpus
// (test/corpus/real-manifests, bench/files-mode.ts), one thread, everything after a warm-up round:
//   read      FileReader.pieces of every corpus file, as files mode reads them, then FileReader.text (one string
//             per file) for comparison (the page cache warm)
//   parse     loadManifestBytes (the C++ plain-block reader from the bytes, then JSON.parse of its JSON: what files
//             mode runs first), loadManifests (kube/yaml-schema.ts: the TypeScript plain-block reader, js-yaml for the
//             rest), then js-yaml alone, then JSON.parse of the same objects written as JSON (V8's native parser: a
//             floor for any reader whose objects V8 builds from JSON)
//   schema    SchemaValidator.validate of every object (the OpenAPI schemas, CRD structural rules, CEL)
//   apiserver the API server's own checks (policies of category apiserver), one object at a time as files mode runs them
//   start-up  one checker's context (checkContext: field tree, validator, policies), as every worker thread builds it
//   a thread  checkFiles of every corpus file, the whole of what one files-mode thread does with them (its own
//             checker, the corpus's CRD files as the input's), after WARM_ROUNDS rounds: a thread's steady rate
// It prints each stage in milliseconds per object and the ceiling they set: objects per CPU-second if parsing cost
// only what JSON.parse costs, and if it cost nothing at all. Then the bound a thread's steady rate sets on this
// machine: two cores give at most two CPU-seconds a second, so no two-thread run checks more objects a second than
// twice the objects a thread checks per CPU-second once warm, start-up and warm-up left out.
//   npx tsx bench/files-mode-stages.ts [--rounds 5]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAll } from 'js-yaml';
import { kubernetesYamlSchema, loadManifestBytes, loadManifests } from '../kube/yaml-schema.ts';
import type { RenderedObject, Target } from '../kube/index.ts';
import { FileReader } from '../kube/file-reader.ts';
import { MAX_DEPTH } from '../scripts/lib/plumbing/yaml-limits.ts';
import { checkContext, checkFiles, isList } from '../scripts/lib/validate/files-check.ts';
import { crdFilesOf } from '../scripts/lib/validate/files.ts';
import { nonManifestReason, pathReasons } from '../scripts/lib/validate/files-kinds.ts';
import { defaultKubernetesVersion } from '../scripts/lib/validate/schema.ts';
import { yaml11BooleanWords } from '../scripts/lib/validate/sources.ts';

const here = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);
const corpus = join(here, 'test/corpus/real-manifests');
// the files validate checks: YAML it recognises as something else (kustomizations, Helm charts, ...) is skipped there
const yamlFiles = readdirSync(corpus, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.ya?ml$/i.test(f))
  .sort();
const skippedPaths = pathReasons(corpus, yamlFiles);
const files = yamlFiles
  .filter((f) => !skippedPaths.has(f))
  .map((f) => join(corpus, f))
  .filter((f) => !nonManifestReason(loadManifests(readFileSync(f, 'utf8'), MAX_DEPTH)));
const reader = new FileReader();
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const startUpFrom = cpuMs();
const ctx = await checkContext(defaultKubernetesVersion, false, { cwd: corpus, flags: {}, inputCrds: [] });
const startUp = cpuMs() - startUpFrom;

// next, while this process holds nothing else: the stages below keep the whole corpus parsed in memory
/**
 * Rounds of the whole corpus a thread checks before its steady rate is measured: its time per round falls for about
 * ten rounds while V8 compiles its hot code (docs/benchmarks.md, files mode, the seventeenth session).
 */
const WARM_ROUNDS = 12;
const jobs = files.map((abs) => ({ file: abs, abs, size: statSync(abs).size }));
const thread = await checkContext(defaultKubernetesVersion, false, { cwd: corpus, flags: {}, inputCrds: [] }, Promise.resolve(crdFilesOf(jobs)));
let counted = 0;
for (let r = 0; r < WARM_ROUNDS; r++) counted = (await checkFiles(jobs, reader, thread)).reduce((n, f) => n + f.objects, 0);
const threadFrom = cpuMs();
const threadRounds = Math.max(rounds, 10);
for (let r = 0; r < threadRounds; r++) await checkFiles(jobs, reader, thread);
const threadMs = (cpuMs() - threadFrom) / threadRounds / counted;

const texts = files.map((f) => reader.text(f));
const bytes = files.map((f) => readFileSync(f));

/** Documents that are objects, List items one by one, as validate counts them (files-check.ts). */
const objectsOf = (docs: unknown[]): Record<string, unknown>[] =>
  docs.flatMap((d: any) => (d === null || d === undefined ? [] : isList(d) ? d.items : [d]));
const parsed = texts.map((t) => loadManifests(t, MAX_DEPTH));
const objects = parsed.flatMap(objectsOf);
const jsonTexts = parsed.map((docs) => JSON.stringify(docs));
await ctx.validator.prepare(objects.map((o) => `${o.apiVersion}/${o.kind}`));
const target: Target = { name: 'bench', kind: 'files', path: 'bench' };

/** CPU milliseconds per object of `stage` run over the corpus, after one round of warm-up. */
function perObject(stage: () => void): number {
  stage();
  const from = cpuMs();
  for (let r = 0; r < rounds; r++) stage();
  return (cpuMs() - from) / rounds / objects.length;
}

const stages: [string, number][] = [
  ['read (FileReader.pieces, as files mode reads)', perObject(() => files.forEach((f) => reader.pieces(f)))],
  ['read whole (FileReader.text, one string per file)', perObject(() => files.forEach((f) => reader.text(f)))],
  ['parse: loadManifestBytes (C++ block reader, JSON.parse)', perObject(() => bytes.forEach((b) => loadManifestBytes(b, MAX_DEPTH, yaml11BooleanWords) ?? loadManifests(b.toString('utf8'), MAX_DEPTH)))],
  ['parse: loadManifests (block reader, js-yaml for the rest)', perObject(() => texts.forEach((t) => loadManifests(t, MAX_DEPTH)))],
  ['parse: js-yaml alone', perObject(() => texts.forEach((t) => loadAll(t, undefined, { schema: kubernetesYamlSchema, maxDepth: MAX_DEPTH })))],
  ['parse: JSON.parse of the same objects', perObject(() => jsonTexts.forEach((t) => JSON.parse(t)))],
  ['schema', perObject(() => objects.forEach((o) => ctx.validator.validate(o, defaultKubernetesVersion)))],
  ['apiserver checks', perObject(() => objects.forEach((o) => ctx.apiServerChecks([{ target, object: o, origin: 'bench', index: 0 } satisfies RenderedObject])))],
];
const stage = (name: string) => stages.find(([n]) => n.startsWith(name))![1];
if (counted !== objects.length) throw new Error(`a thread counted ${counted} objects in the corpus, the stages ${objects.length}`);


console.log(`node ${process.version}, ${availableParallelism()} cores, ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`corpus: ${files.length} YAML files, ${objects.length} objects, ${(texts.reduce((n, t) => n + t.length, 0) / 1e6).toFixed(1)} MB; ${rounds} rounds after one warm-up`);
console.log('stage | ms per object');
for (const [name, ms] of stages) console.log(`${name} | ${ms.toFixed(4)}`);
// start-up is paid once per worker thread: spread over the benchmark's 20,000 objects on two threads
const startUpPerObject = (2 * startUp) / 20_000;
console.log(`start-up of one checker | ${startUp.toFixed(0)} ms (2 threads over 20,000 objects: ${startUpPerObject.toFixed(4)} ms per object)`);
const checks = stage('read (') + stage('schema') + stage('apiserver') + startUpPerObject;
const ceiling = (parse: number) => (1000 / (checks + parse)).toFixed(0);
console.log(`ceiling, objects per CPU-second: parse as now ${ceiling(stage('parse: loadManifestBytes'))}; parse as fast as JSON.parse ${ceiling(stage('parse: JSON.parse'))}; parse free ${ceiling(0)}`);
console.log(`a thread, warm (checkFiles of the corpus, ${threadRounds} rounds after ${WARM_ROUNDS}) | ${threadMs.toFixed(4)} ms per object: ${(1000 / threadMs).toFixed(0)} objects per CPU-second`);
console.log(`bound on two cores, start-up and warm-up left out: ${((2 * 1000) / threadMs).toFixed(0)} objects/s (the files-mode goal: 10,000)`);
console.log(`load average after ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
