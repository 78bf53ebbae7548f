// The validate pipeline, in one process: sources (YAML, kustomizations) →
// drift → kustomize (parallel) → strict schema → environment contract →
// policies → Argo CD ApplicationSets → (optional) branches. Library code; the
// CLI is scripts/validate.ts.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Y } from '../lazy-yaml.ts';
import { dataTierFindings } from '../../../generators/data-invariants.ts';
import { clusters, environments, type EnvName } from '../../../generators/environments.ts';
import { checkDrift } from '../generated.ts';
import { gitRaw } from '../git.ts';
import { defaultTargets, kustomizationTree, kustomizeBuild, renderTargets, yamlFilesUnder, type RenderOptions, type RenderResult } from '../render.ts';
import { cachePath, loadFieldTree, type FieldTree } from './field-tree.ts';
import { parsePath, saveLocationCache, SourceLocator } from './locate.ts';
import type { Summary } from './report.ts';
import { formatPath, SchemaValidator, defaultKubernetesVersion, type SchemaIssue } from './schema.ts';
import { clearParsedYaml, kustomizationFindings, saveSourcesCache, yamlFindings } from './sources.ts';
import { objectRef, type Finding, type RenderedObject, type Target } from './types.ts';

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
}

const byWhere = (a: Finding, b: Finding): number =>
  (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
  (a.file ?? '').localeCompare(b.file ?? '') ||
  (a.line ?? 0) - (b.line ?? 0) ||
  (a.target ?? '').localeCompare(b.target ?? '') ||
  String(a.message ?? '').localeCompare(String(b.message ?? ''));

function summarize(findings: Finding[], targets: Target[], resources: number, started: number): Summary {
  return {
    environments: targets.filter((t) => t.kind === 'env').length,
    targets: targets.length,
    resources,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Findings for generated files that differ from what the generators produce now. */
async function driftFindings(root: string, cache: boolean): Promise<Finding[]> {
  let result;
  try {
    result = await checkDrift(
      root,
      async () => {
        const gen = await import('../../../generators/index.ts');
        return { files: gen.generate(), roots: gen.generatedRoots };
      },
      { cache },
    );
  } catch (err) {
    return [{ rule: 'generate', severity: 'error', file: 'generators/index.ts', message: `the generators failed: ${(err as Error).message}`, hint: 'fix the generator input named above, then npm run generate' }];
  }
  const { drift: d, files } = result;
  const out: Finding[] = [];
  for (const file of d.changed) {
    const want = files!.get(file)!.split('\n');
    const have = readFileSync(join(root, file), 'utf8').split('\n');
    let i = 0;
    while (i < want.length && want[i] === have[i]) i++;
    out.push({
      rule: 'drift',
      severity: 'error',
      file,
      line: i + 1,
      message: `generated file differs from what the generators produce (hand-edited, or the generators changed without npm run generate)`,
      hint: 'npm run generate (change the generator or the overlay, never the generated file)',
    });
  }
  for (const file of d.missing) out.push({ rule: 'drift', severity: 'error', file, message: 'generated file is missing', hint: 'npm run generate' });
  for (const file of d.stale) out.push({ rule: 'drift', severity: 'error', file, message: 'file in a generated directory that no generator produces (stale or hand-added)', hint: 'npm run generate removes it; hand-written config belongs in overlays/' });
  return out;
}

/** Environment contract guardrails: the hand-edited overlays stay within what generators/environments.ts promises. */
export function contractFindings(rendered: readonly RenderedObject[]): Finding[] {
  const out: Finding[] = [];
  for (const r of rendered) {
    const env = r.target.env ? environments[r.target.env] : undefined;
    if (!env) continue;
    const o = r.object;
    const base = { severity: 'error' as const, target: r.target.name, object: objectRef(o), file: r.origin };
    if (o.kind === 'HorizontalPodAutoscaler' && ['api-gateway', 'inventory', 'billing-api'].includes(o.metadata?.name)) {
      const { minReplicas, maxReplicas } = o.spec ?? {};
      if (typeof minReplicas === 'number' && minReplicas < env.replicas.min)
        out.push({ ...base, rule: 'contract/replicas', path: 'spec.minReplicas', message: `minReplicas ${minReplicas} is below the ${env.name} contract minimum ${env.replicas.min}`, hint: `set minReplicas >= ${env.replicas.min} in ${env.overlay}/services, or change replicas in generators/environments.ts` });
      if (typeof maxReplicas === 'number' && maxReplicas > env.replicas.max)
        out.push({ ...base, rule: 'contract/replicas', path: 'spec.maxReplicas', message: `maxReplicas ${maxReplicas} exceeds the ${env.name} contract maximum ${env.replicas.max}`, hint: `set maxReplicas <= ${env.replicas.max}, or change replicas in generators/environments.ts` });
    }
    if (o.kind === 'Ingress') {
      (o.spec?.rules ?? []).forEach((rule: any, i: number) => {
        if (rule?.host && rule.host !== env.ingressHost)
          out.push({ ...base, rule: 'contract/ingress-host', path: `spec.rules[${i}].host`, message: `host ${rule.host} is not the ${env.name} ingress host ${env.ingressHost}`, hint: `set host: ${env.ingressHost} in ${env.overlay}/services/patches/ingress.yaml` });
      });
    }
    if (o.kind === 'Namespace' && o.metadata?.name !== env.namespace)
      out.push({ ...base, rule: 'contract/namespace', path: 'metadata.name', message: `namespace ${o.metadata?.name} is not the ${env.name} namespace ${env.namespace}`, hint: `namespace: ${env.namespace} in every kustomization under ${env.overlay}` });
  }
  return out;
}

/** The data tier's invariants (generators/data.ts) on each environment's rendered overlay. */
function dataFindings(results: readonly RenderResult[]): Finding[] {
  return results.flatMap((r) => {
    const env = r.target.env;
    if (!env || r.findings.length) return [];
    return dataTierFindings(env, r.objects.map((o) => o.object as any)).map((message) => ({
      rule: 'contract/data-tier',
      severity: 'error' as const,
      target: r.target.name,
      file: `${r.target.path}/data/kustomization.yaml`,
      message,
      hint: `fix ${r.target.path}/data (sizes, replicas, storage class), see docs/data.md`,
    }));
  });
}

/**
 * Schema issues are a pure function of (object, field tree, cluster version), so
 * they are remembered per object content hash: after an overlay edit only the
 * objects that changed are validated (and only their kinds' schemas loaded).
 */
async function cachedSchemaFindings(tree: FieldTree, results: readonly RenderResult[], locator: SourceLocator, useCache: boolean): Promise<Finding[]> {
  const versionOf = (t: Target) => (t.cluster ? clusters[t.cluster].kubernetesVersion : defaultKubernetesVersion);
  const cacheFile = join(dirname(cachePath()), 'schema-issues.json');
  let known: Record<string, SchemaIssue[]> = {};
  if (useCache && existsSync(cacheFile)) {
    try {
      const c = JSON.parse(readFileSync(cacheFile, 'utf8')) as { tree: string; issues: Record<string, SchemaIssue[]> };
      if (c.tree === tree.key) known = c.issues;
    } catch {
      known = {};
    }
  }
  const hashOf = (o: RenderedObject) => createHash('sha1').update(`${versionOf(o.target)}\0${JSON.stringify(o.object)}`).digest('base64url');
  const all = results.flatMap((r) => r.objects);
  const hashes = all.map(hashOf);
  const todo = all.filter((_, i) => !(hashes[i]! in known));
  if (todo.length) {
    const validator = await SchemaValidator.create(tree, todo.map((o) => `${o.object.apiVersion}/${o.object.kind}`));
    todo.forEach((o) => (known[hashOf(o)] = validator.validate(o.object, versionOf(o.target))));
    if (useCache) {
      // Keep only what this repository renders now, so the file does not grow without bound.
      const keep = Object.fromEntries(hashes.map((h) => [h, known[h]!]));
      mkdirSync(dirname(cacheFile), { recursive: true });
      writeFileSync(`${cacheFile}.${process.pid}`, JSON.stringify({ tree: tree.key, issues: keep }));
      renameSync(`${cacheFile}.${process.pid}`, cacheFile);
    }
  }
  const out: Finding[] = [];
  all.forEach((o, i) => {
    for (const issue of known[hashes[i]!]!) out.push(schemaFinding(o, issue, locator.locate(o.object, issue.path, o.origin, o.target.path)));
  });
  return out;
}

/** Strict schema findings for rendered objects, located in their source files. */
function schemaFindings(validator: SchemaValidator, rendered: readonly RenderedObject[], locator: SourceLocator, kubernetesVersion?: string): Finding[] {
  const out: Finding[] = [];
  for (const r of rendered) {
    const version = kubernetesVersion ?? (r.target.cluster ? clusters[r.target.cluster].kubernetesVersion : defaultKubernetesVersion);
    for (const issue of validator.validate(r.object, version)) {
      const pos = r.target.kind === 'files' ? locator.inFile(r.origin!, r.object, issue.path) : locator.locate(r.object, issue.path, r.origin, r.target.path);
      out.push(schemaFinding(r, issue, pos));
    }
  }
  return out;
}

function schemaFinding(r: RenderedObject, issue: SchemaIssue, pos: { file: string; line: number; column: number } | undefined): Finding {
  const got = valueAt(r.object, issue.path);
  const shown = got !== undefined && typeof got !== 'object' && !issue.message.startsWith('unknown field') ? ` (got ${JSON.stringify(got)})` : '';
  return {
    rule: 'schema',
    severity: 'error',
    target: r.target.name,
    object: objectRef(r.object ?? {}),
    path: formatPath(issue.path),
    file: pos?.file ?? r.origin,
    line: pos?.line,
    column: pos?.column,
    message: issue.message + shown,
    hint: issue.hint,
  };
}

function valueAt(o: unknown, path: readonly (string | number)[]): unknown {
  let v: any = o;
  for (const s of path) v = v?.[s];
  return v;
}

/** Give findings from later steps (policies, argocd) lines, when they name an object, a path and a file. */
function locateLate(findings: Finding[], rendered: readonly RenderedObject[], locator: SourceLocator): Finding[] {
  const index = new Map<string, RenderedObject>();
  for (const r of rendered) index.set(`${r.target.name}\0${objectRef(r.object)}`, r);
  return findings.map((f) => {
    if (f.line || !f.path || !f.object || !f.target) return f;
    const r = index.get(`${f.target}\0${f.object}`);
    if (!r) return f;
    const pos = locator.locate(r.object, parsePath(f.path), f.file ?? r.origin, r.target.path);
    return pos ? { ...f, file: pos.file, line: pos.line, column: pos.column } : f;
  });
}

/**
 * The schema step already reports a removed apiVersion (the object cannot be
 * applied at all); drop the policy's second report of the same thing.
 */
function dedupe(findings: Finding[]): Finding[] {
  const removed = new Set(findings.filter((f) => f.rule === 'schema' && f.path === 'apiVersion').map((f) => `${f.target}\0${f.object}`));
  // A value of the wrong type never reaches the API server's validation: the schema finding is the one.
  const mistyped = new Set(findings.filter((f) => f.rule === 'schema').map((f) => `${f.target}\0${f.object}\0${f.path}`));
  return findings.filter(
    (f) =>
      !(f.rule === 'gitops/no-deprecated-api' && f.severity === 'error' && removed.has(`${f.target}\0${f.object}`)) &&
      !(f.rule.startsWith('apiserver/') && mistyped.has(`${f.target}\0${f.object}\0${f.path}`)),
  );
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
  const renderPromise = renderTargets(root, targets, { cache: opts.cache ?? true, includes });
  renderPromise.catch(() => {}); // awaited below; no unhandled-rejection warning meanwhile

  // 1. Sources: every YAML file people or generators wrote, and every kustomization they include.
  // Hand-written YAML only: generated files (base/, argocd/) are covered byte-for-byte by the drift step.
  const sourceFiles = yamlFilesUnder(root, 'overlays');
  const findings: Finding[] = sourceFiles.flatMap((f) => yamlFindings(root, f));
  const walked = new Set<string>(); // bases are shared by many targets: each directory is checked once
  for (const t of targets) findings.push(...kustomizationFindings(root, t.path, walked));
  const policyModule = await import('../../../policies/index.ts');
  findings.push(...policyModule.checkKustomizations(root));
  saveSourcesCache();
  // A target whose files, or the files of a kustomization it includes (preview includes
  // dev's), are broken is not rendered: one clear message instead of kustomize's echo of it.
  const broken = findings.filter((f) => f.severity === 'error' && f.file).map((f) => f.file!);
  const blocked = (t: Target) => kustomizationTree(root, t.path, includes).dirs.some((d) => broken.some((f) => f.startsWith(`${d}/`)));

  // 2. Drift, then the renders. The ApplicationSet expansion needs only files: it
  // runs now, while kustomize works; its check of rendered objects comes last.
  lap('sources');
  const renderable = targets.filter((t) => !blocked(t));
  const appSets = opts.skipAppSets ? undefined : expandAppSets(root, targets);
  appSets?.catch(() => {}); // awaited below
  findings.push(...(await driftFindings(root, opts.cache ?? true)));
  lap('drift');
  const tree = await loadFieldTree();
  const results: RenderResult[] = (await renderPromise).filter((r) => renderable.includes(r.target));
  lap('render (wait)');
  for (const t of targets.filter((t) => !renderable.includes(t)))
    findings.push({ rule: 'kustomize', severity: 'error', target: t.name, file: `${t.path}/kustomization.yaml`, message: `${t.path} was not rendered: fix the source errors above first` });
  const rendered = results.flatMap((r) => r.objects);
  findings.push(...results.flatMap((r) => r.findings));

  // 3. Strict schema of every rendered object. Issues are a pure function of the
  // objects, the field tree and the cluster version: reuse them for unchanged renders.
  const locator = new SourceLocator(root);
  findings.push(...(await cachedSchemaFindings(tree, results, locator, opts.cache ?? true)));
  lap('schema');

  // 4. Contract (including the data tier's own invariants), policies, Argo CD.
  findings.push(...contractFindings(rendered));
  findings.push(...dataFindings(results));
  const notes: string[] = [];
  {
    // Policies judge long-lived environments, platform overlays and argocd/; previews are
    // throw-away by design (one replica, small volumes) and get schema and Argo CD checks only.
    const p = policyModule.runPolicies(rendered.filter((r) => r.target.kind !== 'preview'));
    findings.push(...p.findings, ...(p.exemptionFindings ?? []));
  }
  lap('policies');
  if (appSets) {
    findings.push(...(await appSets)(rendered));
    lap('argocd');
  }
  if (opts.branches) {
    const { checkBranches } = await import('../argocd/branches.ts');
    const b = await checkBranches(root);
    findings.push(...b.findings);
    notes.push(...(b.notes ?? []));
    lap('branches');
  }

  const located = dedupe(locateLate(findings, rendered, locator)).sort(byWhere);
  saveLocationCache();
  return { findings: located, summary: summarize(located, targets, rendered.length, started), targets: targets.map((t) => t.name), rendered, notes, timings };
}

/** kubeconform-style: validate arbitrary manifest files or folders (vendored third-party YAML). */
export async function validateFiles(root: string, paths: readonly string[], kubernetesVersion = defaultKubernetesVersion): Promise<ValidateResult> {
  const started = performance.now();
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(root, p);
    if (!existsSync(abs)) throw new UsageError(`${p}: no such file or directory`);
    const rel = relative(root, abs) || '.';
    if (statSync(abs).isDirectory()) files.push(...yamlFilesUnder(root, rel), ...jsonFilesUnder(root, rel));
    else files.push(rel);
  }
  const findings: Finding[] = [];
  const rendered: RenderedObject[] = [];
  const targets: Target[] = [];
  for (const file of files) {
    if (/(^|\/)kustomization\.ya?ml$/.test(file)) continue; // build the directory instead (npm run validate does)
    const text = readFileSync(resolve(root, file), 'utf8');
    const target: Target = { name: file, kind: 'files', path: file };
    targets.push(target);
    const yamlErrors = file.endsWith('.json') ? jsonFindings(file, text) : yamlFindings(root, file, text);
    findings.push(...yamlErrors);
    if (yamlErrors.length) continue;
    for (const doc of Y.parseAllDocuments(text, { merge: true })) {
      const o = doc.toJS({ maxAliasCount: -1 }) as Record<string, any> | null;
      if (o === null || o === undefined) continue;
      const items = typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items) && o.apiVersion === 'v1' ? o.items : [o];
      for (const item of items) rendered.push({ target, object: item, origin: file, index: rendered.length });
    }
  }
  const tree = await loadFieldTree();
  const validator = await SchemaValidator.create(tree, rendered.map((r) => `${r.object?.apiVersion}/${r.object?.kind}`));
  const locator = new SourceLocator(root);
  findings.push(...schemaFindings(validator, rendered, locator, kubernetesVersion));
  // What the API server itself would refuse (policies/apiserver): vendored files are applied as they are.
  const { runPolicies } = await import('../../../policies/index.ts');
  findings.push(...locateLate(runPolicies(rendered, { only: ['apiserver'] }).findings, rendered, locator));
  findings.splice(0, findings.length, ...dedupe(findings));
  findings.sort(byWhere);
  const summary = { ...summarize(findings, targets, rendered.length, started), unit: 'files' };
  return { findings, summary, targets: targets.map((t) => t.name), rendered, notes: [], timings: {} };
}

function jsonFilesUnder(root: string, dir: string): string[] {
  return (readdirSync(join(root, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.json') && !f.split('/').includes('node_modules'))
    .map((f) => join(dir, f))
    .sort();
}

function jsonFindings(file: string, text: string): Finding[] {
  try {
    JSON.parse(text);
    return [];
  } catch (err) {
    return [{ rule: 'yaml/syntax', severity: 'error', file, message: `invalid JSON: ${(err as Error).message}` }];
  }
}

/**
 * Expand argocd/ offline for the working tree (scripts/lib/argocd/preview.ts) and
 * check every generated Application. Paths inside an overlay validate already
 * rendered are not built again; any other Application path gets its own
 * kustomize build (the preview overlay, for instance).
 */
async function expandAppSets(root: string, rendered: readonly Target[]): Promise<(objects: readonly RenderedObject[]) => Finding[]> {
  const [mod, head] = await Promise.all([import('../argocd/preview.ts'), currentHead(root)]);
  const result = await mod.previewApplicationSets({ root, branch: head.branch, head: head.commit, worktree: true, kustomize: false });
  const covered = (path: string) => rendered.some((t) => path === t.path || path.startsWith(`${t.path}/`));
  const extra = new Map<string, string>();
  for (const a of result.applications) {
    const sources = [a.application.spec?.source, ...(a.application.spec?.sources ?? [])].filter(Boolean);
    for (const src of sources) {
      const path = typeof src.path === 'string' ? src.path.replace(/\/$/, '') : undefined;
      if (path && !covered(path) && existsSync(join(root, path)) && !extra.has(path)) extra.set(path, a.name);
    }
  }
  const builds = await Promise.all(
    [...extra].map(async ([path, app]) => ({ path, app, r: await kustomizeBuild(join(root, path)) })),
  );
  const out = [...result.findings];
  for (const b of builds.filter((b) => !b.r.ok))
    out.push({ rule: 'argocd/kustomize-failed', severity: 'error', target: 'argocd', file: `${b.path}/kustomization.yaml`, message: `Application ${b.app}: kustomize build ${b.path} failed: ${b.r.error.split(root + '/').join('')}` });
  // Every rendered object against the AppProject of the Application that deploys it.
  return (objects) => [...out, ...mod.checkRenderedObjects(result, objects)];
}

/** The checked-out branch (`HEAD` when detached) and its commit, in one git call. */
async function currentHead(root: string): Promise<{ branch: string; commit?: string }> {
  // `--abbrev-ref` applies to the arguments after it: the commit first, then the branch name.
  const r = await gitRaw(root, ['rev-parse', 'HEAD', '--abbrev-ref', 'HEAD']);
  const [commit, branch] = r.code === 0 ? r.stdout.trim().split('\n') : [];
  return { branch: branch || 'HEAD', commit: commit && /^[0-9a-f]{40}$/.test(commit) ? commit : undefined };
}

/** Bad invocation or environment: exit code 2. */
export class UsageError extends Error {}
