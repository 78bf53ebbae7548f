// The validate pipeline, in one process: sources (YAML, kustomizations) →
// drift → kustomize (parallel) → strict schema → environment contract →
// policies → Argo CD ApplicationSets → (optional) branches. Library code; the
// CLI is scripts/validate.ts.
import { join, resolve } from 'node:path';
import { environments, type EnvName } from '../../../generators/environments.ts';
import { objectRef, type Finding, type RenderedObject, type Target } from '../../../kube/index.ts';
import { checkWorkingTree } from '../argocd/check.ts'; // not the index: preview.ts loads inside the step
import { checkedTargets, defaultTargets, kustomizationTree, noOpFindings, renderFindings, renderTargets, saveNoOpCache, type RenderOptions, type RenderResult } from '../kustomize/index.ts';
import { filesUnder } from '../plumbing/files.ts';
import { driftFindings } from './drift.ts';
import { ensureCelBundle } from '../../../policies/lib/cel-bundle.ts';
import { ensureSchemaBundle } from './schema-bundle.ts';
import { loadFieldTree } from './field-tree.ts';
import { saveLocationCache, SourceLocator } from './locate.ts';
import { refine, summarize } from './findings.ts';
import type { Summary } from './output.ts';
import { cachedSchemaFindings } from './schema-findings.ts';
import { clearParsedYaml, kustomizationFindings, saveSourcesCache, unreadableSource, yamlFindings } from './sources.ts';
import { UsageError } from './usage.ts';
import { immutableFindings, renderBranches } from './immutable.ts';
import { contentHash, KeyedCache } from '../plumbing/cache.ts';

/** Repository-file policies are pure functions of a file's text and of the policies' code: remembered between runs. */
const repoPolicyCache = new KeyedCache<any[]>('repo-policies.json', new URL('../../../policies/index.ts', import.meta.url).href);
const repoPolicyMemo = <T,>(file: string, text: string, fn: () => T[]): T[] => repoPolicyCache.memo(`${file}:${contentHash(text)}`, fn) as T[];

export interface RepoOptions {
  readonly root: string;
  /** Only these environments (and the platform overlays of their clusters). */
  readonly envs?: readonly string[];
  /** Check ancestry main ⊆ release ⊆ develop and list commits waiting for promotion. */
  readonly branches?: boolean;
  /** Skip the Argo CD ApplicationSet preview check (it renders every Application path). @default false */
  readonly skipAppSets?: boolean;
  /** Reuse renders whose inputs are unchanged (content-hash cache). @default true */
  readonly cache?: boolean;
  /** Compare immutable fields with what each environment's branch renders. @default true */
  readonly immutable?: boolean;
}

export interface ValidateResult {
  readonly findings: Finding[];
  readonly summary: Summary;
  readonly targets: string[];
  readonly rendered: RenderedObject[];
  /** Extra lines for humans (commits waiting for promotion). */
  readonly notes: string[];
  /** Milliseconds per step (sources, drift, render, schema, policies, argocd, branches). */
  readonly timings: Record<string, number>;
  /** With `branches`: per environment, its branch, commit, paths and commits waiting, hotfixes (gitflow/branches.ts branchesJson). */
  readonly branches?: unknown;
}

