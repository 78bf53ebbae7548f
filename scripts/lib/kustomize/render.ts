// Render overlays with the pinned kustomize binary, in parallel processes, with
// origin annotations on (through a throw-away wrapper kustomization) and strip
// them from the objects handed to the checks.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Finding, RenderedObject, Target } from '../../../kube/index.ts';
import { loadManifests } from '../../../kube/yaml-schema.ts';
import { contentHash, CopyingCache } from '../plumbing/cache.ts';
import { filesUnder } from '../plumbing/files.ts';
import { kustomizeBinary, runKustomize as run } from './binary.ts';
import { openApiForKinds, slimOpenApiFile } from './openapi.ts';
import { gvkString, kustomizeOrder } from './order.ts';
import { originsFor, saveOriginCache, sourceIndex } from './origins.ts';
import { readCache, renderCacheFile, writeCache } from './render-cache.ts';
import { partsOf } from './targets.ts';
import { inputKey, kustomizationTree, type Includes, type KustomizationTree } from './tree.ts';

const ORIGIN = 'config.kubernetes.io/origin';

export interface RenderResult {
  readonly target: Target;
  readonly objects: RenderedObject[];
  readonly findings: Finding[];
  /** Content-hash key of the render's inputs, when rendered with `cache: true`. */
  readonly key?: string;
}

/** Make a scratch directory inside the repository (kustomize only loads relative bases). */
export function scratchDir(root: string, prefix = 'render'): string {
  const base = join(root, '.cache');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}

/**
 * Parsed kustomize output documents by content hash, kept between runs (as JSON
 * text, so every caller gets its own copy to mutate). After an overlay edit most
 * documents of the new render are byte-for-byte ones already seen: only the
 * changed ones are parsed as YAML, the rest are JSON.parse'd, much faster.
 */
const parsedDocs = new CopyingCache<Record<string, any> | null>('rendered-docs.json', import.meta.url, 2000);

/** One YAML document of kustomize's output, as a plain object (null for an empty document). */
function parseRenderedDoc(text: string): Record<string, any> | null {
  // kustomize's output is machine-written YAML; js-yaml (loadManifests: YAML 1.2 core schema,
  // the same resolution as `yaml`) reads it several times faster. Hand-written files keep `yaml`,
  // for positions and duplicate keys. test/scripts/kustomize/render.test.ts compares the two.
  return parsedDocs.memo(contentHash(text), () => {
    const docs = loadManifests(text);
    return docs.length === 1 && docs[0] && typeof docs[0] === 'object' ? (docs[0] as Record<string, any>) : null;
  });
}

/** kustomize's output split into its documents (it writes `---` alone on a line between them). */
const documentsOf = (yaml: string): string[] => yaml.split(/^---\n/m).filter((d) => d.trim() !== '');

/** Parse kustomize's multi-document output into rendered objects, resolving origins to repo paths. */
export function objectsFrom(yaml: string, target: Target, root: string, wrapperDir: string): RenderedObject[] {
  const out: RenderedObject[] = [];
  for (const text of documentsOf(yaml)) {
    const object = parseRenderedDoc(text);
    if (!object) continue;
    let origin: string | undefined;
    const annotations = object.metadata?.annotations;
    if (annotations && ORIGIN in annotations) {
      // Resources carry `path`; objects made by generators (configMapGenerator) carry `configuredIn`.
      const meta = loadManifests(String(annotations[ORIGIN]))[0] as { path?: string; configuredIn?: string } | null;
      const path = meta?.path ?? meta?.configuredIn;
      if (path) origin = relative(root, resolve(wrapperDir, path));
      delete annotations[ORIGIN];
      if (Object.keys(annotations).length === 0) delete object.metadata.annotations;
    }
    out.push({ target, object, origin, index: out.length });
  }
  return out;
}

