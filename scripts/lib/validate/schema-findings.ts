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
import { crdCacheKey } from '../../../policies/lib/crd-schema.ts';
import { valueAt, defaultKubernetesVersion, formatPath, SchemaValidator, type SchemaIssue } from './schema.ts';

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