/** Optional steps provided by other modules; absent modules are skipped (and said so in notes). */
export async function validateRepo(opts: RepoOptions): Promise<ValidateResult> {
  const started = performance.now();
  clearParsedYaml();
  const root = resolve(opts.root);
  const unknownEnv = opts.envs?.find((e) => !(e in environments));
  if (unknownEnv) throw new UsageError(`--env ${unknownEnv}: unknown environment (known: ${Object.keys(environments).join(', ')})`);
  const clustersOf = new Set(opts.envs?.map((e) => environments[e as EnvName].cluster));
  const targets = defaultTargets(root).filter(
    (t) =>
      !opts.envs?.length ||
      (t.env && opts.envs.includes(t.env)) ||
      (t.kind === 'platform' && clustersOf.has(t.cluster!)) ||
      (t.kind === 'preview' && opts.envs.includes('dev')),
  );

  // performance.now() counts from process start: `startup` is node's boot and the imports.
  const timings: Record<string, number> = { startup: Math.round(started) };
  let mark = performance.now();
  const lap = (step: string) => {
    const now = performance.now();
    timings[step] = Math.round(now - mark);
    mark = now;
  };
  // kustomize runs in its own processes while this one checks sources and drift;
  // renders of targets whose sources turn out broken are dropped below.
  // One kustomization walk for the cache keys, the renders and the broken-include check below.
  const includes: NonNullable<RenderOptions['includes']> = new Map();
  // Hand-written YAML (and JSON: patches, resources, generator files) only: generated files
  // (base/, argocd/) are covered byte-for-byte by the drift step.
  const sourceFiles = filesUnder(join(root, 'overlays')).filter((f) => /\.(ya?ml|json)$/i.test(f)).map((f) => join('overlays', f));
  // kustomize takes minutes to refuse an alias bomb in a patch: a target whose sources hold one
  // (or binary bytes, or thousands of nesting levels) is not rendered; step 1 reports the line.
  const unreadable = sourceFiles.filter((f) => unreadableSource(root, f));
  const toRender = unreadable.length ? targets.filter((t) => !kustomizationTree(root, t.path, includes).dirs.some((d) => unreadable.some((f) => f.startsWith(`${d}/`)))) : targets;
  const renderPromise = renderTargets(root, toRender, { cache: opts.cache ?? true, includes });
  renderPromise.catch(() => {}); // awaited below; no unhandled-rejection warning meanwhile
  // What the branch each environment and platform overlay is synced from renders (cached by its tree): the base of the immutable-field check.
  const branchRenders = opts.immutable === false ? undefined : renderBranches(root, targets);
  branchRenders?.catch(() => {});

  // 1. Sources: every YAML file people or generators wrote, and every kustomization they include.
  const findings: Finding[] = sourceFiles.flatMap((f) => yamlFindings(root, f));
  const walked = new Set<string>(); // bases are shared by many targets: each directory is checked once
  for (const t of targets) findings.push(...kustomizationFindings(root, t.path, walked));
  const policyModule = await import('../../../policies/index.ts');
  findings.push(...policyModule.checkKustomizations(root, repoPolicyMemo));
  repoPolicyCache.save();
  saveSourcesCache();
  // A target whose files, or the files of a kustomization it includes (preview includes
  // dev's), are broken is not rendered: one clear message instead of kustomize's echo of it.
  // A duplicate key is not fatal: kustomize keeps one of the two, and the rest of the file is checked.
  const brokenBy = (t: Target) => {
    const dirs = kustomizationTree(root, t.path, includes).dirs;
    return findings.filter((f) => f.severity === 'error' && f.file && f.rule !== 'yaml/duplicate-key' && dirs.some((d) => f.file!.startsWith(`${d}/`)));
  };
  const blocked = (t: Target) => brokenBy(t).length > 0;

  // 2. Drift, then the renders. The ApplicationSet expansion needs only files: it
  // runs now, while kustomize works; its check of rendered objects comes last.
  lap('sources');
  const renderable = targets.filter((t) => !blocked(t));
  const appSets = opts.skipAppSets ? undefined : checkWorkingTree(root, targets);
  appSets?.catch(() => {}); // awaited below
  findings.push(...(await driftFindings(root, opts.cache ?? true)));
  lap('drift');
  const tree = await loadFieldTree();
  await Promise.all([ensureSchemaBundle(async () => tree), ensureCelBundle()]);
  const results: RenderResult[] = (await renderPromise).filter((r) => renderable.includes(r.target));
  lap('render (wait)');
  // A target left unrendered is a consequence of its sources' errors: it is said with them, not apart.
  for (const t of targets.filter((t) => !renderable.includes(t))) {
    const causes = new Set(brokenBy(t));
    const note = { rule: 'kustomize', message: `${t.path} was not rendered (its sources have this error)`, file: `${t.path}/kustomization.yaml` };
    findings.forEach((f, i) => {
      if (causes.has(f)) findings[i] = { ...f, related: [...(f.related ?? []), note] };
    });
  }
  const rendered = results.flatMap((r) => r.objects);
  // kustomize's refusals of an overlay entry placed on its line; entries that silently change nothing.
  findings.push(...renderFindings(root, results, includes));
  foldDuplicateKeyRefusals(findings, targets, (t) => kustomizationTree(root, t.path, includes).dirs);
  findings.push(...noOpFindings(root, results, includes));
  saveNoOpCache();

  // 3. Strict schema of every rendered object. Issues are a pure function of the
  // objects, the field tree and the cluster version: reuse them for unchanged renders.
  const locator = new SourceLocator(root);
  findings.push(...(await cachedSchemaFindings(tree, results, locator, opts.cache ?? true)));
  lap('schema');

  // 4. Contract (including the data tier's own invariants), policies, Argo CD.
  findings.push(...policyModule.contractFindings(results));
  const notes: string[] = [];
  {
    // Every target, the preview included (its own profile: generators/environments.ts previewProfile).
    // exemptions for a target not rendered (left out by --env, or broken) are not judged "unmatched"
    const checked = checkedTargets(defaultTargets(root), results);
    const p = policyModule.runPolicies(rendered, checked ? { checkedTargets: checked } : {});
    findings.push(...p.findings, ...(p.exemptionFindings ?? []));
  }
  lap('policies');
  if (branchRenders) {
    const branches = await branchRenders;
    findings.push(...immutableFindings(rendered, branches));
    notes.push(...branches.flatMap((b) => (b.note ? [b.note] : [])));
    lap('immutable');
  }
  if (appSets) {
    findings.push(...(await appSets)(rendered));
    lap('argocd');
  }
  let branches: unknown;
  if (opts.branches) {
    const { checkBranches, branchesJson } = await import('../gitflow/branches.ts');
    const b = await checkBranches(root);
    findings.push(...b.findings);
    notes.push(...(b.notes ?? []));
    branches = branchesJson(b);
    lap('branches');
  }

  const located = refine(findings, rendered, locator, root);
  saveLocationCache();
  lap('findings');
  return { findings: located, summary: summarize(located, targets, rendered.length, started), targets: targets.map((t) => t.name), rendered, notes, timings, ...(branches ? { branches } : {}) };
}

