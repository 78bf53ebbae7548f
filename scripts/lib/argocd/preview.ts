// Offline ApplicationSet preview: expand the ApplicationSets in argocd/ the way
// Argo CD's applicationset controller would, without a server, and check every
// generated Application: schema, target revision and path, `kustomize build`
// (with the Application's kustomize options applied like Argo CD's repo server),
// and what its AppProject permits (source, destination, every rendered resource).
import { pool, run } from '../plumbing/process.ts';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { YAMLSeq } from 'yaml';
import { Y } from '../../../kube/yaml-lazy.ts';
import { clusters, envComponents, envNames, environments, repository } from '../../../generators/environments.ts';
import { labelKeys, previews } from '../../../generators/argocd/delivery.ts';
import { kustomizeBinary, kustomizeDigest, kustomizeVersion, readCache, writeCache } from '../kustomize/index.ts';
import { resolveCommit } from '../plumbing/git.ts';
import { kustomizationFileNames, objectRef, type Finding, type RenderedObject } from '../../../kube/index.ts';
import { contentHash, CopyingCache } from '../plumbing/cache.ts';
import { applicationObject, argoApiVersion, argoSchemaError, saveArgoSchemaCache, type ArgoKind } from './models.ts';
import { GeneratorError, generate, listOnlyKeys, type ClusterRecord, type Params, type PullRequestFixture } from './generators.ts';
import { TemplateError, Unsupported, renderTemplateParams } from './gotemplate.ts';
import { validateProject } from './project-validate.ts';
import { crdScopes, deniedKindHint, groupOf, isDestinationPermitted, isGroupKindPermitted, isNamespaced, isSourcePermitted, type DeployedBy, type ProjectSpec } from './project.ts';
import { GitSnapshot, Scratch, WorktreeSnapshot, type Snapshot } from './snapshot.ts';

export type { PullRequestFixture } from './generators.ts';

export interface CheckOptions {
  /** Repository root (a git work tree). */
  readonly root: string;
  /** Branch (or any revision) whose argocd/ ApplicationSets are expanded. */
  readonly branch: string;
  /**
   * Pull requests for the pull-request generator. When omitted, one synthetic PR
   * (#0, labelled for previews, targeting the previews' base branch, head = `branch`)
   * so the preview overlay is always exercised.
   */
  readonly prs?: readonly PullRequestFixture[];
  /**
   * `pinned` (default): every Git revision the ApplicationSets name (environment
   * branches, PR heads) is read from `branch` — "would this branch work in every
   * environment once promoted", what `npm run validate` wants. `tracked`: each
   * revision is read from the repository as named (what Argo CD would deploy now).
   */
  readonly revisions?: 'pinned' | 'tracked';
  /** The commit `branch` names, when the caller already resolved it (saves a git call). */
  readonly head?: string;
  /** Read `branch`'s content from the working tree instead of its commit (uncommitted changes count; implies pinned). */
  readonly worktree?: boolean;
  /** Run `kustomize build` for every Application. @default true */
  readonly kustomize?: boolean;
  /** Check only the Applications whose name this accepts (the others are still generated and listed). */
  readonly select?: (name: string) => boolean;
}

export interface PreviewedApplication {
  readonly name: string;
  /** Generating ApplicationSet, undefined for a plain Application in argocd/. */
  readonly appSet?: string;
  readonly project: string;
  readonly application: Record<string, any>;
  /** Where the source was read: `develop@1a2b3c4`, `working tree`. */
  readonly readFrom?: string;
  /** Objects `kustomize build` rendered, when it ran and succeeded. */
  readonly objects?: number;
  /** Rule ids of the findings on this Application (empty = all checks passed). */
  readonly problems: readonly string[];
  /** The build's objects came from the render cache (no kustomize run), when it was built. */
  readonly cached?: boolean;
}

export interface PreviewResult {
  /** Where argocd/ was read from. */
  readonly source: string;
  readonly applications: PreviewedApplication[];
  readonly findings: Finding[];
  /** The AppProjects found in argocd/, by name (for checkRenderedObjects). */
  readonly projects: Readonly<Record<string, ProjectSpec>>;
}

const TARGET = 'argocd';
const argoKinds = new Set(['AppProject', 'ApplicationSet', 'Application']);

