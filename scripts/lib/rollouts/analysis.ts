// Argo Rollouts' analysis semantics, ported: one measurement's phase from the metric's
// conditions (argo-rollouts utils/evaluate/evaluate.go EvaluateResult), a metric's phase from
// its measurements and limits (analysis/analysis.go assessMetricStatus, the counters of
// runMeasurements), and the run's phase from its metrics (analysis/analysis.go
// asssessRunStatus, utils/analysis IsTerminating and the best→worst order of IsWorse).
import { evalCondition, type Value } from './expr.ts';

export type Phase = 'Pending' | 'Running' | 'Successful' | 'Failed' | 'Error' | 'Inconclusive';
export const completed = (p: Phase): boolean => p === 'Successful' || p === 'Failed' || p === 'Error' || p === 'Inconclusive';

/** The Metric fields the semantics read (AnalysisTemplate spec.metrics[]), args already resolved. */
export interface MetricSpec {
  readonly name: string;
  readonly successCondition?: string;
  readonly failureCondition?: string;
  readonly count?: number;
  readonly interval?: string;
  /** @default 0 */
  readonly failureLimit?: number;
  /** @default 0 */
  readonly inconclusiveLimit?: number;
  /** @default 4 (analysis/analysis.go DefaultConsecutiveErrorLimit) */
  readonly consecutiveErrorLimit?: number;
}

export interface Measurement {
  readonly phase: Phase;
  /** The provider's value as Argo Rollouts prints it: `[0.01]`, `[]`, `0.5`. */
  readonly value?: string;
  readonly message?: string;
}

export interface MetricResult {
  readonly name: string;
  phase: Phase;
  readonly measurements: Measurement[];
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  consecutiveError: number;
}

export const DefaultConsecutiveErrorLimit = 4;

/** The result a Prometheus query hands the conditions (metricproviders/prometheus processResponse). */
export type PrometheusValue = { readonly resultType: 'scalar'; readonly value: number } | { readonly resultType: 'vector'; readonly values: readonly number[] };

export const resultOf = (v: PrometheusValue): Value => (v.resultType === 'scalar' ? v.value : v.values);
/** Go's strconv 'f' -1 formatting is close enough for display; NaN prints as NaN like model.SampleValue. */
const fmt = (n: number): string => (Number.isNaN(n) ? 'NaN' : n === Infinity ? '+Inf' : n === -Infinity ? '-Inf' : String(n));
export const valueString = (v: PrometheusValue): string => (v.resultType === 'scalar' ? fmt(v.value) : `[${v.values.map(fmt).join(',')}]`);

/** EvaluateResult: Successful, Failed or Inconclusive from the conditions; Error if one cannot be evaluated. */
export function evaluateResult(result: Value | undefined, metric: Pick<MetricSpec, 'successCondition' | 'failureCondition'>): { phase: Phase; error?: string } {
  let success = false;
  let failure = false;
  try {
    if (metric.successCondition) success = evalCondition(result, metric.successCondition);
    if (metric.failureCondition) failure = evalCondition(result, metric.failureCondition);
  } catch (err) {
    return { phase: 'Error', error: (err as Error).message };
  }
  if (!metric.successCondition && !metric.failureCondition) return { phase: 'Successful' };
  // Without a failure condition, not succeeding is failing; without a success condition, not failing is succeeding.
  if (metric.successCondition && !metric.failureCondition) failure = !success;
  if (!metric.successCondition && metric.failureCondition) success = !failure;
  if (failure) return { phase: 'Failed' };
  if (!success) return { phase: 'Inconclusive' };
  return { phase: 'Successful' };
}

/** A measurement from a provider's value (processResponse + EvaluateResult), or an Error measurement for a query error. */
export function measure(metric: MetricSpec, outcome: PrometheusValue | { readonly error: string }): Measurement {
  if ('error' in outcome) return { phase: 'Error', message: outcome.error };
  const r = evaluateResult(resultOf(outcome), metric);
  return { phase: r.phase, value: valueString(outcome), ...(r.error ? { message: r.error } : {}) };
}

export const newResult = (name: string): MetricResult => ({ name, phase: 'Running', measurements: [], count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0, consecutiveError: 0 });

/** The counters runMeasurements keeps per completed measurement. */
export function record(result: MetricResult, m: Measurement): void {
  result.measurements.push(m);
  switch (m.phase) {
    case 'Successful':
      result.successful++, result.count++, (result.consecutiveError = 0);
      break;
    case 'Failed':
      result.failed++, result.count++, (result.consecutiveError = 0);
      break;
    case 'Inconclusive':
      result.inconclusive++, result.count++, (result.consecutiveError = 0);
      break;
    case 'Error':
      result.error++, result.consecutiveError++;
      break;
  }
}