/** Kustomize errors name files with absolute or wrapper-relative paths; make them repo-relative. */
function kustomizeFinding(stderr: string, target: Target, root: string, wrapperDir: string): Finding {
  let message = stderr.trim().replace(/^Error: /, '');
  message = message.split(root + '/').join('').split(relative(root, wrapperDir) + '/').join('');
  const file = /(overlays\/[\w./-]+\.ya?ml|base\/[\w./-]+\.ya?ml)/.exec(message)?.[1];
  return {
    rule: 'kustomize',
    severity: 'error',
    target: target.name,
    file: file ?? `${target.path}/kustomization.yaml`,
    message: `kustomize build ${target.path} failed: ${message}`,
    hint: `run: ${relative(root, kustomizeBinary())} build ${target.path}`,
  };
}

const TARGET_ANNOTATION = 'marquee.validate/target';

/** Remove the grouping annotation wherever commonAnnotations put it (metadata, pod templates, job templates). */
function stripTargetAnnotation(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(stripTargetAnnotation);
  const rec = node as Record<string, any>;
  for (const [k, v] of Object.entries(rec)) {
    if (k === 'annotations' && v && typeof v === 'object' && TARGET_ANNOTATION in v) {
      delete v[TARGET_ANNOTATION];
      if (Object.keys(v).length === 0) delete rec[k];
    } else stripTargetAnnotation(v);
  }
}

/**
 * Write a throw-away top-level kustomization. It points kustomize at the slim
 * copy of its own OpenAPI document (scripts/lib/kustomize-openapi.ts), which
 * renders identically and starts much faster per process, or at the part of it that
 * `openapi` names.
 */
function writeWrapper(dir: string, body: string, openapi = slimOpenApiFile(kustomizeBinary())): void {
  mkdirSync(dir, { recursive: true });
  if (openapi) copyFileSync(openapi, join(dir, 'openapi.json'));
  writeFileSync(join(dir, 'kustomization.yaml'), openapi ? `${body}openapi:\n  path: openapi.json\n` : body);
}

/**
 * The kinds a target's files declare at the top level (YAML `kind:` in column 0,
 * JSON `"kind":` anywhere), plus the generators' ConfigMap and Secret. Only a
 * guess that makes the OpenAPI document small: renderOne checks the output.
 * `byDir` is shared by the targets of one renderFresh call, which share bases.
 */