interface Loaded {
  readonly file: string;
  readonly object: Record<string, any>;
}

/**
 * argocd/ files parsed by content hash, kept between runs: the first syntax
 * error of each document, or its object.
 */
type ParsedDoc = { error: string } | { object: unknown };
const parsedFiles = new CopyingCache<ParsedDoc[]>('argocd-files.json', import.meta.url, 500);

const parseArgoFile = (text: string): ParsedDoc[] =>
  parsedFiles.memo(contentHash(text), () => Y.parseAllDocuments(text).map((doc) => (doc.errors.length ? { error: doc.errors[0]!.message } : { object: doc.toJS() })));

async function loadArgoObjects(snap: Snapshot, findings: Finding[]): Promise<Loaded[]> {
  const files = [...(await snap.files())].filter((f) => f.startsWith('argocd/') && /\.ya?ml$/.test(f) && !/(^|\/)kustomization\.ya?ml$/.test(f)).sort();
  const out: Loaded[] = [];
  for (const file of files) {
    for (const doc of parseArgoFile((await snap.read(file))!)) {
      if ('error' in doc) {
        findings.push({ rule: 'yaml', severity: 'error', message: `${file}: ${doc.error}`, file, target: TARGET });
        continue;
      }
      const object = doc.object as Record<string, any> | null;
      if (!object || typeof object !== 'object') continue;
      if (object.apiVersion !== argoApiVersion || !argoKinds.has(object.kind)) continue;
      const error = await argoSchemaError(object.kind as ArgoKind, object);
      if (error)
        findings.push({
          rule: 'argocd/schema',
          severity: 'error',
          message: `${object.kind}/${object.metadata?.name}: ${error}`,
          file,
          object: `${object.kind}/${object.metadata?.name}`,
          target: TARGET,
        });
      if (object.kind === 'AppProject')
        for (const problem of validateProject(object))
          findings.push({
            rule: 'argocd/project-invalid',
            severity: 'error',
            message: `${problem.path}: ${problem.message} (Argo CD refuses the project: ValidateProject)`,
            file,
            object: objectRef(object),
            path: problem.path,
            target: TARGET,
          });
      out.push({ file, object });
    }
  }
  return out;
}

