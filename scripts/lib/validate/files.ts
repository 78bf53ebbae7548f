// Files mode (kubeconform-style): validate manifest files or folders as they are,
// without kustomize (vendored third-party YAML, a user's own manifests, `-` for standard input).
// Each file is parsed once (files-check.ts); large inputs are spread over this thread and worker threads, one thread a core (files-pool.ts).
// The modules loaded before the pool starts are few and small: the checker and the rest are imported once the workers
// have been started, while they boot.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { relative, resolve } from 'node:path';
import type { Finding, RenderedObject } from '../../../kube/index.ts';
import { contentHash } from '../plumbing/cache.ts';
import { FileReader } from '../../../kube/file-reader.ts';
import { filesUnder, MAX_WALK_ENTRIES, WALK_SKIPS, walkTooLarge, WalkTooLarge } from '../plumbing/files.ts';
import type { FileResult } from './files-check.ts';
import { loadFieldTree } from './field-tree.ts';
import { FilesPool, type Job } from './files-pool.ts';
import type { ValidateResult } from './pipeline.ts';
import { ensureCelBundle } from '../../../policies/lib/cel-bundle.ts';
import { ensureSchemaBundle } from './schema-bundle.ts';
import type { SchemaFlags, SchemaSpec } from './schema-sources.ts';
import { defaultKubernetesVersion, UsageError } from './usage.ts';
import scanner from '@marquee/files-scan-native';

/**
 * Larger files get a finding instead of a parse, so memory stays bounded (a parsed file takes
 * several times its size); the API server itself takes at most 3 MiB a request.
 */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The bytes of distinct CRD files crdFilesOf keeps to compare copies with; past them it compares digests. */
const CRD_COPIES_BYTES = 64 * 1024 * 1024;

/**
 * Below this many bytes in all, one thread checks at least as fast as a pool and with much less CPU: a worker's start
 * (its modules, its checker, the compiler warming up on it) and the threads' contention for the cores cost more than
 * the worker saves, while V8's own helper threads (compiler, garbage collector) already use another core. Set below
 * the crossover measured on two cores, since with more cores the pool gains sooner (docs/benchmarks.md, files mode).
 */
export const POOL_MIN_BYTES = 64 * 1024 * 1024;

/** The name findings carry for `-`. */
export const STDIN_NAME = '<stdin>';

export interface FilesOptions {
  /** threads to check on (1: this thread alone); @default one per core for large inputs */
  readonly workers?: number;
  /** check in this thread and return the objects read in `rendered` (the CLI never reads them: it keeps none) */
  readonly keepObjects?: boolean;
  /** where `-` reads from. @default standard input */
  readonly stdin?: () => string;
  /** @default MAX_FILE_BYTES */
  readonly maxFileBytes?: number;
  /** --crd, --skip-kind, --ignore-missing-schemas */
  readonly schema?: SchemaFlags;
  /**
   * Worker threads already booting (earlyPool): used when the listing says the input wants as many, else closed.
   * The caller closes it too, whatever happens here.
   */
  readonly pool?: FilesPool;
}

/**
 * Worker threads for a files-mode run, started before its input is listed, when it is large (POOL_MIN_BYTES, as
 * validateFiles judges it): a worker's start-up (a thread's modules and checker) then overlaps the main thread's
 * listing. Known from the C++ walk cut short once it has seen that many bytes (a small part of a large input's walk;
 * a small folder is walked whole, and again by the listing). Without the scanner, none: the listing decides.
 * validateFiles keeps them when its own count agrees (it always does, but for a folder named twice, or files changing
 * meanwhile) and closes them otherwise.
 */
export function earlyPool(root: string, paths: readonly string[], kubernetesVersion = defaultKubernetesVersion): FilesPool | undefined {
  const cores = availableParallelism();
  if (cores < 2 || !scanner) return undefined;
  let bytes = 0;
  for (const p of paths) {
    if (p === '-') continue;
    const abs = resolve(root, p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      return undefined; // the listing says why
    }
    if (st.isDirectory()) {
      const walked = scanner.list(abs, [...WALK_SKIPS], MANIFEST_SUFFIXES, MAX_WALK_ENTRIES, POOL_MIN_BYTES - bytes, MAX_FILE_BYTES);
      if (walked.tooLarge) return undefined;
      for (const size of walked.sizes) if (size >= 0 && size <= MAX_FILE_BYTES) bytes += size;
    } else if (st.size <= MAX_FILE_BYTES) bytes += st.size;
    if (bytes >= POOL_MIN_BYTES) return new FilesPool(cores - 1, kubernetesVersion);
  }
  return undefined;
}

