// AnalysisTemplates for the API tier's canaries, from the contract's HTTP metric: the canary
// pods' 5xx ratio and p99 latency against the environment's thresholds. Each query returns one
// sample, an empty vector (no canary traffic at all) or NaN (series but no requests in the
// window); the conditions make both of the latter Inconclusive instead of tripping over
// `result[0]` on an empty result, which Argo Rollouts counts as an Error measurement
// (argo-rollouts utils/evaluate/evaluate.go EvalCondition: expr's index-out-of-range is an error).
import { AnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import { metricLabels, metrics } from '@marquee/contract';
import type { CanaryAnalysis } from '../environments.ts';
import { labelsFor } from '../lib/labels.ts';
import { prometheusUrl } from '../monitoring/prometheus.ts';
import { rolloutsHashLabel } from './version.ts';

/** The arguments every template takes; each Rollout binds all of them (policies/rollouts checks). */
export const analysisArgs = {
  /** The service label Prometheus gives a pod's series (its app.kubernetes.io/name). */
  service: 'service',
  namespace: 'namespace',
  /** The canary ReplicaSet's pod-template hash (valueFrom.podTemplateHashValue: Latest). */
  canaryHash: 'canary-hash',
} as const;

export const templateNames = { errorRatio: 'http-error-ratio', p99Latency: 'http-p99-latency' } as const;

const arg = (name: string): string => `{{args.${name}}}`;

/** Series of the canary pods of one service. */
const canarySelector = (extra = ''): string =>
  `{namespace="${arg(analysisArgs.namespace)}", service="${arg(analysisArgs.service)}", ${rolloutsHashLabel.metric}="${arg(analysisArgs.canaryHash)}"${extra}}`;

/**
 * 5xx responses over all responses of the canary. No 5xx series yet is a ratio of 0 (`or vector(0)`:
 * a healthy canary has never answered 5xx, so that series does not exist); no requests at all is an
 * empty vector, requests but none in the window is 0/0 = NaN.
 */
export function errorRatioQuery(window: string): string {
  const count = `${metrics.httpDuration}_count`;
  return [
    `(sum(rate(${count}${canarySelector(`, ${metricLabels.statusCode}=~"5.."`)}[${window}])) or vector(0))`,
    `/`,
    `sum(rate(${count}${canarySelector()}[${window}]))`,
  ].join('\n');
}

/** p99 of the canary's request durations; NaN without requests in the window, empty without series. */
export function p99LatencyQuery(window: string): string {
  return `histogram_quantile(0.99, sum by (le) (rate(${metrics.httpDuration}_bucket${canarySelector()}[${window}])))`;
}

/**
 * Conditions in the expr language Argo Rollouts evaluates (antonmedv/expr). `len(result) == 1 &&`
 * guards the index (expr's `&&` short-circuits); NaN fails every comparison, so NaN is neither
 * success nor failure: Inconclusive (argo-rollouts utils/evaluate/evaluate.go EvaluateResult).
 */
export const conditionsFor = (max: number): { successCondition: string; failureCondition: string } => ({
  successCondition: `len(result) == 1 && !isNaN(result[0]) && result[0] <= ${max}`,
  failureCondition: `len(result) == 1 && result[0] > ${max}`,
});

export function analysisTemplates(a: CanaryAnalysis): AnalysisTemplate[] {
  const common = {
    interval: a.interval,
    count: a.count,
    failureLimit: a.failureLimit,
    inconclusiveLimit: a.inconclusiveLimit,
    consecutiveErrorLimit: a.consecutiveErrorLimit,
  };
  const template = (name: string, metric: string, query: string, max: number) =>
    new AnalysisTemplate({
      metadata: { name, labels: labelsFor({ name, component: 'delivery' }) },
      spec: {
        args: Object.values(analysisArgs).map((n) => ({ name: n })),
        metrics: [{ name: metric, ...common, ...conditionsFor(max), provider: { prometheus: { address: prometheusUrl, query } } }],
      },
    });
  return [
    template(templateNames.errorRatio, 'error-ratio', errorRatioQuery(a.window), a.maxErrorRatio),
    template(templateNames.p99Latency, 'p99-latency', p99LatencyQuery(a.window), a.maxP99Seconds),
  ];
}
