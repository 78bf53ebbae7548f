// Where files mode's schemas come from, from the CLI's kubeconform-like flags: --crd <file|dir> (a user's own CRDs),
// CustomResourceDefinitions found in the validated files themselves, the vendored CRDs (vendor/crds), --skip-kind and
// --ignore-missing-schemas. Bad values are usage errors naming the flag.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { RenderedObject } from '../../../kube/index.ts';
import { crdVersionsOfObject, CrdRegistry } from '../../../policies/lib/crd-schema.ts';
import type { SchemaSources } from './schema.ts';
import { UsageError } from './usage.ts';

export interface SchemaFlags {
  /** --crd: files or folders holding CustomResourceDefinitions. */
  readonly crd?: readonly string[];
  /** --skip-kind: kinds, each flag a comma-separated list. */
  readonly skipKind?: readonly string[];
  readonly ignoreMissingSchemas?: boolean;
}

/** Parse --skip-kind values: `Kind[,Kind]`, each a Kubernetes kind name. */
export function parseSkipKinds(values: readonly string[] = []): Set<string> {
  const out = new Set<string>();
  for (const v of values)
    for (const k of v.split(',').map((s) => s.trim())) {
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(k)) throw new UsageError(`--skip-kind ${JSON.stringify(v)}: expected Kind[,Kind] (e.g. VirtualService,Gateway), got ${JSON.stringify(k)}`);
      out.add(k);
    }
  return out;
}

/** The schema sources for files mode: vendored CRDs, then CRDs in the input, then --crd (later wins). */
export function schemaSources(cwd: string, flags: SchemaFlags, rendered: readonly RenderedObject[], inputCrdFiles: readonly string[] = []): SchemaSources {
  const crds = CrdRegistry.vendored();
  addInputCrds(crds, cwd, inputCrdFiles);
  for (const r of rendered) if (r.object?.kind === 'CustomResourceDefinition' && String(r.object.apiVersion).startsWith('apiextensions.k8s.io/')) for (const v of crdVersionsOfObject(r.object, r.origin ?? r.target.path)) crds.add(v);
  for (const p of flags.crd ?? []) {
    const abs = resolve(cwd, p);
    if (!existsSync(abs)) throw new UsageError(`--crd ${p}: no such file or directory`);
    let added;
    try {
      added = crds.addPath(abs, relative(cwd, abs) || '.');
    } catch (err) {
      throw new UsageError(`--crd ${p}: ${(err as Error).message.split('\n')[0]}`);
    }
    if (!added.length) throw new UsageError(`--crd ${p}: no CustomResourceDefinition (apiextensions.k8s.io/v1) with an openAPIV3Schema found`);
  }
  return { crds, skipKinds: parseSkipKinds(flags.skipKind), ignoreMissingSchemas: flags.ignoreMissingSchemas ?? false };
}

/** The CRDs of the input's files, in order, to the registry's input tier (below --crd's, whenever they are added). */
export function addInputCrds(crds: CrdRegistry, cwd: string, files: readonly string[]): void {
  for (const abs of files) {
    try {
      crds.addPath(abs, relative(cwd, abs) || abs, 'input');
    } catch {
      // a broken file is reported by its own check; its CRDs just do not count
    }
  }
}

/**
 * What files mode's schema step reads, as plain data a worker thread can receive: the flags, and
 * the input's own files that hold CustomResourceDefinitions (their kinds are checked against them).
 */
export interface SchemaSpec {
  readonly cwd: string;
  readonly flags: SchemaFlags;
  /** input files (absolute) in which a CustomResourceDefinition appears */
  readonly inputCrds: readonly string[];
}

/** The sources of a spec (usage errors for bad flags). */
export function sourcesOfSpec(spec: SchemaSpec): SchemaSources {
  return schemaSources(spec.cwd, spec.flags, [], spec.inputCrds);
}