/** kubeconform-style: validate arbitrary manifest files or folders (vendored third-party YAML). */
export async function validateFiles(root: string, paths: readonly string[], kubernetesVersion = defaultKubernetesVersion, opts: FilesOptions = {}): Promise<ValidateResult> {
  const started = performance.now();
  // VALIDATE_TIMINGS: each stage's ms, as the repository pipeline gives them (startup: node's boot and the imports).
  // The CRD search and this thread's checker run beside the checking, so each counts from the listing's end.
  const timings: Record<string, number> = { startup: Math.round(started), listed: 0, crds: 0, ready: 0, checked: 0, reported: 0 };
  let last = started;
  const mark = (stage: string) => {
    const now = performance.now();
    timings[stage] = Math.round(now - last);
    last = now;
  };
  const since = (stage: string, from: number) => (timings[stage] = Math.round(performance.now() - from));
  /** each file's name in findings (relative to root) → its absolute path and size (-1: not known yet) */
  const listed = new Map<string, { abs: string; size: number }>();
  let stdin: string | undefined;
  for (const p of paths) {
    if (p === '-') {
      stdin ??= (opts.stdin ?? (() => readFileSync(0, 'utf8')))();
      continue;
    }
    const abs = resolve(root, p);
    if (!existsSync(abs)) throw new UsageError(`${p}: no such file or directory`);
    const rel = relative(root, abs) || '.';
    if (statSync(abs).isDirectory()) {
      let under;
      try {
        under = manifestsUnder(abs);
      } catch (err) {
        if (err instanceof WalkTooLarge) throw new UsageError(err.message);
        throw err;
      }
      // the walk's paths are already normal (no `.`, `..` or doubled `/`): joined, not resolved one by one
      for (let i = 0; i < under.files.length; i++) {
        const f = under.files[i]!;
        listed.set(rel === '.' ? f : `${rel}/${f}`, { abs: `${abs === '/' ? '' : abs}/${f}`, size: under.sizes[i]! });
      }
    } else listed.set(rel, { abs, size: -1 });
  }
  const unique = [...listed.keys()];
  const entries = [...listed.values()];
  const abs = entries.map((e) => e.abs);
  // the sizes the walk did not give (files named on the command line) at once (the C++ scanner: a stat each, none of
  // statSync's objects); a path it could not stat is stat'ed again here, to fail as statSync says
  const unknown = entries.flatMap((e, i) => (e.size < 0 ? [i] : []));
  const found = unknown.length ? scanner?.sizes(unknown.map((i) => abs[i]!)) : undefined;
  const sizes = Float64Array.from(entries, (e) => e.size);
  unknown.forEach((i, k) => (sizes[i] = found?.[k] ?? -1));
  const limit = opts.maxFileBytes ?? MAX_FILE_BYTES;
  let bytes = 0;
  for (let i = 0; i < abs.length; i++) {
    if (sizes[i]! < 0) sizes[i] = statSync(abs[i]!).size;
    if (sizes[i]! <= limit) bytes += sizes[i]!;
  }
  // the compiled schemas and the CEL evaluator bundled, if this install has no bundles yet: before any thread loads them
  await Promise.all([ensureSchemaBundle(() => loadFieldTree()), ensureCelBundle()]);
  // Workers start loading the checker now (unless earlyPool started them already), while this thread finishes the
  // listing and starts the search for the input's CRDs (kube-prometheus's setup/ beside its manifests), which serve
  // their kinds.
  const workers = opts.keepObjects ? 1 : Math.max(1, opts.workers ?? (bytes >= POOL_MIN_BYTES ? availableParallelism() : 1));
  // this thread checks too: one worker thread fewer than threads in all
  const wanted = workers > 1 && unique.length > 1 ? Math.min(workers, unique.length) - 1 : 0;
  let pool = opts.pool;
  /** a pool of the wrong size, ending while this one checks: awaited before validateFiles returns, as the pool used is */
  let discarded: Promise<void> | undefined;
  if (pool && pool.size !== wanted) {
    discarded = pool.close().catch(() => undefined);
    pool = undefined;
  }
  pool ??= wanted ? new FilesPool(wanted, kubernetesVersion) : undefined;
  let results: FileResult[];
  const findings: Finding[] = [];
  let skipped: Map<string, string>;
  try {
    const { pathReasons } = await import('./files-kinds.ts');
    skipped = pathReasons(root, unique);
    const jobs: (Job & { size: number })[] = [];
    for (let i = 0; i < unique.length; i++) {
      const file = unique[i]!;
      if (skipped.has(file)) continue;
      const size = sizes[i]!;
      if (size > limit) {
        findings.push({ rule: 'yaml/syntax', severity: 'error', file, message: `file of ${size} bytes is larger than files mode reads (${limit} bytes)`, hint: 'split it; the API server refuses requests over 3 MiB anyway' });
        continue;
      }
      jobs.push({ file, abs: abs[i]!, size, likelyCrd: likelyCrd(file, size) });
    }
    mark('listed');

    // The input's CRD files: found by the C++ scanner on a thread of libuv's pool while this thread loads its checker
    // and the threads check (a file with a kind a CRD may serve waits for them), else here and now.
    const inputCrds = inputCrdsOf(jobs);
    const listedAt = last;
    void inputCrds.then(() => since('crds', listedAt), () => undefined);
    const [{ checkContext, checkFiles, checkText }, { schemaSources }] = await Promise.all([import('./files-check.ts'), import('./schema-sources.ts')]);
    const flags = opts.schema ?? {};
    // the flags' usage errors come before any file is checked
    schemaSources(root, flags, []);
    const spec: SchemaSpec = { cwd: root, flags, inputCrds: [] };
    // this thread's checker: for its share of the pool's batches, or for every file; then for standard input
    const ctx = checkContext(kubernetesVersion, opts.keepObjects, spec, inputCrds);
    void ctx.then(() => since('ready', listedAt), () => undefined);
    // a failed search for the CRD files (a file that cannot be read) is the error, not the checks it leaves waiting
    [results] = await Promise.all([pool ? pool.check(jobs, spec, ctx, inputCrds) : ctx.then((c) => checkFiles(jobs, new FileReader(), c)), inputCrds]);
    if (stdin !== undefined) results.push(await checkText(STDIN_NAME, stdin, await ctx));
    mark('checked');
  } catch (err) {
    await Promise.all([pool?.close(), discarded]);
    throw err;
  }
  // the worker threads end (each tears its isolate down on its own thread) while this one reports
  const closing = Promise.all([pool?.close(), discarded]);
  try {
    const rendered: RenderedObject[] = [];
    const targets: string[] = [];
    let objects = 0;
    for (const r of results) {
      if (r.skipped) {
        skipped.set(r.file, r.skipped);
        continue;
      }
      targets.push(r.file);
      objects += r.objects;
      findings.push(...r.findings);
      for (const o of r.rendered ?? []) rendered.push({ ...o, index: rendered.length });
    }
    const { byWhere, dedupe, summarize } = await import('./findings.ts');
    const kept = dedupe(findings).sort(byWhere);
    const summary = { ...summarize(kept, targets.map((name) => ({ name, kind: 'files' as const, path: name })), objects, started), unit: 'files' };
    mark('reported');
    return { findings: kept, summary, targets, rendered, notes: skippedNotes(skipped), timings };
  } finally {
    await closing;
  }
}

