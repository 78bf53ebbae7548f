// Collect everything the environments report shows, from one render of the
// working tree: the component matrix, the architecture graph of prod, policy
// results with exemptions, and the Gitflow branches' promotion state.
import { currentBranch, dirtyFiles, resolveCommit } from '../plumbing/git.ts';
import { clusters, environments, type EnvName } from '../../../generators/environments.ts';
import { exemptions as declaredExemptions, runPolicies, type PolicyRun } from '../../../policies/index.ts';
import { checkBranches, type BranchReport } from '../gitflow/index.ts';
import { checkedTargets, defaultTargets, renderTargets, type RenderResult } from '../kustomize/index.ts';
import type { Finding } from '../../../kube/index.ts';
import { renderDeployed, type TargetSource } from './deployed.ts';
import { architectureGraph, type ArchitectureGraph } from './graph.ts';
import { componentMatrix, type Matrix } from './matrix.ts';
import { selfHealingMarkdown } from './self-healing.ts';
import { architectureSvg } from './svg.ts';

export interface ReportSource {
  readonly commit?: string;
  readonly branch?: string;
  /** The working tree has uncommitted changes (they are part of the report). */
  readonly dirty: boolean;
  /** `--branches`: where each target was rendered from; absent when everything is the working tree. */
  readonly targets?: readonly TargetSource[];
}

export interface ReportData {
  readonly source: ReportSource;
  /** Environment columns in promotion order, with the contract facts shown in the header. */
  readonly envs: ReadonlyArray<{ name: EnvName; branch: string; namespace: string; cluster: string; host: string }>;
  readonly matrix: Matrix;
  readonly platform: Matrix;
  /** Targets that failed to render (their columns are empty). */
  readonly renderErrors: readonly Finding[];
  readonly branches: BranchReport | { readonly error: string };
  readonly policies: PolicyRun;
  /** ISO date policies and exemptions were judged against. */
  readonly today: string;
  readonly architecture: { readonly graph: ArchitectureGraph; readonly svg: string; readonly title: string };
  /** Markdown tables of prod's probes, scaling, budgets and rollout (docs/architecture.md). */
  readonly selfHealing: string;
}

/** The self-healing tables for prod, from its render. */
export function selfHealingFrom(results: readonly RenderResult[]): string {
  const prod = results.find((r) => r.target.name === environments.prod.name);
  return selfHealingMarkdown(prod?.objects.map((o) => o.object) ?? [], `${environments.prod.overlay} (namespace ${environments.prod.namespace})`);
}


/** The targets the architecture diagram is drawn from: prod and its cluster's platform overlay. */
export function architectureTargets(results: readonly RenderResult[]): RenderResult[] {
  const prod = environments.prod;
  return results.filter((r) => r.target.name === prod.name || r.target.name === `platform/${prod.cluster}`);
}

export const architectureTitle = (): string =>
  `marquee architecture: ${environments.prod.namespace} on cluster ${environments.prod.cluster} (${clusters[environments.prod.cluster].server}), generated from the rendered ${environments.prod.overlay} and overlays/platform/${environments.prod.cluster}`;

/** The generated diagram alone (what docs/img/architecture.svg holds). */
export async function architectureFrom(results: readonly RenderResult[]): Promise<ReportData['architecture']> {
  const graph = architectureGraph(architectureTargets(results).flatMap((r) => r.objects.map((o) => o.object)));
  const title = architectureTitle();
  return { graph, svg: await architectureSvg(graph, { title }), title };
}

/** Render the working tree at `root` (or each target's branch) and gather the report. */
export async function collectReport(
  root: string,
  opts: {
    readonly today?: Date;
    /** Renders of defaultTargets(root), when the caller already has them. */
    readonly results?: readonly RenderResult[];
    /** Render each target from the branch Argo CD deploys it from (see deployed.ts). */
    readonly branches?: boolean;
    /** Take renders whose inputs are unchanged from the render cache (renderTargets' `cache`). @default true */
    readonly cache?: boolean;
  } = {},
): Promise<ReportData> {
  const today = opts.today ?? new Date();
  let results: readonly RenderResult[];
  let targets: readonly TargetSource[] | undefined;
  if (opts.results) results = opts.results;
  else if (opts.branches) ({ results, sources: targets } = await renderDeployed(root, { cache: opts.cache }));
  else results = await renderTargets(root, defaultTargets(root), { cache: opts.cache ?? true });
  const env = results.filter((r) => r.target.kind === 'env');
  // as npm run validate does: the preview overlay gets schema and Argo CD checks, not policies; and an exemption for
  // a target that did not render (its error is in renderErrors) is not judged "unmatched"
  const judged = results.filter((r) => r.target.kind !== 'preview');
  const checked = checkedTargets(judged.map((r) => r.target), judged);
  const platform = results.filter((r) => r.target.kind === 'platform');
  let branches: ReportData['branches'];
  try {
    branches = await checkBranches(root);
  } catch (err) {
    branches = { error: (err as Error).message };
  }
  return {
    source: {
      commit: await resolveCommit(root, 'HEAD'),
      branch: await currentBranch(root),
      dirty: (await dirtyFiles(root, { untracked: false }).catch(() => [])).length > 0,
      ...(targets ? { targets } : {}),
    },
    envs: Object.values(environments).map((e) => ({ name: e.name, branch: e.branch, namespace: e.namespace, cluster: e.cluster, host: e.ingressHost })),
    matrix: componentMatrix(env),
    platform: componentMatrix(platform),
    renderErrors: results.flatMap((r) => r.findings),
    branches,
    policies: runPolicies(
      judged.flatMap((r) => r.objects),
      { today, exemptions: declaredExemptions, ...(checked ? { checkedTargets: checked } : {}) },
    ),
    today: today.toISOString().slice(0, 10),
    architecture: await architectureFrom(results),
    selfHealing: selfHealingFrom(results),
  };
}
