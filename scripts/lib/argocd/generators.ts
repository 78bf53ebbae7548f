// ApplicationSet generators evaluated offline, producing the same parameter maps
// as Argo CD's applicationset controller (goTemplate mode): list, matrix, git
// (directories, files) and pullRequest (GitHub, from a fixture). Anything else is
// a GeneratorError naming the generator.
import { Y } from '../plumbing/yaml.ts';
import { TemplateError, Unsupported, gosimpleSlug, renderDeep, renderTemplate, sanitizeName } from './gotemplate.ts';
import { normalizeGitURL, pathMatch, pathspecMatch, PatternError } from './glob.ts';
import type { Snapshot } from './snapshot.ts';

export type Params = Record<string, unknown>;

export class GeneratorError extends Error {
  constructor(
    readonly rule: string,
    message: string,
    /** The field of the ApplicationSet at fault (`spec.generators[0].clusters`), for the finding's line. */
    readonly path?: string,
  ) {
    super(message);
  }
}

/** One pull request as the GitHub API lists it; the preview's stand-in for the live API. */
export interface PullRequestFixture {
  readonly number: number;
  readonly title?: string;
  /** Head branch name. */
  readonly branch: string;
  /** Base branch the PR targets. */
  readonly targetBranch: string;
  /** Head commit: a full or abbreviated SHA, or any revision of the repository (resolved with git). */
  readonly headSha: string;
  readonly author?: string;
  readonly labels?: readonly string[];
  /** Only open PRs are listed by the generator. @default 'open' */
  readonly state?: 'open' | 'closed' | 'merged';
}