/** Names of the files files mode reads in a folder (any name given on the command line is read). */
const MANIFEST_SUFFIXES = ['.yaml', '.yml', '.json'];

/**
 * The YAML and JSON files below `abs` (relative paths, sorted as filesUnder sorts them) and their sizes: the C++
 * scanner's walk, which stats each as it lists it, where it is built (the same files as filesUnder: test/scripts/validate/files-scan.test.ts),
 * else filesUnder's, the sizes left to be found (-1). Past MAX_WALK_ENTRIES entries, WalkTooLarge.
 */
function manifestsUnder(abs: string): { files: readonly string[]; sizes: ArrayLike<number> } {
  const walked = scanner?.list(abs, [...WALK_SKIPS], MANIFEST_SUFFIXES, MAX_WALK_ENTRIES);
  if (walked?.tooLarge) throw walkTooLarge(abs);
  if (walked) {
    const order = walked.files.map((_, i) => i).sort((a, b) => (walked.files[a]! < walked.files[b]! ? -1 : walked.files[a]! > walked.files[b]! ? 1 : 0));
    return { files: order.map((i) => walked.files[i]!), sizes: order.map((i) => walked.sizes[i]!) };
  }
  const files = filesUnder(abs).filter((f) => MANIFEST_SUFFIXES.some((s) => f.toLowerCase().endsWith(s)));
  return { files, sizes: files.map(() => -1) };
}

