// ApplicationSet generators evaluated offline, producing the same parameter maps
// as Argo CD's applicationset controller, nested (goTemplate) or flat (fasttemplate):
// list, matrix, merge, git (directories, files), clusters (from a cluster registry the
// caller describes) and pullRequest (GitHub, from a fixture). Anything else is a
// GeneratorError naming the generator and where it is.
import { Y } from '../../../kube/yaml-lazy.ts';
import { TemplateError, Unsupported, goFloatString, gosimpleSlug, renderDeep, renderTemplate, sanitizeName } from './gotemplate.ts';
import { renderFastDeep, unknownFamily } from './fasttemplate.ts';
import { normalizeGitURL, pathMatch, pathspecMatch, PatternError } from './glob.ts';
import type { Snapshot } from './snapshot.ts';
import { isEmptySelector, selectorMatches, selectorProblem, type LabelSelector } from '../../../kube/index.ts';

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

/**
 * One cluster Argo CD knows, as its cluster secret describes it (applicationset/generators/
 * cluster.go getClusterParameters). A field the caller cannot describe is Unsupported:
 * a template or selector that reads it is an error, never a guess.
 */
export interface ClusterRecord {
  /** The secret's `name`. */
  readonly name: string;
  /** The secret's `server`. */
  readonly server: string;
  /** The secret's `project`. @default '' */
  readonly project?: string | Unsupported;
  /** The secret's labels (argocd.argoproj.io/secret-type: cluster among them). */
  readonly labels: Readonly<Record<string, string>> | Unsupported;
  readonly annotations: Readonly<Record<string, string>> | Unsupported;
}

