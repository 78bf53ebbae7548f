// Files mode (kubeconform-style): validate manifest files or folders as they are,
// without kustomize (vendored third-party YAML, a user's own manifests).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Finding, RenderedObject, Target } from '../../../kube/index.ts';
import { filesUnder, yamlFilesUnder } from '../plumbing/files.ts';
import { Y } from '../plumbing/yaml.ts';
import { loadFieldTree } from './field-tree.ts';
import { SourceLocator } from './locate.ts';
import { refine, summarize } from './findings.ts';
import type { ValidateResult } from './pipeline.ts';
import { defaultKubernetesVersion, SchemaValidator } from './schema.ts';
import { schemaFindings } from './schema-findings.ts';
import { schemaSources, type SchemaFlags } from './schema-sources.ts';
import { yamlFindings } from './sources.ts';
import { UsageError } from './usage.ts';

/** kubeconform-style: validate arbitrary manifest files or folders (vendored third-party YAML). */
export async function validateFiles(root: string, paths: readonly string[], kubernetesVersion = defaultKubernetesVersion, schema: SchemaFlags = {}): Promise<ValidateResult> {
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
  const validator = await SchemaValidator.create(tree, rendered.map((r) => `${r.object?.apiVersion}/${r.object?.kind}`), schemaSources(root, schema, rendered));
  const locator = new SourceLocator(root);
  findings.push(...schemaFindings(validator, rendered, locator, kubernetesVersion));
  // What the API server itself would refuse (policies/apiserver): vendored files are applied as they are.
  const { runPolicies } = await import('../../../policies/index.ts');
  findings.push(...runPolicies(rendered, { only: ['apiserver'] }).findings);
  findings.splice(0, findings.length, ...refine(findings, rendered, locator, root));
  const summary = { ...summarize(findings, targets, rendered.length, started), unit: 'files' };
  return { findings, summary, targets: targets.map((t) => t.name), rendered, notes: [], timings: {} };
}

const jsonFilesUnder = (root: string, dir: string): string[] =>
  filesUnder(resolve(root, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => (dir === '.' ? f : `${dir}/${f}`));

function jsonFindings(file: string, text: string): Finding[] {
  try {
    JSON.parse(text);
    return [];
  } catch (err) {
    return [{ rule: 'yaml/syntax', severity: 'error', file, message: `invalid JSON: ${(err as Error).message}` }];
  }
}