/**
 * kustomize keeps one of two duplicate keys in a kustomization or a patch, but refuses a resource file that has one
 * (kyaml reads resources with go-yaml v3: `mapping key "x" already defined at line n`), and the target is not rendered.
 * That refusal, which names no file, is a consequence of the yaml/duplicate-key finding in the target's sources: it is
 * folded into it, and the duplicate's fix says kustomize refuses the file rather than "would silently keep one".
 */
export function foldDuplicateKeyRefusals(findings: Finding[], targets: readonly Target[], dirsOf: (t: Target) => readonly string[]): void {
  const drop = new Set<Finding>();
  for (const f of findings) {
    const m = f.rule === 'kustomize' ? /mapping key "([^"]+)" already defined/.exec(f.message) : null;
    const t = m && targets.find((x) => x.name === f.target);
    if (!m || !t) continue;
    const dirs = dirsOf(t);
    const at = findings.findIndex((d) => d.rule === 'yaml/duplicate-key' && d.message.startsWith(`duplicate key ${JSON.stringify(m[1])}:`) && dirs.some((dir) => d.file?.startsWith(`${dir}/`)));
    if (at < 0) continue;
    const cause = findings[at]!;
    findings[at] = { ...cause, related: [...(cause.related ?? []), { rule: 'kustomize', message: `${t.path} was not rendered (kustomize: ${m[0]})`, file: f.file }] };
    // kustomize stops at the first; every duplicate key of that file is refused alike
    findings.forEach((d, i) => {
      if (d.rule === 'yaml/duplicate-key' && d.file === cause.file) findings[i] = { ...d, hint: `keep one ${/^duplicate key "(.*)":/.exec(d.message)?.[1] ?? m[1]}: key; kustomize refuses a resource file with a duplicate key` };
    });
    drop.add(f);
  }
  if (!drop.size) return;
  const kept = findings.filter((f) => !drop.has(f));
  findings.splice(0, findings.length, ...kept);
}