/** Root keys a template reads (`.a` in `{{ .a.b }}`, `$.a`; `a` in fasttemplate's `{{ a.b }}`, `{{ a[0] }}`). */
function referencedKeys(template: string, goTemplate: boolean): string[] {
  const keys = new Set<string>();
  for (const m of template.matchAll(/\{\{(.*?)\}\}/gs)) {
    if (!goTemplate) keys.add(m[1]!.trim().split(/[.[]/)[0]!);
    else for (const k of m[1]!.matchAll(/(?:^|[\s(|$])\.([A-Za-z_][A-Za-z0-9_]*)/g)) keys.add(k[1]!);
  }
  return [...keys];
}

/**
 * The clusters registered with Argo CD, as the environment contract describes them: each
 * cluster's name and server (`argocd cluster add --name`, generators/environments.ts). The
 * contract does not record the cluster secrets' labels, annotations or project, so a
 * template or selector that reads them is an error.
 */
const notInContract = new Unsupported("the environment contract (generators/environments.ts) records each cluster's name and server, not its Argo CD cluster secret's labels, annotations or project");
const contractClusters: readonly ClusterRecord[] = Object.values(clusters).map((c) => ({
  name: c.name,
  server: c.server,
  project: notInContract,
  labels: notInContract,
  annotations: notInContract,
}));

type Built = { objects?: Record<string, any>[]; error?: string; cached?: boolean };

/** This module's own text: a change to how builds are made or parsed invalidates cached builds. */
let codeVersion: string | undefined;
const ownCode = (): string => {
  try {
    return (codeVersion ??= createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex'));
  } catch {
    return (codeVersion = 'unknown');
  }
};

/** Cache key of one Application build: its inputs' content key, path, kustomize options, kustomize binary, this code. */
function buildCacheKey(inputs: string, path: string, kopts: Record<string, any> | undefined): string {
  return `appset-${createHash('sha256')
    .update(`appset-build v1\0kustomize ${kustomizeVersion()} ${kustomizeDigest()}\0${ownCode()}\0${path}\0${JSON.stringify(kopts ?? {})}\0${inputs}`)
    .digest('hex')}`;
}

/** Apply an Application's `spec.source.kustomize` the way Argo CD's repo server does, in a private copy. */
async function applyKustomizeOptions(bin: string, dir: string, opts: Record<string, any>): Promise<string | undefined> {
  const supported = new Set(['namespace', 'namePrefix', 'nameSuffix', 'images', 'commonLabels', 'commonAnnotations', 'patches']);
  const extra = Object.keys(opts).filter((k) => !supported.has(k));
  if (extra.length) return `spec.source.kustomize.${extra[0]} is not supported by the offline preview (supported: ${[...supported].join(', ')})`;
  const edit = async (...args: string[]) => {
    const r = await run(bin, ['edit', ...args], { cwd: dir });
    return r.code === 0 ? undefined : `kustomize edit ${args.join(' ')}: ${r.stderr.trim()}`;
  };
  let err: string | undefined;
  if (opts.namePrefix) err ??= await edit('set', 'nameprefix', '--', opts.namePrefix);
  if (opts.nameSuffix) err ??= await edit('set', 'namesuffix', '--', opts.nameSuffix);
  if (opts.images?.length) err ??= await edit('set', 'image', ...opts.images);
  if (opts.commonLabels && Object.keys(opts.commonLabels).length)
    err ??= await edit('add', 'label', '--force', Object.entries(opts.commonLabels).map(([k, v]) => `${k}:${v}`).join(','));
  if (opts.commonAnnotations && Object.keys(opts.commonAnnotations).length)
    err ??= await edit('add', 'annotation', '--force', Object.entries(opts.commonAnnotations).map(([k, v]) => `${k}:${v}`).join(','));
  if (opts.namespace) err ??= await edit('set', 'namespace', opts.namespace);
  if (err) return err;
  if (opts.patches?.length) {
    const file = kustomizationFileNames.map((f) => join(dir, f)).find((f) => {
      try {
        readFileSync(f);
        return true;
      } catch {
        return false;
      }
    });
    if (!file) return 'no kustomization file to add spec.source.kustomize.patches to';
    const doc = Y.parseDocument(readFileSync(file, 'utf8'));
    if (!doc.has('patches')) doc.set('patches', new Y.YAMLSeq());
    for (const p of opts.patches) (doc.get('patches') as YAMLSeq).add(doc.createNode(p));
    writeFileSync(file, doc.toString());
  }
  return undefined;
}

/** Expand and check every ApplicationSet (and plain Application) in argocd/ at `opts.branch`. */
export async function previewApplicationSets(opts: CheckOptions): Promise<PreviewResult> {
  const findings: Finding[] = [];
  const scratch = new Scratch();
  const pinned = opts.worktree || (opts.revisions ?? 'pinned') === 'pinned';
  try {
    const base = opts.worktree ? new WorktreeSnapshot(opts.root, scratch) : await GitSnapshot.at(opts.root, opts.branch, scratch);
    if (!base) {
      findings.push({
        rule: 'argocd/revision-missing',
        severity: 'error',
        message: `branch ${opts.branch} does not exist in ${opts.root}`,
        hint: `create it (git branch ${opts.branch}) or pass an existing branch`,
        target: TARGET,
      });
      return { source: opts.branch, applications: [], findings, projects: {} };
    }
    const snapshots = new Map<string, Snapshot>();
    const snapshotAt = async (rev: string, where: string): Promise<Snapshot> => {
      if (pinned) return base;
      let s = snapshots.get(rev);
      if (!s) {
        const found = await GitSnapshot.at(opts.root, rev, scratch);
        if (!found) throw new GeneratorError('argocd/revision-missing', `${where}: revision "${rev}" does not exist in the repository`);
        snapshots.set(rev, (s = found));
      }
      return s;
    };

    const loaded = await loadArgoObjects(base, findings);
    const projects = new Map<string, { spec: ProjectSpec; file: string }>();
    for (const l of loaded) if (l.object.kind === 'AppProject') projects.set(l.object.metadata?.name, { spec: l.object.spec ?? {}, file: l.file });

    const head = opts.head ?? (await resolveCommit(opts.root, opts.branch)) ?? '0000000000000000000000000000000000000000';
    const prs: PullRequestFixture[] = await Promise.all(
      (
        opts.prs ?? [{ number: 0, title: `synthetic preview of ${opts.branch}`, branch: opts.branch, targetBranch: previews.targetBranch, headSha: head, labels: [previews.label] }]
      ).map(async (pr) => ({ ...pr, headSha: pr.headSha === head ? head : ((await resolveCommit(opts.root, pr.headSha)) ?? pr.headSha) })),
    );

    // ---- expand
    const apps: { app: Record<string, any>; appSet?: string; file: string }[] = [];
    /** Environments whose ApplicationSet could not be expanded (their component check would only repeat that). */
    const brokenEnvs = new Set<string>();
    for (const l of loaded) {
      const o = l.object;
      const ref = `${o.kind}/${o.metadata?.name}`;
      // `object` as validate's locator indexes rendered objects (kind/namespace/name), so the finding gets a line.
      const add = (rule: string, message: string, path?: string, hint?: string) =>
        findings.push({ rule, severity: 'error', message, hint, file: l.file, object: objectRef(o), path, target: TARGET });
      if (o.kind === 'Application') {
        apps.push({ app: o, file: l.file });
        continue;
      }
      if (o.kind !== 'ApplicationSet') continue;
      const spec = o.spec ?? {};
      const goTemplate = spec.goTemplate === true;
      if (spec.templatePatch !== undefined) {
        add('argocd/template', `${ref}: spec.templatePatch is not supported by the offline preview`, 'spec.templatePatch');
        continue;
      }
      const project: unknown = spec.template?.spec?.project;
      if (typeof project === 'string' && project.includes('{{')) {
        const { listKeys, otherKeys } = listOnlyKeys(spec.generators ?? []);
        const bad = referencedKeys(project, goTemplate).filter((k) => otherKeys.has(k) || otherKeys.has('*') || !listKeys.has(k));
        if (bad.length)
          add(
            'argocd/project-templated',
            `${ref}: spec.template.spec.project is templated from ${bad.map((k) => `.${k}`).join(', ')}, which Git or pull-request data can set`,
            'spec.template.spec.project',
            'use a literal project, or a key that only list generators in this ApplicationSet define',
          );
      }
      const options: string[] = spec.goTemplateOptions ?? [];
      const ctx = { appSet: ref, goTemplate, goTemplateOptions: options, repoURL: repository.url, snapshot: snapshotAt, pullRequests: prs, clusters: contractClusters };
      let params: Params[] = [];
      try {
        for (const [i, g] of (spec.generators ?? []).entries()) params.push(...(await generate(ctx, g, `spec.generators[${i}]`)));
      } catch (e) {
        if (e instanceof GeneratorError) {
          add(e.rule, e.message, e.path);
          brokenEnvs.add(o.metadata?.labels?.[labelKeys.environment]);
          continue;
        }
        throw e;
      }
      for (const p of params) {
        try {
          const rendered = renderTemplateParams(spec.template ?? {}, p, { options, goTemplate, where: `${ref} spec.template`, syncPolicy: spec.syncPolicy });
          const app = applicationObject(rendered.metadata, rendered.spec);
          apps.push({ app, appSet: o.metadata?.name, file: l.file });
        } catch (e) {
          if (e instanceof TemplateError) add('argocd/template', e.message, 'spec.template');
          else throw e;
        }
      }
    }

    // ---- check
    const bin = kustomizeBinary();
    const builds = new Map<string, Promise<Built>>();
    const build = (snap: Snapshot, path: string, kopts: Record<string, any> | undefined) => {
      const key = `${snap.label}\0${path}\0${JSON.stringify(kopts ?? {})}`;
      let b = builds.get(key);
      if (!b) {
        b = (async (): Promise<Built> => {
          // Kept between runs by the content of what the build reads (git tree ids, or file
          // contents for the working tree), the options, kustomize and this code: never by
          // branch, commit or checkout location, so an unchanged overlay on any branch is free.
          const inputs = await snap.buildKey(path);
          const cacheKey = inputs && buildCacheKey(inputs, path, kopts);
          const target = { name: `appset:${path}`, kind: 'files', path } as const;
          const hit = cacheKey ? readCache(cacheKey, target) : undefined;
          if (hit) return { objects: hit.objects.map((o) => o.object), cached: true };
          const dir = kopts && Object.keys(kopts).length ? await snap.copy() : await snap.dir();
          const at = join(dir, path);
          if (kopts && Object.keys(kopts).length) {
            const err = await applyKustomizeOptions(bin, at, kopts);
            if (err) return { error: err };
          }
          const r = await run(bin, ['build', at], { cwd: dir });
          if (r.code !== 0) return { error: r.stderr.split(dir + '/').join('').trim() };
          const objects = Y.parseAllDocuments(r.stdout)
            .map((d) => d.toJS() as Record<string, any> | null)
            .filter((x): x is Record<string, any> => !!x && typeof x === 'object');
          if (cacheKey) writeCache(cacheKey, { target, findings: [], objects: objects.map((object, index) => ({ target, object, index })) });
          return { objects, cached: false };
        })();
        builds.set(key, b);
      }
      return b;
    };

    const names = new Map<string, number>();
    for (const a of apps) names.set(a.app.metadata?.name, (names.get(a.app.metadata?.name) ?? 0) + 1);

    const results = await pool(apps, Math.max(1, Math.min(4, availableParallelism())), async ({ app, appSet, file }): Promise<PreviewedApplication> => {
      const name: string = app.metadata?.name ?? '?';
      const ref = `Application/${app.metadata?.namespace ? `${app.metadata.namespace}/` : ''}${name}`;
      const mine: Finding[] = [];
      const add = (rule: string, message: string, path?: string, hint?: string) =>
        mine.push({ rule, severity: 'error', message: `${ref}${appSet ? ` (from ApplicationSet/${appSet})` : ''}: ${message}`, hint, file, object: ref, path, target: TARGET });
      const schemaError = await argoSchemaError('Application', app);
      if (schemaError) add('argocd/schema', schemaError);
      if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name)) add('argocd/template', `name "${name}" is not a valid Kubernetes object name`, 'metadata.name');
      for (const [k, v] of Object.entries<string>(app.metadata?.labels ?? {}))
        if (!/^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/.test(v)) add('argocd/template', `label ${k}="${v}" is not a valid label value`, `metadata.labels.${k}`);
      if ((names.get(name) ?? 0) > 1) add('argocd/duplicate-application', `${names.get(name)} Applications are named ${name}; Argo CD keeps only one`, 'metadata.name');
      const spec = app.spec ?? {};
      const projectName: string = spec.project ?? '';
      const project = projects.get(projectName || 'default');
      const source = spec.source;
      let readFrom: string | undefined;
      let objects: number | undefined;
      let cached: boolean | undefined;
      if (!project) add('argocd/project-missing', `project "${projectName || 'default'}" is not defined in argocd/`, 'spec.project', 'reference one of the generated AppProjects');
      if (!source || spec.sources) add('argocd/template', 'only single-source Applications (spec.source) can be previewed', 'spec.source');
      else {
        if (project && !isSourcePermitted(project.spec, source.repoURL ?? ''))
          add('argocd/project-denies-source', `source ${source.repoURL} is not in project ${projectName}'s sourceRepos`, 'spec.source.repoURL', `allowed: ${(project.spec.sourceRepos ?? []).join(', ') || 'none'}`);
        const dst = spec.destination ?? {};
        if (project && !isDestinationPermitted(project.spec, dst))
          add(
            'argocd/project-denies-destination',
            `destination ${dst.server ?? dst.name}/${dst.namespace ?? ''} is not allowed by project ${projectName}`,
            'spec.destination',
            `allowed: ${(project.spec.destinations ?? []).map((d) => `${d.server ?? d.name}/${d.namespace}`).join(', ') || 'none'}`,
          );
        const path = String(source.path ?? '').replace(/^\.\/+/, '').replace(/\/+$/, '');
        let snap: Snapshot | undefined;
        try {
          snap = await snapshotAt(source.targetRevision ?? 'HEAD', 'spec.source.targetRevision');
          readFrom = snap.label;
        } catch (e) {
          if (!(e instanceof GeneratorError)) throw e;
          add(e.rule, `target revision "${source.targetRevision}" does not exist in the repository`, 'spec.source.targetRevision');
        }
        if (snap && path && path !== '.' && !(await snap.dirs()).has(path))
          add('argocd/path-missing', `path ${path} does not exist at ${snap.label}`, 'spec.source.path', 'merge the overlay into that branch first, or fix the path');
        else if (snap && (opts.kustomize ?? true) && (opts.select?.(name) ?? true)) {
          const files = await snap.files();
          const prefix = path && path !== '.' ? `${path}/` : '';
          if (!kustomizationFileNames.some((f) => files.has(prefix + f)))
            add('argocd/kustomize-failed', `${path} at ${snap.label} has no kustomization.yaml (the preview renders Kustomize sources only)`, 'spec.source.path');
          else {
            const r = await build(snap, path || '.', source.kustomize);
            cached = r.cached;
            if (r.error) add('argocd/kustomize-failed', `kustomize build ${path} at ${snap.label} failed: ${r.error}`, 'spec.source.path');
            else if (project) {
              objects = r.objects!.length;
              const crds = crdScopes(r.objects!.map((object) => ({ object })));
              for (const obj of r.objects!) {
                const group = groupOf(String(obj.apiVersion ?? ''));
                const namespaced = isNamespaced(String(obj.apiVersion ?? ''), obj.kind, crds);
                const oname = obj.metadata?.name;
                if (!isGroupKindPermitted(project.spec, group, obj.kind, namespaced, oname))
                  add(
                    'argocd/project-denies-resource',
                    `${obj.kind}/${oname} (${namespaced ? 'namespaced' : 'cluster-scoped'} ${group || 'core'}/${obj.kind}) is not permitted by project ${projectName}`,
                    'spec.project',
                    deniedKindHint(project.spec, projectName, { group, kind: obj.kind, name: oname, namespaced }, crds.has(`${group}/${obj.kind}`) ? { crd: { name: crds.get(`${group}/${obj.kind}`)!.crd } } : {}),
                  );
                else if (namespaced) {
                  const ns = obj.metadata?.namespace ?? spec.destination?.namespace ?? '';
                  if (!isDestinationPermitted(project.spec, { server: spec.destination?.server, name: spec.destination?.name, namespace: ns }))
                    add('argocd/project-denies-resource', `${obj.kind}/${oname} targets namespace "${ns}", which project ${projectName} does not allow`, 'spec.destination.namespace');
                }
              }
            }
          }
        }
      }
      findings.push(...mine);
      return { name, appSet, project: projectName, application: app, readFrom, objects, problems: [...new Set(mine.map((f) => f.rule))], ...(cached !== undefined ? { cached } : {}) };
    });

    // The contract: each environment is split into exactly envComponents Applications.
    const dirs = await base.dirs();
    for (const env of envNames) {
      if (brokenEnvs.has(env)) continue;
      const got = results.filter((r) => r.appSet && r.application.metadata?.labels?.[labelKeys.environment] === env).map((r) => r.application.metadata.labels[labelKeys.component] as string);
      const missing = envComponents.filter((c) => !got.includes(c));
      const extra = got.filter((c) => !(envComponents as readonly string[]).includes(c));
      // Placed on the environment's overlay directory: when that is gone, validate's render step
      // says so on the same path, and this finding folds into it (findings.ts oneFindingPerMistake).
      const overlay = environments[env].overlay;
      if (missing.length || extra.length)
        findings.push({
          rule: 'argocd/components',
          severity: 'error',
          file: overlay,
          message: `environment ${env}: ${dirs.has(overlay) ? '' : `${overlay} does not exist, so there are `}Applications for components [${got.sort().join(', ')}], the contract (envComponents) says [${envComponents.join(', ')}]${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; unexpected ${extra.join(', ')}` : ''}`,
          hint: 'each environment overlay has exactly one directory per component: overlays/<env>/{data,services}',
          target: TARGET,
        });
    }
    return { source: base.label, applications: results, findings, projects: Object.fromEntries([...projects].map(([k, v]) => [k, v.spec])) };
  } finally {
    saveArgoSchemaCache();
    parsedFiles.save();
    scratch.dispose();
  }
}

/**
 * The validate hook: expand and check the ApplicationSets of `branch`; findings only.
 * Defaults: revisions pinned to `branch`, one synthetic PR, kustomize on.
 */
export async function checkApplicationSets(opts: CheckOptions): Promise<Finding[]> {
  return (await previewApplicationSets(opts)).findings;
}

/**
 * Project rules on objects validate has already rendered, without building again:
 * every object of a rendered target (overlays/dev, overlays/platform/prod, …) must be
 * permitted by the project and destination of the Applications whose paths lie
 * inside that target (a target whose Applications disagree on project or
 * destination is skipped). Rule `argocd/project-denies-resource`.
 */
export function checkRenderedObjects(result: PreviewResult, rendered: readonly RenderedObject[]): Finding[] {
  const out: Finding[] = [];
  const byTarget = new Map<string, RenderedObject[]>();
  for (const r of rendered) {
    const list = byTarget.get(r.target.path) ?? [];
    list.push(r);
    byTarget.set(r.target.path, list);
  }
  const crds = crdScopes(rendered);
  const targets = [...byTarget].flatMap(([path, objects]) => {
    const apps = result.applications.filter((a) => {
      const p = String(a.application.spec?.source?.path ?? '').replace(/\/+$/, '');
      return p === path || p.startsWith(`${path}/`);
    });
    const keys = new Set(apps.map((a) => JSON.stringify([a.project, a.application.spec?.destination ?? {}])));
    const project = apps.length ? result.projects[apps[0]!.project] : undefined;
    return keys.size === 1 && project ? [{ path, objects, apps, project, projectName: apps[0]!.project, dst: apps[0]!.application.spec?.destination ?? {} }] : [];
  });
  const about = (o: Record<string, any>) => {
    const group = groupOf(String(o.apiVersion ?? ''));
    return { group, kind: String(o.kind), name: o.metadata?.name, namespaced: isNamespaced(String(o.apiVersion ?? ''), o.kind, crds) };
  };
  // What each target's Applications may deploy, by cluster: an object refused in one target
  // that another deploys to the same cluster (a CRD of the platform overlay) is a copy to remove.
  const where = (dst: Record<string, any>, o: Record<string, any>, a: ReturnType<typeof about>) =>
    JSON.stringify([dst.server ?? dst.name, a.group, a.kind, a.namespaced ? (o.metadata?.namespace ?? dst.namespace ?? '') : '', a.name]);
  const deployed = new Map<string, DeployedBy>();
  for (const t of targets)
    for (const r of t.objects) {
      const a = about(r.object);
      if (isGroupKindPermitted(t.project, a.group, a.kind, a.namespaced, a.name))
        deployed.set(where(t.dst, r.object, a), { applications: t.apps.map((x) => x.name), path: t.path, project: t.projectName });
    }
  for (const { objects, apps, project, projectName, dst } of targets) {
    for (const r of objects) {
      const o = r.object;
      const a = about(o);
      const { group, name, namespaced } = a;
      let message: string | undefined;
      let hint: string | undefined;
      if (!isGroupKindPermitted(project, group, o.kind, namespaced, name)) {
        message = `${o.kind}/${name} (${namespaced ? 'namespaced' : 'cluster-scoped'} ${group || 'core'}/${o.kind}) is not permitted by project ${projectName}`;
        const deployedBy = deployed.get(where(dst, o, a));
        // a custom resource's scope is its CRD's: named where this cluster gets the CRD from, when it does
        const c = crds.get(`${group}/${o.kind}`);
        const crdFrom = c && deployed.get(where(dst, { metadata: { name: c.crd } }, { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', name: c.crd, namespaced: false }));
        hint = deniedKindHint(project, projectName, a, {
          ...(deployedBy ? { deployedBy } : {}),
          ...(c ? { crd: { name: c.crd, renderedBy: crdFrom?.path ?? c.renderedBy } } : {}),
        });
      } else if (namespaced) {
        const ns = o.metadata?.namespace ?? dst.namespace ?? '';
        if (!isDestinationPermitted(project, { server: dst.server, name: dst.name, namespace: ns })) {
          message = `${o.kind}/${name} targets namespace "${ns}", which project ${projectName} does not allow`;
          hint = 'keep namespaced objects in the destination namespace';
        }
      }
      if (message)
        out.push({
          rule: 'argocd/project-denies-resource',
          severity: 'error',
          message: `${message} (Application ${apps.map((x) => x.name).join(', ')})`,
          hint,
          target: r.target.name,
          object: objectRef(o),
          file: r.origin,
          // the kind is what the project refuses: the finding sits on the object's kind line
          path: 'kind',
        });
    }
  }
  return out;
}