export interface GeneratorContext {
  /** `ApplicationSet/<name>`, for messages. */
  readonly appSet: string;
  /** spec.goTemplate: nested parameters and Go templates, or flat parameters and fasttemplate. @default true */
  readonly goTemplate?: boolean;
  readonly goTemplateOptions: readonly string[];
  /** The repository this preview can read (any other repoURL is an error). */
  readonly repoURL: string;
  /** Read the repository at a revision (git generator `revision`). */
  snapshot(revision: string, where: string): Promise<Snapshot>;
  /** Pull requests, head SHAs already resolved to full commits. */
  readonly pullRequests: readonly PullRequestFixture[];
  /**
   * The clusters registered with Argo CD through secrets, for the cluster generator; undefined =
   * not known (the generator is an error). The in-cluster destination needs no secret.
   */
  readonly clusters?: readonly ClusterRecord[];
  /** Argo CD's in-cluster destination is enabled (cluster.inClusterEnabled). @default true */
  readonly inClusterEnabled?: boolean;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const known = ['list', 'matrix', 'merge', 'git', 'clusters', 'pullRequest'];
/** Generators whose parameters come from a live service: the offline preview cannot know them. */
const unsupported: Readonly<Record<string, string>> = {
  plugin: 'its parameters come from the plugin service a ConfigMap names',
  scmProvider: "its parameters come from the SCM provider's API",
  clusterDecisionResource: 'its parameters come from a live duck-typed resource in the cluster',
};
const goTemplateOf = (ctx: GeneratorContext): boolean => ctx.goTemplate !== false;

/** Run one generator (top-level or nested) with the parameters of an enclosing matrix step. */
export async function generate(ctx: GeneratorContext, gen: Record<string, unknown>, where: string, inherited?: Params): Promise<Params[]> {
  const kinds = Object.keys(gen).filter((k) => k !== 'selector');
  if (gen.selector) throw new GeneratorError('argocd/generator', `${ctx.appSet} ${where}.selector: generator selectors are not supported by the offline preview`, `${where}.selector`);
  if (kinds.length !== 1) throw new GeneratorError('argocd/generator', `${ctx.appSet} ${where}: a generator must have exactly one type, found ${kinds.join(', ') || 'none'}`, where);
  const kind = kinds[0]!;
  if (Object.hasOwn(unsupported, kind))
    throw new GeneratorError(
      'argocd/generator',
      `${ctx.appSet} ${where}.${kind}: the ${kind} generator is not supported by the offline preview: ${unsupported[kind]} (supported: ${known.join(', ')})`,
      `${where}.${kind}`,
    );
  if (!known.includes(kind)) throw new GeneratorError('argocd/generator', `${ctx.appSet} ${where}: unknown generator type "${kind}" (Argo CD: "contains unrecognized generators")`, `${where}.${kind}`);
  const at = `${where}.${kind}`;
  try {
    let spec = gen[kind] as Record<string, unknown>;
    if (!isMap(spec)) throw new GeneratorError('argocd/generator', `${at}: must be an object`);
    if (spec.template !== undefined)
      throw new GeneratorError('argocd/generator', `${at}.template: per-generator templates are not supported by the offline preview; use spec.template`, `${at}.template`);
    if ((kind === 'matrix' || kind === 'merge') && inherited)
      throw new GeneratorError('argocd/generator', `${ctx.appSet} ${at}: a ${kind} nested as the second child of a matrix is not supported by the offline preview`);
    // A matrix's second generator is rendered with the first one's parameters (Argo CD's interpolateGenerator).
    if (inherited) spec = render(ctx, spec, inherited, at);
    return await generateKind(ctx, kind, spec, at);
  } catch (e) {
    // Every error names the generator it came from, for the finding's line.
    if (e instanceof GeneratorError && e.path === undefined) throw new GeneratorError(e.rule, e.message.startsWith(ctx.appSet) ? e.message : `${ctx.appSet} ${e.message}`, at);
    throw e;
  }
}

async function generateKind(ctx: GeneratorContext, kind: string, spec: Record<string, unknown>, at: string): Promise<Params[]> {
  let params: Params[];
  switch (kind) {
    case 'list':
      params = list(spec, at, goTemplateOf(ctx));
      break;
    case 'git':
      params = await gitParams(ctx, spec, at);
      break;
    case 'pullRequest':
      params = pullRequest(ctx, spec, at);
      break;
    case 'clusters':
      // The cluster generator renders its own values (appendTemplatedValues) and may flatten them into one set.
      return clusterParams(ctx, spec, at);
    case 'merge':
      params = await merge(ctx, spec, at);
      break;
    default:
      params = await matrix(ctx, spec, at);
  }
  return withValues(ctx, params, spec.values, `${at}.values`);
}

/**
 * A generator's `values`, rendered with each parameter set (values cannot refer to each other):
 * a `values` map (goTemplate) or `values.<key>` parameters (fasttemplate), as
 * applicationset/generators/value_interpolation.go appendTemplatedValues.
 */
function withValues(ctx: GeneratorContext, params: Params[], values: unknown, at: string): Params[] {
  if (values === undefined) return params;
  if (!isMap(values) || Object.values(values).some((v) => typeof v !== 'string')) throw new GeneratorError('argocd/generator', `${ctx.appSet} ${at}: must be a map of strings`, at);
  return params.map((p) => {
    const rendered = render(ctx, values, p, at);
    return goTemplateOf(ctx) ? { ...p, values: rendered } : { ...p, ...Object.fromEntries(Object.entries(rendered).map(([k, v]) => [`values.${k}`, v])) };
  });
}

function render<T>(ctx: GeneratorContext, value: T, params: Params, where: string): T {
  try {
    if (!goTemplateOf(ctx)) return renderFastDeep(value, params, `${ctx.appSet} ${where}`);
    return renderDeep(value, params, { options: ctx.goTemplateOptions, where: `${ctx.appSet} ${where}` });
  } catch (e) {
    if (e instanceof TemplateError) throw new GeneratorError('argocd/template', e.message);
    throw e;
  }
}

/**
 * applicationset/generators/list.go: elements as given (goTemplate) or string values only,
 * `values` flattened to `values.<key>` (fasttemplate); elementsYaml elements are appended as
 * parsed in both modes.
 */
function list(spec: Record<string, unknown>, where: string, goTemplate: boolean): Params[] {
  const elements = (spec.elements as unknown[] | undefined) ?? [];
  const out = elements.map((e, i) => {
    if (!isMap(e)) throw new GeneratorError('argocd/generator', `${where}.elements[${i}]: must be an object`);
    if (goTemplate) return structuredClone(e);
    const flat: Params = {};
    for (const [k, v] of Object.entries(e)) {
      if (k === 'values') {
        if (!isMap(v)) throw new GeneratorError('argocd/generator', `${where}.elements[${i}].values: must be a map (Argo CD: "error parsing values map")`);
        for (const [vk, vv] of Object.entries(v)) {
          if (typeof vv !== 'string') throw new GeneratorError('argocd/generator', `${where}.elements[${i}].values.${vk}: must be a string without goTemplate (Argo CD: "error parsing value as string")`);
          flat[`values.${vk}`] = vv;
        }
      } else if (typeof v !== 'string') throw new GeneratorError('argocd/generator', `${where}.elements[${i}].${k}: must be a string without goTemplate (Argo CD: "error parsing value as string")`);
      else flat[k] = v;
    }
    return flat;
  });
  if (spec.elementsYaml !== undefined) {
    if (typeof spec.elementsYaml !== 'string') throw new GeneratorError('argocd/generator', `${where}.elementsYaml: must be a string`);
    const parsed = Y.parse(spec.elementsYaml);
    if (!Array.isArray(parsed) || !parsed.every(isMap)) throw new GeneratorError('argocd/generator', `${where}.elementsYaml: must be a YAML list of objects`);
    out.push(...(parsed as Params[]));
  }
  return out;
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

/**
 * utils.CombineStringMaps (applicationset/utils/map.go): the matrix's fasttemplate merge,
 * an error when both sets hold one key with different values.
 */
export function combineStringMaps(a: Params, b: Params): Params {
  const out: Params = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (Object.hasOwn(out, k) && out[k] !== v) throw new Error(`found duplicate key ${k} with different value, a: ${String(out[k])} ,b: ${String(v)}`);
    out[k] = v;
  }
  return out;
}

async function matrix(ctx: GeneratorContext, spec: Record<string, unknown>, where: string): Promise<Params[]> {
  const gens = spec.generators;
  if (!Array.isArray(gens) || gens.length !== 2)
    throw new GeneratorError('argocd/generator', `${where}.generators: a matrix needs exactly two child generators (found ${Array.isArray(gens) ? gens.length : 0})`);
  const first = await generate(ctx, gens[0] as Record<string, unknown>, `${where}.generators[0]`);
  const out: Params[] = [];
  for (const p of first) {
    const second = await generate(ctx, gens[1] as Record<string, unknown>, `${where}.generators[1]`, p);
    for (const q of second) {
      if (goTemplateOf(ctx)) out.push(matrixMerge(p, q));
      else
        try {
          out.push(combineStringMaps(p, q));
        } catch (e) {
          throw new GeneratorError('argocd/generator', `${ctx.appSet} ${where}: ${(e as Error).message}`, where);
        }
    }
  }
  return out;
}

/**
 * applicationset/generators/merge.go GenerateParams (argoproj/argo-cd, the version of
 * indexParamsSetByMergeKeys): every child's parameter sets are indexed by the JSON of their
 * merge-key values (a set lacking any merge key is left out of the index; two sets of one
 * child with the same values are an error); a later child's set overrides the base set with
 * the same index (goTemplate: mergo.Merge WithOverride, as matrixMerge with the override
 * first; fasttemplate: CombineStringMapsAllowDuplicates). When no base set has every merge
 * key, the base sets come back as they are. Argo CD returns the sets in map order; here the
 * base order is kept (the Applications are the same).
 */
async function merge(ctx: GeneratorContext, spec: Record<string, unknown>, where: string): Promise<Params[]> {
  const gens = spec.generators;
  if (!Array.isArray(gens) || gens.length < 2)
    throw new GeneratorError('argocd/generator', `${ctx.appSet} ${where}.generators: found less than two generators, Merge requires two or more`, `${where}.generators`);
  const sets: Params[][] = [];
  for (const [i, g] of gens.entries()) sets.push(await generate(ctx, g as Record<string, unknown>, `${where}.generators[${i}]`));
  const keys = spec.mergeKeys;
  if (!Array.isArray(keys) || keys.length < 1 || !keys.every((k) => typeof k === 'string'))
    throw new GeneratorError('argocd/generator', `${ctx.appSet} ${where}.mergeKeys: no merge keys were specified, Merge requires at least one`, `${where}.mergeKeys`);
  const indexes = sets.map((set, i) => {
    try {
      return indexParamsSetByMergeKeys(keys as string[], set);
    } catch (e) {
      throw new GeneratorError('argocd/generator', `${ctx.appSet} ${where}.generators[${i}]: ${(e as Error).message}`, `${where}.generators[${i}]`);
    }
  });
  const base = indexes[0]!;
  if (base.size === 0) return sets[0]!;
  for (const additional of indexes.slice(1))
    for (const [id, baseSet] of base) {
      const override = additional.get(id);
      if (override) base.set(id, goTemplateOf(ctx) ? matrixMerge(override, baseSet) : { ...baseSet, ...override });
    }
  return [...base.values()];
}

/** merge.go indexParamsSetByMergeKeys / paramsIdByMergeKeys: the index is the JSON of the (deduplicated) merge keys' values. */
export function indexParamsSetByMergeKeys(mergeKeys: readonly string[], paramsSet: readonly Params[]): Map<string, Params> {
  if (mergeKeys.length < 1) throw new Error('no merge keys were specified, Merge requires at least one');
  // Go's json.Marshal of a map sorts its keys.
  const keys = [...new Set(mergeKeys)].sort();
  const out = new Map<string, Params>();
  for (const params of paramsSet) {
    if (!keys.every((k) => Object.hasOwn(params, k))) continue;
    const id = goJson(Object.fromEntries(keys.map((k) => [k, params[k]])));
    if (out.has(id)) throw new Error(`the parameters from a generator were not unique by the given mergeKeys, Merge requires all param sets to be unique. Duplicate key was ${id}`);
    out.set(id, params);
  }
  return out;
}

/** encoding/json.Marshal of parameter values: maps with sorted keys, no spaces. */
function goJson(v: unknown): string {
  if (v instanceof Unsupported) throw new Error(`a merge key's value is not available offline: ${v.reason}`);
  if (isMap(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${goJson(v[k])}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  return JSON.stringify(v ?? null);
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
  const wrap = (p: Params, extra: Params = {}): Params => {
    if (goTemplateOf(ctx)) return { ...extra, ...(prefix ? { [prefix]: { path: p } } : { path: p }) };
    // git.go without goTemplate: the file's values flattened with dots (flatten.DotStyle, fmt %v), then
    // `path`, `path.basename`, …, `path[i]` for each non-empty segment, under `<prefix>.` when set.
    const name = prefix ? `${prefix}.path` : 'path';
    const flat: Params = { ...flattenDots(extra) };
    flat[name] = p.path;
    flat[`${name}.basename`] = p.basename;
    if (p.filename !== undefined) flat[`${name}.filename`] = p.filename;
    flat[`${name}.basenameNormalized`] = p.basenameNormalized;
    if (p.filenameNormalized !== undefined) flat[`${name}.filenameNormalized`] = p.filenameNormalized;
    (p.segments as string[]).forEach((seg, i) => {
      if (seg) flat[`${name}[${i}]`] = seg;
    });
    return flat;
  };
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

/** jeremywohl/flatten DotStyle with Go's %v of each leaf, for fasttemplate parameters from a file. */
function flattenDots(o: Params, prefix = '', out: Params = {}): Params {
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isMap(v) && Object.keys(v).length) flattenDots(v, key, out);
    else if (Array.isArray(v) && v.length) v.forEach((x, i) => (isMap(x) || Array.isArray(x) ? flattenDots({ [i]: x }, key, out) : (out[`${key}.${i}`] = goPrint(x, key))));
    else out[key] = goPrint(v, key);
  }
  return out;
}

/** fmt's %v of a value from a git file (sigs.k8s.io/yaml: numbers are float64). */
function goPrint(v: unknown, key: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  const n = typeof v === 'number' ? goFloatString(v) : undefined;
  if (n !== undefined) return n;
  // Go prints large numbers, nil, empty maps and lists as 1e+06, <nil>, map[], [] — not reproduced here.
  throw new GeneratorError(
    'argocd/generator',
    `${key}: ${v === null ? 'a null' : Array.isArray(v) ? 'an empty list' : typeof v === 'number' ? `the number ${v}` : 'an empty map'} in a git file cannot be flattened offline exactly for a fasttemplate ApplicationSet (Go's %v); quote it, or use goTemplate: true`,
  );
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
      // pull_request.go: labels are a parameter for goTemplate ApplicationSets only.
      ...(goTemplateOf(ctx) ? { labels: [...(pr.labels ?? [])] } : {}),
    }));
}

