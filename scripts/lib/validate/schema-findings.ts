// The schema step: strict schema issues of rendered objects, remembered per object
// content, located in the source file a person edits.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { clusters } from '../../../generators/environments.ts';
import { objectRef, type Finding, type RenderedObject, type Target } from '../../../kube/index.ts';
import type { RenderResult } from '../kustomize/index.ts';
import { cachePath, type FieldTree } from './field-tree.ts';
import { codeDigest } from '../plumbing/code.ts';
import type { SourceLocator } from './locate.ts';
import { crdCacheKey, crdVersionsOfObject, CrdRegistry, vendoredCrds } from '../../../policies/lib/crd-schema.ts';
import { scopeOf } from '../../../policies/lib/index-objects.ts';
import { valueAt } from '../../../kube/index.ts';
import { defaultKubernetesVersion, formatPath, SchemaValidator, type SchemaIssue } from './schema.ts';

/**
 * The key of the schema-issue cache besides each object's own hash: the field tree (`treeKey`, FieldTree.key), the
 * vendored CRDs that custom resources are checked against and their validator's code (policies/lib/crd-schema.ts
 * crdCacheKey), and the code that words the issues (schema.ts and what it imports), or a changed message would be
 * served stale. Repository-relative throughout: the same wherever the checkout lives.
 */
export function schemaIssuesKey(treeKey: string): string {
  return `${treeKey};crd=${crdCacheKey()};code=${codeDigest(new URL('./schema.ts', import.meta.url).href)}`;
}

/**
 * Per cluster (scopeOf), the CustomResourceDefinitions rendered there that serve a kind no vendored CRD serves: a
 * team's own CRD in an overlay serves its custom resources, as the API server does once Argo CD has applied it (files
 * mode reads the input's CRDs the same way, schema-sources.ts). A vendored kind keeps its vendored schema; a patch to
 * a vendored CRD is apiserver/apiextensions' to judge. `digest` joins the schema-issue cache key of that scope's objects.
 */
export function ownCrds(all: readonly RenderedObject[]): Map<string, { readonly crds: CrdRegistry; readonly digest: string }> {
  const byScope = new Map<string, { crds: CrdRegistry; texts: string[] }>();
  for (const r of all) {
    const o = r.object;
    if (o?.kind !== 'CustomResourceDefinition' || !String(o.apiVersion).startsWith('apiextensions.k8s.io/')) continue;
    const own = crdVersionsOfObject(o, r.origin ?? r.target.path).filter((v) => typeof v.group === 'string' && typeof v.kind === 'string' && !vendoredCrds().lookup(`${v.group}/${v.version}`, v.kind));
    if (!own.length) continue;
    const scope = scopeOf(r.target);
    let entry = byScope.get(scope);
    if (!entry) byScope.set(scope, (entry = { crds: CrdRegistry.vendored(), texts: [] }));
    for (const v of own) entry.crds.add(v);
    entry.texts.push(JSON.stringify([r.origin, o.spec]));
  }
  return new Map([...byScope].map(([scope, { crds, texts }]) => [scope, { crds, digest: createHash('sha1').update(texts.sort().join('\0')).digest('base64url') }]));
}

/**
 * Schema issues are a pure function of (object, field tree, cluster version), so
 * they are remembered per object content hash: after an overlay edit only the
 * objects that changed are validated (and only their kinds' schemas loaded).
 */
export async function cachedSchemaFindings(tree: FieldTree, results: readonly RenderResult[], locator: SourceLocator, useCache: boolean): Promise<Finding[]> {
  const versionOf = (t: Target) => (t.cluster ? clusters[t.cluster].kubernetesVersion : defaultKubernetesVersion);
  const cacheFile = join(dirname(cachePath()), 'schema-issues.json');
  const key = schemaIssuesKey(tree.key);
  let known: Record<string, SchemaIssue[]> = {};
  if (useCache && existsSync(cacheFile)) {
    try {
      const c = JSON.parse(readFileSync(cacheFile, 'utf8')) as { tree: string; issues: Record<string, SchemaIssue[]> };
      if (c.tree === key) known = c.issues;
    } catch {
      known = {};
    }
  }
  const all = results.flatMap((r) => r.objects);
  const own = ownCrds(all);
  const hashOf = (o: RenderedObject) => createHash('sha1').update(`${versionOf(o.target)}\0${own.get(scopeOf(o.target))?.digest ?? ''}\0${JSON.stringify(o.object)}`).digest('base64url');
  const hashes = all.map(hashOf);
  const todo = all.filter((_, i) => !(hashes[i]! in known));
  if (todo.length) {
    const kinds = todo.map((o) => `${o.object.apiVersion}/${o.object.kind}`);
    const validator = await SchemaValidator.create(tree, kinds, { repository: true });
    const scoped = new Map<string, SchemaValidator>();
    for (const [scope, { crds }] of own) if (todo.some((o) => scopeOf(o.target) === scope)) scoped.set(scope, await SchemaValidator.create(tree, kinds, { crds, repository: true }));
    todo.forEach((o) => (known[hashOf(o)] = (scoped.get(scopeOf(o.target)) ?? validator).validate(o.object, versionOf(o.target))));
    if (useCache) {
      // Keep only what this repository renders now, so the file does not grow without bound.
      const keep = Object.fromEntries(hashes.map((h) => [h, known[h]!]));
      mkdirSync(dirname(cacheFile), { recursive: true });
      writeFileSync(`${cacheFile}.${process.pid}`, JSON.stringify({ tree: key, issues: keep }));
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
export function schemaFindings(validator: SchemaValidator, rendered: readonly RenderedObject[], locator: SourceLocator, kubernetesVersion?: string): Finding[] {
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

export function schemaFinding(r: RenderedObject, issue: SchemaIssue, pos: { file: string; line: number; column: number; note?: string } | undefined): Finding {
  const got = valueAt(r.object, issue.path);
  const shown = got !== undefined && typeof got !== 'object' && !issue.message.startsWith('unknown field') ? ` (got ${JSON.stringify(got)})` : '';
  return {
    rule: 'schema',
    severity: issue.severity ?? 'error',
    target: r.target.name,
    object: objectRef(r.object ?? {}),
    path: formatPath(issue.path),
    file: pos?.file ?? r.origin,
    line: pos?.line,
    column: pos?.column,
    message: issue.message + shown,
    // the fix the schema step worded (schema.ts fixFor: 512mb → 512Mi or 512M), unless the locator knows better
    hint: pos?.note ?? issue.hint,
    ...(issue.standsFor ? { standsFor: formatPath(issue.standsFor) } : {}),
    ...(issue.belongsUnder ? { belongsUnder: formatPath(issue.belongsUnder) } : {}),
  };
}