function declaredKinds(root: string, path: string, byDir: Map<string, readonly string[]>, includes: Map<string, Includes>): Set<string> {
  const kinds = new Set(['ConfigMap', 'Secret']);
  for (const dir of kustomizationTree(root, path, includes).dirs) {
    let found = byDir.get(dir);
    if (!found) {
      const inDir = new Set<string>();
      for (const f of filesUnder(join(root, dir), new Set())) {
        if (!/\.(ya?ml|json)$/.test(f)) continue;
        const text = readFileSync(join(root, dir, f), 'utf8');
        for (const m of text.matchAll(/^kind:[ \t]*["']?([A-Za-z0-9]+)|"kind"\s*:\s*"([A-Za-z0-9]+)"/gm)) inDir.add((m[1] ?? m[2])!);
      }
      byDir.set(dir, (found = [...inDir]));
    }
    for (const k of found) kinds.add(k);
  }
  return kinds;
}

async function renderOne(bin: string, root: string, scratch: string, target: Target, i: number, kindsByDir: Map<string, readonly string[]>, includes: Map<string, Includes>): Promise<RenderResult> {
  // The OpenAPI definitions of the kinds the target's files declare. If kustomize
  // fails with them, or renders an object of another kind, the target renders
  // again with the whole document, so the smaller one never changes a result.
  const kinds = declaredKinds(root, target.path, kindsByDir, includes);
  const small = openApiForKinds(bin, kinds);
  const render = async (annotate: boolean, openapi = small): Promise<RenderResult> => {
    const wrapper = join(scratch, `t${i}${annotate ? '-origins' : ''}${openapi === small ? '' : '-all'}`);
    const include = `resources:\n  - ${relative(wrapper, join(root, target.path))}\n`;
    writeWrapper(wrapper, annotate ? `${include}buildMetadata: [originAnnotations]\n` : include, openapi);
    const r = await run(bin, ['build', wrapper], root);
    const covered = r.code === 0 ? objectsFrom(r.stdout, target, root, wrapper) : undefined;
    if (openapi === small && small && !covered?.every((o) => kinds.has(o.object.kind))) return render(annotate, slimOpenApiFile(bin));
    if (!covered) return { target, objects: [], findings: [kustomizeFinding(r.stderr, target, root, wrapper)] };
    return { target, objects: covered, findings: [] };
  };
  // Origins from the sources (scripts/lib/origins.ts, parses cached by content:
  // cheap per target) when it models the target; otherwise, or if an object has no
  // single source, kustomize's own annotations.
  const index = sourceIndex(root, target.path);
  if (!index) return render(true);
  const rendered = await render(false);
  if (rendered.findings.length) return rendered;
  const origins = originsFor(index, rendered.objects.map((o) => o.object));
  return origins ? { ...rendered, objects: rendered.objects.map((o, k) => ({ ...o, origin: origins[k] })) } : render(true);
}

/**
 * Render several targets in ONE kustomize process, paying process start and the
 * OpenAPI parse once (opt-in: `group: true`). Each target sits in its own sub-kustomization that only adds a
 * marker annotation, so objects are attributed exactly; the marker is stripped.
 * Returns undefined when the group fails (the caller renders one by one to
 * attribute the error, e.g. two targets rendering the same object).
 */
async function renderGroup(bin: string, root: string, scratch: string, group: readonly Target[], g: number): Promise<RenderResult[] | undefined> {
  const top = join(scratch, `g${g}`);
  group.forEach((t, i) => {
    const sub = join(top, String(i));
    mkdirSync(sub, { recursive: true });
    writeFileSync(
      join(sub, 'kustomization.yaml'),
      `resources:\n  - ${relative(sub, join(root, t.path))}\ncommonAnnotations:\n  ${TARGET_ANNOTATION}: "${i}"\n`,
    );
  });
  writeWrapper(top, `resources:\n${group.map((_, i) => `  - ${i}\n`).join('')}buildMetadata: [originAnnotations]\n`);
  const r = await run(bin, ['build', top], root);
  if (r.code !== 0) return undefined;
  const results: RenderResult[] = group.map((target) => ({ target, objects: [], findings: [] }));
  const all = objectsFrom(r.stdout, group[0]!, root, top);
  for (const o of all) {
    const i = Number(o.object.metadata?.annotations?.[TARGET_ANNOTATION]);
    const res = results[i];
    if (!res) return undefined;
    stripTargetAnnotation(o.object);
    res.objects.push({ ...o, target: res.target, index: res.objects.length });
  }
  return results;
}

/** How renderTargets runs kustomize. */
export interface RenderOptions {
  /**
   * Render each cluster's targets in one kustomize process. With the slim OpenAPI
   * document a process starts quickly, so one process per target (both cores,
   * finer cache) is faster; grouping stays for very many small targets. @default false
   */
  readonly group?: boolean;
  /** Reuse renders whose inputs are byte-for-byte unchanged (node_modules/.cache/marquee/render). @default false */
  readonly cache?: boolean;
  /** The kustomization walk's memo (kustomizationTree), to share with a caller that walks the same tree. */
  readonly includes?: Map<string, KustomizationTree>;
}

export async function renderTargets(root: string, targets: readonly Target[], opts: RenderOptions = {}): Promise<RenderResult[]> {
  try {
    return await renderCached(root, targets, opts);
  } finally {
    saveOriginCache();
    parsedDocs.save();
  }
}

/**
 * One target's result from its parts' results: their findings, or their objects
 * in kustomize's order. Undefined when two parts render the same object (the
 * whole build fails then; the caller renders it whole for kustomize's message).
 */
function joinParts(target: Target, parts: readonly RenderResult[]): RenderResult | undefined {
  const key = createHash('sha256').update(parts.map((p) => p.key ?? '').join('\0')).digest('hex');
  const findings = parts.flatMap((p) => p.findings);
  if (findings.length) return { target, objects: [], findings, key };
  const objects = parts.flatMap((p) => p.objects);
  const ids = new Set(objects.map((o) => `${gvkString(o.object)}|${o.object.metadata?.namespace ?? ''}|${o.object.metadata?.name ?? ''}`));
  if (ids.size !== objects.length) return undefined;
  const sorted = [...objects].sort((a, b) => kustomizeOrder(a.object, b.object));
  return { target, objects: sorted.map((o, index) => ({ ...o, target, index })), findings: [], key };
}

async function renderCached(root: string, targets: readonly Target[], opts: RenderOptions): Promise<RenderResult[]> {
  const plan = targets.map((t) => partsOf(root, t) ?? [t]);
  const units = plan.flat();
  const results = await renderUnits(root, units, opts);
  return Promise.all(
    targets.map(async (t, i) => {
      const mine = results.slice(plan.slice(0, i).flat().length, plan.slice(0, i + 1).flat().length);
      if (plan[i]![0] === t) return mine[0]!;
      return joinParts(t, mine) ?? (await renderFresh(root, [t], opts))[0]!;
    }),
  );
}

async function renderUnits(root: string, targets: readonly Target[], opts: RenderOptions): Promise<RenderResult[]> {
  if (!opts.cache) return renderFresh(root, targets, opts);
  const memo = new Map<string, string>();
  const includes = opts.includes ?? new Map<string, Includes>();
  // A grouped render (one kustomize process, origins from kustomize's annotations) is kept apart
  // from a per-target one: the key covers the render options as well as the inputs.
  const keys = targets.map((t) => `${inputKey(root, t, memo, includes)}${opts.group === true ? '-grouped' : ''}`);
  // Start kustomize for the targets not in the cache before reading the ones that are.
  const missing = targets.filter((_, i) => !existsSync(renderCacheFile(keys[i]!)));
  const fresh = missing.length ? renderFresh(root, missing, opts, includes) : Promise.resolve([]);
  const cached = targets.map((t, i) => (missing.includes(t) ? undefined : readCache(keys[i]!, t)));
  // A cache entry that could not be read after all: render it now.
  const unreadable = targets.filter((t, i) => !missing.includes(t) && !cached[i]);
  const late = unreadable.length ? await renderFresh(root, unreadable, opts, includes) : [];
  const rendered = await fresh;
  return targets.map((t, i) => {
    if (cached[i]) return { ...cached[i]!, key: keys[i]! };
    const r = missing.includes(t) ? rendered[missing.indexOf(t)]! : late[unreadable.indexOf(t)]!;
    if (!r.findings.length) writeCache(keys[i]!, r);
    return { ...r, key: keys[i]! };
  });
}

/** `includes`: the kustomization walk's memo, shared with the caller's cache keys. */
async function renderFresh(root: string, targets: readonly Target[], opts: RenderOptions, includes = opts.includes ?? new Map<string, Includes>()): Promise<RenderResult[]> {
  const bin = kustomizeBinary();
  const scratch = scratchDir(root);
  try {
    // kustomize would clone remote bases over the network: renders stay offline.
    const offline: RenderResult[] = [];
    const groups = new Map<string, Target[]>();
    for (const t of targets) {
      const { remote } = kustomizationTree(root, t.path, includes);
      if (remote.length) {
        offline.push({ target: t, objects: [], findings: [{ rule: 'kustomize', severity: 'error', target: t.name, file: `${t.path}/kustomization.yaml`, message: `${t.path} was not rendered: it includes remote bases (${remote.join(', ')}), which validate does not fetch`, hint: 'vendor the manifests into the repository and refer to them by path' }] });
        continue;
      }
      const key = t.cluster ?? [...groups.keys()][0] ?? 'default';
      groups.set(key, [...(groups.get(key) ?? []), t]);
    }
    const kindsByDir = new Map<string, readonly string[]>();
    const byGroup = await Promise.all(
      [...groups.values()].map(async (group, g) => {
        const grouped = group.length > 1 && opts.group === true ? await renderGroup(bin, root, scratch, group, g) : undefined;
        return grouped ?? Promise.all(group.map((t) => renderOne(bin, root, scratch, t, targets.indexOf(t), kindsByDir, includes)));
      }),
    );
    const results = [...offline, ...byGroup.flat()];
    return targets.map((t) => results.find((r) => r.target === t)!);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