/** Argo CD's in-cluster destination (argoappsetv1alpha1.KubernetesInClusterName / KubernetesInternalAPIServerAddr). */
export const inCluster = { name: 'in-cluster', server: 'https://kubernetes.default.svc' } as const;

/**
 * A Kubernetes label selector against a cluster secret's labels, as the cluster generator reads it (cluster.go:
 * metav1.LabelSelectorAsSelector, whose refusal fails the ApplicationSet).
 */
function selects(selector: LabelSelector, labels: Readonly<Record<string, string>>, where: string): boolean {
  const problem = selectorProblem(selector);
  if (problem) throw new GeneratorError('argocd/generator', `${where}.selector.${problem}`);
  return selectorMatches(selector, labels);
}

/**
 * applicationset/generators/cluster.go GenerateParams: the in-cluster destination (unless a
 * selector is set, or a secret already registers its server), then every cluster secret the
 * selector (plus argocd.argoproj.io/secret-type=cluster) matches: name, nameNormalized,
 * server, project, and the secret's labels and annotations (goTemplate: `metadata`; in-cluster
 * has none) or `metadata.labels.<k>` / `metadata.annotations.<k>` (fasttemplate); then
 * `values`, rendered with those parameters; `flatList` makes one set `{ clusters: [...] }`.
 */
