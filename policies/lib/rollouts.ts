// Argo Rollouts objects as the rollouts/* policies read them: the analysis templates a Rollout
// references (background analysis and analysis steps), the args it binds, the `{{args.*}}` a
// template uses, and PromQL through the Prometheus project's own grammar.
import { parser } from '@prometheus-io/lezer-promql';
import type { RenderedObject } from '../../kube/index.ts';
import type { PolicyContext } from '../types.ts';

export interface TemplateUse {
  /** AnalysisTemplate, or ClusterAnalysisTemplate when `clusterScope: true`. */
  readonly kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate';
  readonly name: string;
  /** JSON path of the templateName field. */
  readonly path: string;
  /** Args the Rollout passes at that analysis (name → path of the arg). */
  readonly args: ReadonlyMap<string, string>;
}

/** Every template reference of a Rollout's canary strategy (steps and background analysis) or blue-green analyses. */
export function templateUses(rollout: Record<string, any>): TemplateUse[] {
  const out: TemplateUse[] = [];
  const add = (analysis: any, path: string) => {
    if (!analysis || typeof analysis !== 'object') return;
    const args = new Map<string, string>();
    (analysis.args ?? []).forEach((a: any, i: number) => a?.name && args.set(a.name, `${path}.args[${i}]`));
    (analysis.templates ?? []).forEach((t: any, i: number) =>
      out.push({ kind: t?.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate', name: String(t?.templateName ?? ''), path: `${path}.templates[${i}].templateName`, args }),
    );
  };
  const strategy = rollout.spec?.strategy ?? {};
  const canary = strategy.canary;
  if (canary) {
    add(canary.analysis, 'spec.strategy.canary.analysis');
    (canary.steps ?? []).forEach((s: any, i: number) => add(s?.analysis, `spec.strategy.canary.steps[${i}].analysis`));
  }
  const bg = strategy.blueGreen;
  if (bg) {
    add(bg.prePromotionAnalysis, 'spec.strategy.blueGreen.prePromotionAnalysis');
    add(bg.postPromotionAnalysis, 'spec.strategy.blueGreen.postPromotionAnalysis');
  }
  return out;
}

/** The template a use names, in the Rollout's namespace (or cluster-wide). */
export function templateFor(rollout: RenderedObject, use: TemplateUse, ctx: PolicyContext): RenderedObject | undefined {
  if (use.kind === 'AnalysisTemplate') return ctx.index.named(rollout, use.kind, use.name);
  return ctx.index.ofKind(use.kind).find((t) => t.object.metadata?.name === use.name && t.target.cluster === rollout.target.cluster);
}

/** `{{args.name}}` references (Argo Rollouts' argument substitution). */
const argRef = /\{\{\s*args\.([A-Za-z0-9_.-]+?)\s*\}\}/g;

/** Every `{{args.*}}` name used in a template's metrics, with the JSON path where it appears. */
export function argsUsed(template: Record<string, any>): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(argRef)) if (!out.has(m[1]!)) out.set(m[1]!, path);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(template.spec?.metrics, 'spec.metrics');
  return out;
}

/** Prometheus queries of a template: path → query. */
export function prometheusQueries(template: Record<string, any>): { path: string; query: string }[] {
  return (template.spec?.metrics ?? []).flatMap((m: any, i: number) =>
    typeof m?.provider?.prometheus?.query === 'string' ? [{ path: `spec.metrics[${i}].provider.prometheus.query`, query: m.provider.prometheus.query }] : [],
  );
}

export interface ParsedPromql {
  /** Metric names the query reads (vector selectors' identifiers). */
  readonly metrics: ReadonlySet<string>;
  /** First syntax error, as an offset and the text around it. */
  readonly error?: { readonly offset: number; readonly near: string };
}

/**
 * Parse a query with @prometheus-io/lezer-promql (the grammar Prometheus' own UI uses). Argument
 * references are replaced by a plain word first: they stand inside label-value strings.
 */
export function parsePromql(query: string): ParsedPromql {
  const src = query.replace(argRef, 'arg');
  const tree = parser.parse(src);
  const metrics = new Set<string>();
  let error: ParsedPromql['error'];
  tree.iterate({
    enter(n) {
      if (n.type.isError && !error) error = { offset: n.from, near: src.slice(Math.max(0, n.from - 20), n.from + 20) };
      if (n.name === 'VectorSelector') {
        const id = n.node.getChild('Identifier');
        if (id) metrics.add(src.slice(id.from, id.to));
      }
    },
  });
  return error ? { metrics, error } : { metrics };
}