/** crdFilesOf, by the C++ scanner where it is built (the same answer: test/scripts/validate/files-scan.test.ts). */
async function inputCrdsOf(jobs: readonly (Job & { size: number })[]): Promise<string[]> {
  const found = scanner && (await scanner.lastCopiesHolding(jobs.map((j) => j.abs), Float64Array.from(jobs, (j) => j.size), CRD_MARK, CRD_COPIES_BYTES));
  // null: a file it could not read; crdFilesOf reads them again and fails as the reads do
  return found ? Array.from(found, (i) => jobs[i]!.abs) : crdFilesOf(jobs);
}

/**
 * A guess, from its path and size alone, that a file holds a CustomResourceDefinition (a CRD's file is named for it,
 * or is one of the largest: CRDs are the longest documents of most inputs). It only orders the pool's work
 * (files-pool.ts batchesOf); the checks and their findings never depend on it.
 */
const likelyCrd = (file: string, size: number): boolean => size >= LARGE_FILE_BYTES || /crd|customresourcedefinition/i.test(file);
const LARGE_FILE_BYTES = 256 * 1024;

/** What a file holding a CustomResourceDefinition holds, whatever else it does. */
const CRD_MARK = 'CustomResourceDefinition';

/**
 * The input files that hold a CustomResourceDefinition (bytes searched, not decoded; the input's CRDs are parsed where
 * the checking happens, by each thread that meets a kind a CRD may serve: byte-identical copies define the same CRDs,
 * so only the last copy is kept, the one whose CRDs won when every copy was added in order). Copies are found by
 * comparing bytes with the files of the same size kept so far (memcmp: faster than hashing every file), up to
 * CRD_COPIES_BYTES of them; past that a content's SHA-1 is kept instead, so memory stays bounded. One FileReader
 * serves every read: a new buffer per file stays allocated until this thread collects garbage, which it hardly does
 * while the workers run.
 */
export function crdFilesOf(jobs: readonly (Job & { size: number })[], budget = CRD_COPIES_BYTES): string[] {
  /** a distinct content (its bytes, or past the budget its digest) and the last file that holds it */
  type Content = { readonly bytes?: Buffer; readonly digest?: string; abs: string };
  const order = new Set<Content>();
  const bySize = new Map<number, Content[]>();
  const reader = new FileReader();
  let keptBytes = 0;
  for (const j of jobs) {
    const bytes = reader.bytes(j.abs, j.size);
    if (!bytes.includes(CRD_MARK)) continue;
    const same = bySize.get(bytes.length) ?? [];
    let digest: string | undefined;
    let entry = same.find((e) => (e.bytes ? e.bytes.equals(bytes) : e.digest === (digest ??= contentHash(bytes))));
    if (entry) order.delete(entry);
    else {
      const keep = keptBytes + bytes.length <= budget;
      entry = keep ? { bytes: Buffer.from(bytes), abs: j.abs } : { digest: digest ?? contentHash(bytes), abs: j.abs };
      if (keep) keptBytes += bytes.length;
      same.push(entry);
      bySize.set(bytes.length, same);
    }
    entry.abs = j.abs;
    order.add(entry);
  }
  return [...order].map((e) => e.abs);
}

/** One note per reason, naming a few of the files: what was not validated, and why. */
function skippedNotes(skipped: ReadonlyMap<string, string>): string[] {
  const byReason = new Map<string, string[]>();
  for (const [file, reason] of [...skipped].sort(([a], [b]) => a.localeCompare(b))) byReason.set(reason, [...(byReason.get(reason) ?? []), file]);
  return [...byReason].map(([reason, list]) => `skipped ${list.length === 1 ? list[0] : `${list.length} files (${list.slice(0, 3).join(', ')}${list.length > 3 ? ', …' : ''})`}: ${reason}`);
}