export interface GeneratorContext {
  /** `ApplicationSet/<name>`, for messages. */
  readonly appSet: string;
  readonly goTemplateOptions: readonly string[];
  /** The repository this preview can read (any other repoURL is an error). */
  readonly repoURL: string;
  /** Read the repository at a revision (git generator `revision`). */
  snapshot(revision: string, where: string): Promise<Snapshot>;
  /** Pull requests, head SHAs already resolved to full commits. */
  readonly pullRequests: readonly PullRequestFixture[];
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const known = ['list', 'matrix', 'git', 'pullRequest'];
const unsupported = ['clusters', 'clusterDecisionResource', 'merge', 'plugin', 'scmProvider'];

/** Run one generator (top-level or nested) with the parameters of an enclosing matrix step. */
export async function generate(ctx: GeneratorContext, gen: Record<string, unknown>, where: string, inherited?: Params): Promise<Params[]> {
  const kinds = Object.keys(gen).filter((k) => k !== 'selector');
  if (gen.selector) throw new GeneratorError('argocd/generator', `${ctx.appSet} ${where}.selector: generator selectors are not supported by the offline preview`, `${where}.selector`);
  if (kinds.length !== 1) throw new GeneratorError('argocd/generator', `${ctx.appSet} ${where}: a generator must have exactly one type, found ${kinds.join(', ') || 'none'}`, where);
  const kind = kinds[0]!;
  if (unsupported.includes(kind))
    throw new GeneratorError('argocd/generator', `${ctx.appSet} ${where}.${kind}: the ${kind} generator is not supported by the offline preview (supported: ${known.join(', ')})`, `${where}.${kind}`);
  if (!known.includes(kind)) throw new GeneratorError('argocd/generator', `${ctx.appSet} ${where}: unknown generator type "${kind}" (Argo CD: "contains unrecognized generators")`, `${where}.${kind}`);
  let spec = gen[kind] as Record<string, unknown>;
  if (!isMap(spec)) throw new GeneratorError('argocd/generator', `${where}.${kind}: must be an object`);
  if (spec.template !== undefined)
    throw new GeneratorError('argocd/generator', `${where}.${kind}.template: per-generator templates are not supported by the offline preview; use spec.template`);
  // A matrix's second generator is rendered with the first one's parameters (Argo CD's interpolateGenerator).
  if (inherited && kind !== 'matrix') spec = render(ctx, spec, inherited, `${where}.${kind}`);
  const at = `${where}.${kind}`;
  let params: Params[];
  switch (kind) {
    case 'list':
      params = list(spec, at);
      break;
    case 'git':
      params = await gitParams(ctx, spec, at);
      break;
    case 'pullRequest':
      params = pullRequest(ctx, spec, at);
      break;
    default:
      params = await matrix(ctx, spec, at, inherited);
  }
  const values = spec.values;
  if (values !== undefined) {
    if (!isMap(values)) throw new GeneratorError('argocd/generator', `${at}.values: must be a map of strings`);
    params = params.map((p) => ({ ...p, values: render(ctx, values, p, `${at}.values`) }));
  }
  return params;
}

function render<T>(ctx: GeneratorContext, value: T, params: Params, where: string): T {
  try {
    return renderDeep(value, params, { options: ctx.goTemplateOptions, where: `${ctx.appSet} ${where}` });
  } catch (e) {
    if (e instanceof TemplateError) throw new GeneratorError('argocd/template', e.message);
    throw e;
  }
}

function list(spec: Record<string, unknown>, where: string): Params[] {
  let elements = spec.elements as unknown[] | undefined;
  if (spec.elementsYaml !== undefined) {
    if (typeof spec.elementsYaml !== 'string') throw new GeneratorError('argocd/generator', `${where}.elementsYaml: must be a string`);
    const parsed = Y.parse(spec.elementsYaml);
    if (!Array.isArray(parsed)) throw new GeneratorError('argocd/generator', `${where}.elementsYaml: must be a YAML list`);
    elements = [...(elements ?? []), ...parsed];
  }
  return (elements ?? []).map((e, i) => {
    if (!isMap(e)) throw new GeneratorError('argocd/generator', `${where}.elements[${i}]: must be an object`);
    return structuredClone(e);
  });
}

/**
 * The matrix generator's goTemplate merge (applicationset/generators/matrix.go
 * GenerateParams, argoproj/argo-cd d853897edf1d4001fc7017c3556ab735adf7efe7):
 * `mergo.Merge(&tmp, second, WithOverride)` then `mergo.Merge(&tmp, first, WithOverride)`.
 * In maps of interface values mergo's override sets every key of the source, empty
 * values included (a first generator's `false` or "" wins: matrix_test.go
 * TestMatrixGenerateGoTemplate "parameter override: first list elements take precedence"),
 * and merges nested maps key by key.
 */
export function matrixMerge(first: Params, second: Params): Params {
  const out: Params = structuredClone(second);
  for (const [k, v] of Object.entries(first)) {
    out[k] = isMap(out[k]) && isMap(v) ? matrixMerge(v as Params, out[k] as Params) : structuredClone(v);
  }
  return out;
}

async function matrix(ctx: GeneratorContext, spec: Record<string, unknown>, where: string, inherited?: Params): Promise<Params[]> {
  const gens = spec.generators;
  if (!Array.isArray(gens) || gens.length !== 2)
    throw new GeneratorError('argocd/generator', `${where}.generators: a matrix needs exactly two child generators (found ${Array.isArray(gens) ? gens.length : 0})`);
  if (inherited) throw new GeneratorError('argocd/generator', `${where}: a matrix nested as the second child of a matrix is not supported by the offline preview`);
  const first = await generate(ctx, gens[0] as Record<string, unknown>, `${where}.generators[0]`);
  const out: Params[] = [];
  for (const p of first) {
    const second = await generate(ctx, gens[1] as Record<string, unknown>, `${where}.generators[1]`, p);
    for (const q of second) out.push(matrixMerge(p, q));
  }
  return out;
}

function checkRepo(ctx: GeneratorContext, repoURL: unknown, where: string): void {
  if (typeof repoURL !== 'string' || normalizeGitURL(repoURL) !== normalizeGitURL(ctx.repoURL))
    throw new GeneratorError('argocd/generator', `${where}.repoURL: ${String(repoURL)} is not this repository (${ctx.repoURL}); the offline preview reads only this repository`);
}

const pathParams = (dir: string, file?: string): Params => {
  const base = dir.split('/').pop()!;
  return {
    path: dir,
    basename: base,
    basenameNormalized: sanitizeName(base),
    ...(file !== undefined ? { filename: file, filenameNormalized: sanitizeName(file) } : {}),
    segments: dir.split('/'),
  };
};

async function gitParams(ctx: GeneratorContext, spec: Record<string, unknown>, where: string): Promise<Params[]> {
  checkRepo(ctx, spec.repoURL, where);
  if (typeof spec.revision !== 'string' || !spec.revision) throw new GeneratorError('argocd/generator', `${where}.revision: required`);
  const dirs = spec.directories as { path: string; exclude?: boolean }[] | undefined;
  const files = spec.files as { path: string; exclude?: boolean }[] | undefined;
  if (!!dirs === !!files) throw new GeneratorError('argocd/generator', `${where}: set exactly one of directories and files`);
  const snap = await ctx.snapshot(spec.revision, `${where}.revision`);
  const prefix = typeof spec.pathParamPrefix === 'string' && spec.pathParamPrefix ? spec.pathParamPrefix : undefined;
  const wrap = (p: Params, extra: Params = {}): Params => ({ ...extra, ...(prefix ? { [prefix]: { path: p } } : { path: p }) });
  const match = (pattern: string, path: string, fn: (a: string, b: string) => boolean, at: string) => {
    try {
      return fn(pattern, path);
    } catch (e) {
      if (e instanceof PatternError) throw new GeneratorError('argocd/generator', `${at}: ${e.message}`);
      throw e;
    }
  };
  if (dirs) {
    // Argo CD lists every directory, skipping hidden ones (and what is below them), then path.Match.
    const all = [...(await snap.dirs())].filter((d) => !d.split('/').some((s) => s.startsWith('.'))).sort();
    const chosen = all.filter((d) => {
      let inc = false;
      let exc = false;
      dirs.forEach((item, i) => {
        if (match(item.path, d, pathMatch, `${where}.directories[${i}].path`)) item.exclude ? (exc = true) : (inc = true);
      });
      return inc && !exc;
    });
    return chosen.map((d) => wrap(pathParams(d)));
  }
  const all = [...(await snap.files())].sort();
  const inc = files!.filter((f) => !f.exclude);
  const exc = files!.filter((f) => f.exclude);
  const chosen = all.filter(
    (f) => inc.some((i) => match(i.path, f, pathspecMatch, `${where}.files`)) && !exc.some((e) => match(e.path, f, pathspecMatch, `${where}.files`)),
  );
  const out: Params[] = [];
  for (const f of chosen) {
    const text = (await snap.read(f))!;
    let doc: unknown;
    try {
      doc = Y.parse(text);
    } catch (e) {
      throw new GeneratorError('argocd/generator', `${where}.files: unable to process file '${f}' at ${snap.label}: ${(e as Error).message}`);
    }
    const objects = doc === null || doc === undefined ? [{}] : Array.isArray(doc) ? doc : [doc];
    const slash = f.lastIndexOf('/');
    const dir = slash < 0 ? '.' : f.slice(0, slash);
    for (const o of objects) {
      if (!isMap(o)) throw new GeneratorError('argocd/generator', `${where}.files: '${f}' at ${snap.label} must hold an object or a list of objects`);
      out.push(wrap(pathParams(dir, f.slice(slash + 1)), o));
    }
  }
  return out;
}

/**
 * The PR generator's branch slug: gosimple/slug with MaxLength 50, smart truncation
 * and `_` → `-` (applicationset/generators/pull_request.go); non-ASCII is reported, not guessed.
 */
export function branchSlug(branch: string): string | Unsupported {
  return gosimpleSlug(branch.replace(/_/g, '-'), 50, true);
}

function pullRequest(ctx: GeneratorContext, spec: Record<string, unknown>, where: string): Params[] {
  const providers = ['github', 'gitlab', 'gitea', 'bitbucket', 'bitbucketServer', 'azuredevops'].filter((p) => spec[p] !== undefined);
  if (providers.length !== 1 || providers[0] !== 'github')
    throw new GeneratorError('argocd/generator', `${where}: only the github provider is supported by the offline preview (found ${providers.join(', ') || 'none'})`);
  const gh = spec.github as { owner: string; repo: string; labels?: string[] };
  const filters = (spec.filters ?? []) as { branchMatch?: string; targetBranchMatch?: string; titleMatch?: string }[];
  const re = (p: string | undefined, at: string) => {
    if (p === undefined) return undefined;
    try {
      return new RegExp(p);
    } catch (e) {
      throw new GeneratorError('argocd/generator', `${at}: invalid regular expression: ${(e as Error).message}`);
    }
  };
  const compiled = filters.map((f, i) => ({
    branch: re(f.branchMatch, `${where}.filters[${i}].branchMatch`),
    target: re(f.targetBranchMatch, `${where}.filters[${i}].targetBranchMatch`),
    title: re(f.titleMatch, `${where}.filters[${i}].titleMatch`),
  }));
  return ctx.pullRequests
    .filter((pr) => (pr.state ?? 'open') === 'open')
    .filter((pr) => (gh.labels ?? []).every((l) => (pr.labels ?? []).includes(l)))
    .filter(
      (pr) =>
        !compiled.length ||
        compiled.some((f) => (!f.branch || f.branch.test(pr.branch)) && (!f.target || f.target.test(pr.targetBranch)) && (!f.title || f.title.test(pr.title ?? ''))),
    )
    .map((pr) => ({
      number: String(pr.number),
      title: pr.title ?? '',
      branch: pr.branch,
      branch_slug: branchSlug(pr.branch),
      target_branch: pr.targetBranch,
      target_branch_slug: branchSlug(pr.targetBranch),
      head_sha: pr.headSha,
      head_short_sha: pr.headSha.slice(0, 8),
      head_short_sha_7: pr.headSha.slice(0, 7),
      author: pr.author ?? '',
      labels: [...(pr.labels ?? [])],
    }));
}

/** Template keys each generator type contributes: `project` may only use keys from list generators. */
export function listOnlyKeys(generators: unknown[]): { listKeys: Set<string>; otherKeys: Set<string> } {
  const listKeys = new Set<string>();
  const otherKeys = new Set<string>(['values']);
  const walk = (g: unknown) => {
    if (!isMap(g)) return;
    if (isMap(g.list)) for (const e of (g.list.elements as unknown[]) ?? []) if (isMap(e)) Object.keys(e).forEach((k) => listKeys.add(k));
    if (isMap(g.list) && g.list.elementsYaml !== undefined) otherKeys.add('*');
    if (isMap(g.git)) otherKeys.add(typeof g.git.pathParamPrefix === 'string' && g.git.pathParamPrefix ? g.git.pathParamPrefix : 'path');
    if (isMap(g.git) && g.git.files) otherKeys.add('*');
    if (isMap(g.pullRequest)) ['number', 'title', 'branch', 'branch_slug', 'target_branch', 'target_branch_slug', 'head_sha', 'head_short_sha', 'head_short_sha_7', 'author', 'labels'].forEach((k) => otherKeys.add(k));
    if (isMap(g.matrix)) for (const c of (g.matrix.generators as unknown[]) ?? []) walk(c);
  };
  generators.forEach(walk);
  return { listKeys, otherKeys };
}

export { renderTemplate };