/** Metric.EffectiveCount: count when set; 1 without count and interval; unbounded (undefined) otherwise. */
export const effectiveCount = (m: MetricSpec): number | undefined => (m.count ? m.count : m.interval ? undefined : 1);

/** assessMetricStatus. */
export function assessMetric(metric: MetricSpec, result: MetricResult, terminating: boolean): Phase {
  if (completed(result.phase)) return result.phase;
  if (result.measurements.length === 0) return terminating ? 'Successful' : 'Pending';
  const last = result.measurements[result.measurements.length - 1]!;
  if (!completed(last.phase)) return 'Running';
  if (result.failed > (metric.failureLimit ?? 0)) return 'Failed';
  if (result.inconclusive > (metric.inconclusiveLimit ?? 0)) return 'Inconclusive';
  if (result.consecutiveError > (metric.consecutiveErrorLimit ?? DefaultConsecutiveErrorLimit)) return 'Error';
  const count = effectiveCount(metric);
  if (count !== undefined && result.count >= count) return 'Successful';
  return terminating ? 'Successful' : 'Running';
}

/** Best to worst (utils/analysis analysisStatusOrder). */
const order: readonly Phase[] = ['Successful', 'Inconclusive', 'Error', 'Failed'];

/** IsTerminating: a metric already Failed, Error or Inconclusive ends the run early. */
export const isTerminating = (results: readonly MetricResult[]): boolean => results.some((r) => r.phase === 'Failed' || r.phase === 'Error' || r.phase === 'Inconclusive');

/** asssessRunStatus: update each metric's phase; Running until all are complete, then the worst. */
export function assessRun(metrics: readonly MetricSpec[], results: readonly MetricResult[]): Phase {
  const terminating = isTerminating(results);
  let worst: Phase | undefined;
  let all = true;
  for (const m of metrics) {
    const r = results.find((x) => x.name === m.name);
    if (!r) {
      all = false;
      continue;
    }
    r.phase = assessMetric(m, r, terminating);
    if (!completed(r.phase)) all = false;
    else if (!worst || order.indexOf(r.phase) > order.indexOf(worst)) worst = r.phase;
  }
  return !all || !worst ? 'Running' : worst;
}

/** Go duration strings as Argo Rollouts' DurationString accepts them (`30s`, `1m`, `1h30m`). */
export function durationMs(d: string): number {
  const parts = [...d.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== d) throw new Error(`invalid duration ${JSON.stringify(d)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0);
}

export interface RunOutcome {
  readonly phase: Phase;
  readonly results: readonly MetricResult[];
  /** Measurements taken across all metrics. */
  readonly measurements: number;
}

/**
 * Drive an AnalysisRun to completion: every metric takes its first measurement at 0, then one per
 * `interval` until the run completes (calculateNextReconcileTime: lastMeasurement + interval). `take`
 * gets the metric and the measurement's offset in milliseconds from the run's start; `wait` is how
 * time passes (real sleeps in the drill, nothing when the offsets are query timestamps).
 */
export async function runAnalysis(
  metrics: readonly MetricSpec[],
  take: (metric: MetricSpec, atMs: number) => Promise<Measurement>,
  wait: (untilMs: number) => Promise<void> = async () => {},
  maxMeasurements = 1000,
): Promise<RunOutcome> {
  const results = metrics.map((m) => newResult(m.name));
  const due = new Map(metrics.map((m) => [m.name, 0]));
  let taken = 0;
  for (;;) {
    const phase = assessRun(metrics, results);
    if (completed(phase)) return { phase, results, measurements: taken };
    // A terminating run takes no new measurements (generateMetricTasks skips them); the next
    // assessment completes the open metrics as Successful (assessMetricStatus, terminating).
    if (isTerminating(results)) continue;
    const open = metrics.filter((m) => !completed(results.find((r) => r.name === m.name)!.phase));
    const at = Math.min(...open.map((m) => due.get(m.name)!));
    await wait(at);
    for (const m of open.filter((x) => due.get(x.name) === at)) {
      record(results.find((r) => r.name === m.name)!, await take(m, at));
      if (++taken > maxMeasurements) throw new Error(`analysis did not complete within ${maxMeasurements} measurements`);
      due.set(m.name, at + (m.interval ? durationMs(m.interval) : 0));
    }
  }
}