function clusterParams(ctx: GeneratorContext, spec: Record<string, unknown>, where: string): Params[] {
  if (!ctx.clusters)
    throw new GeneratorError('argocd/generator', `${ctx.appSet} ${where}: the clusters registered with Argo CD are not known to this preview`, where);
  if (spec.selector !== undefined && !isMap(spec.selector)) throw new GeneratorError('argocd/generator', `${ctx.appSet} ${where}.selector: must be a label selector`, `${where}.selector`);
  const selector = (spec.selector ?? {}) as LabelSelector;
  const hasSelector = !isEmptySelector(selector);
  const out: Params[] = [];
  const secrets = ctx.clusters.filter((c) => {
    if (!hasSelector) return true;
    if (c.labels instanceof Unsupported)
      throw new GeneratorError('argocd/generator', `${ctx.appSet} ${where}.selector: cluster ${c.name}'s secret labels are not available offline: ${c.labels.reason}`, `${where}.selector`);
    return selects(selector, { 'argocd.argoproj.io/secret-type': 'cluster', ...c.labels }, where);
  });
  if (!hasSelector && (ctx.inClusterEnabled ?? true) && !ctx.clusters.some((c) => c.server === inCluster.server))
    out.push({ name: inCluster.name, nameNormalized: inCluster.name, server: inCluster.server, project: '' });
  for (const c of secrets) {
    const p: Params = { name: c.name, nameNormalized: sanitizeName(c.name), server: c.server, project: c.project ?? '' };
    const labels = c.labels instanceof Unsupported ? c.labels : { 'argocd.argoproj.io/secret-type': 'cluster', ...c.labels };
    if (goTemplateOf(ctx)) {
      if (labels instanceof Unsupported || c.annotations instanceof Unsupported) p.metadata = labels instanceof Unsupported ? labels : c.annotations;
      else p.metadata = { ...(Object.keys(c.annotations as Record<string, string>).length ? { annotations: { ...c.annotations } } : {}), labels };
    } else {
      if (labels instanceof Unsupported) p[unknownFamily('metadata.labels.')] = labels;
      else for (const [k, v] of Object.entries(labels)) p[`metadata.labels.${k}`] = v;
      if (c.annotations instanceof Unsupported) p[unknownFamily('metadata.annotations.')] = c.annotations;
      else for (const [k, v] of Object.entries(c.annotations)) p[`metadata.annotations.${k}`] = v;
    }
    out.push(p);
  }
  const withVals = withValues(ctx, out, spec.values, `${where}.values`);
  return spec.flatList === true ? [{ clusters: withVals }] : withVals;
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
    if (isMap(g.clusters)) ['name', 'nameNormalized', 'server', 'project', 'metadata', 'clusters'].forEach((k) => otherKeys.add(k));
    if (isMap(g.matrix)) for (const c of (g.matrix.generators as unknown[]) ?? []) walk(c);
    if (isMap(g.merge)) for (const c of (g.merge.generators as unknown[]) ?? []) walk(c);
  };
  generators.forEach(walk);
  return { listKeys, otherKeys };
}

export { renderTemplate };
