// Decision tests: each generated AnalysisTemplate (test's and prod's thresholds and limits) run
// against synthetic canary series evaluated by this machine's real Prometheus (a TSDB built with
// promtool from OpenMetrics, a server on loopback), with Argo Rollouts' semantics applied to the
// measurements (scripts/lib/rollouts/analysis.ts). Cases: healthy canary, 5xx spike, latency
// spike, series without requests (NaN), no series at all (empty vector), Prometheus unreachable,
// and the unguarded `result[0]` condition on an empty vector.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { metrics, metricLabels } from '@marquee/contract';
import { httpDurationBuckets } from '@marquee/kit';
import { environments, type Environment } from '../../../generators/environments.ts';
import { analysisArgs, analysisTemplates, templateNames } from '../../../generators/rollouts/analysis.ts';
import { rolloutsHashLabel } from '../../../generators/rollouts/version.ts';
import { metricSpecOf } from '../../../scripts/lib/rollouts/drill.ts';
import { durationMs, measure, runAnalysis, type MetricSpec, type Phase, type RunOutcome } from '../../../scripts/lib/rollouts/analysis.ts';
import { createBlocks, freePort, query, resolveArgs, startPrometheus, type RunningPrometheus } from '../../../scripts/lib/rollouts/prometheus.ts';

const namespace = 'marquee-test';
const service = 'api-gateway';
const step = 15; // seconds between synthetic samples (half the cluster's 30s scrape interval)
const span = 40 * 60; // seconds of synthetic data
const t0 = Math.floor(Date.now() / 1000 / 60) * 60 - 3 * 3600; // inside the default retention
const analysisStart = t0 + 20 * 60;

/** Cumulative share of requests at or below each bucket bound. */
const fast: Record<number, number> = { 0.01: 0.2, 0.025: 0.7, 0.05: 1 };
const slow: Record<number, number> = { 0.01: 0.2, 0.025: 0.6, 0.05: 0.9, 0.1: 0.93, 0.25: 0.95, 0.5: 0.96, 1: 0.97, 2.5: 1 };

interface Scenario {
  /** requests per second by status code, and the latency distribution */
  readonly traffic: Readonly<Record<string, number>>;
  readonly latency: Record<number, number>;
  /** counters frozen after the first sample: series exist, no requests in any window */
  readonly idle?: boolean;
}
const scenarios: Record<string, Scenario> = {
  healthy: { traffic: { '200': 10 }, latency: fast },
  errors: { traffic: { '200': 9.5, '500': 0.5 }, latency: fast },
  slow: { traffic: { '200': 10 }, latency: slow },
  idle: { traffic: { '200': 10 }, latency: fast, idle: true },
};

function openMetrics(): string {
  const name = metrics.httpDuration;
  const lines = [`# TYPE ${name} histogram`];
  for (const [hash, s] of Object.entries(scenarios))
    for (const [code, rps] of Object.entries(s.traffic)) {
      const labels = `namespace="${namespace}",service="${service}",${rolloutsHashLabel.metric}="${hash}",${metricLabels.method}="GET",${metricLabels.route}="/api/movies",${metricLabels.statusCode}="${code}"`;
      const share = (le: number) => Object.entries(s.latency).reduce((acc, [b, f]) => (Number(b) <= le ? Math.max(acc, f) : acc), 0);
      for (let t = 0; t <= span; t += step) {
        const n = Math.round(rps * (s.idle ? Math.min(t, step) : t));
        const ts = t0 + t;
        for (const le of httpDurationBuckets) lines.push(`${name}_bucket{${labels},le="${le}"} ${Math.round(n * share(le))} ${ts}`);
        lines.push(`${name}_bucket{${labels},le="+Inf"} ${n} ${ts}`);
        lines.push(`${name}_count{${labels}} ${n} ${ts}`);
        lines.push(`${name}_sum{${labels}} ${(n * 0.02).toFixed(3)} ${ts}`);
      }
    }
  return `${lines.join('\n')}\n# EOF\n`;
}

let prom: RunningPrometheus;
const dir = mkdtempSync(join(tmpdir(), 'marquee-rollout-decisions-'));

before(async () => {
  createBlocks(dir, openMetrics(), join(dir, 'data'));
  prom = await startPrometheus({ config: 'global: {}\n', dataDir: join(dir, 'data'), dir });
});
after(async () => {
  await prom?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The generated template's one metric, args resolved for a canary hash. */
function metricOf(env: 'test' | 'prod', template: string, hash: string) {
  const t = analysisTemplates((environments[env] as Environment).canary!.analysis).find((x) => x.metadata!.name === template)!;
  return metricSpecOf(t, { service, namespace, hash });
}

/** Run one metric's AnalysisRun with measurements at analysisStart + k × interval against `url`. */
const decide = (metric: MetricSpec & { query: string }, url = prom.url): Promise<RunOutcome> =>
  runAnalysis([metric], async (m, atMs) => measure(m, await query(url, metric.query, analysisStart + atMs / 1000)));

// Expected outcome and number of measurements per (template, scenario). test: count 3, failureLimit 0,
// inconclusiveLimit 1, consecutiveErrorLimit 2; prod: count 5, failureLimit 1, inconclusiveLimit 2,
// consecutiveErrorLimit 3 (asserted below, so a contract change points here).
type Table = Record<string, Record<string, [Phase, number]>>;
const expected: Record<'test' | 'prod', Table> = {
  test: {
    [templateNames.errorRatio]: { healthy: ['Successful', 3], errors: ['Failed', 1], slow: ['Successful', 3], idle: ['Inconclusive', 2], none: ['Inconclusive', 2] },
    [templateNames.p99Latency]: { healthy: ['Successful', 3], errors: ['Successful', 3], slow: ['Failed', 1], idle: ['Inconclusive', 2], none: ['Inconclusive', 2] },
  },
  prod: {
    [templateNames.errorRatio]: { healthy: ['Successful', 5], errors: ['Failed', 2], slow: ['Successful', 5], idle: ['Inconclusive', 3], none: ['Inconclusive', 3] },
    [templateNames.p99Latency]: { healthy: ['Successful', 5], errors: ['Successful', 5], slow: ['Failed', 2], idle: ['Inconclusive', 3], none: ['Inconclusive', 3] },
  },
};

describe('analysis decisions on the real Prometheus', { timeout: 120_000 }, () => {
  it('the contract limits are the ones the tables assume', () => {
    const pick = (env: 'test' | 'prod') => {
      const a = (environments[env] as Environment).canary!.analysis;
      return [a.count, a.failureLimit, a.inconclusiveLimit, a.consecutiveErrorLimit];
    };
    assert.deepEqual(pick('test'), [3, 0, 1, 2]);
    assert.deepEqual(pick('prod'), [5, 1, 2, 3]);
  });

  it('the synthetic series read back as intended (5 % errors, p99 about 2 s, NaN when idle, empty when absent)', async () => {
    const m = metricOf('test', templateNames.errorRatio, 'errors');
    assert.deepEqual(await query(prom.url, m.query, analysisStart), { resultType: 'vector', values: [0.05] });
    const p99 = await query(prom.url, metricOf('test', templateNames.p99Latency, 'slow').query, analysisStart);
    assert.ok('values' in p99 && p99.values.length === 1 && p99.values[0]! > 1.5 && p99.values[0]! <= 2.5, JSON.stringify(p99));
    const idle = await query(prom.url, metricOf('test', templateNames.errorRatio, 'idle').query, analysisStart);
    assert.ok('values' in idle && idle.values.length === 1 && Number.isNaN(idle.values[0]), JSON.stringify(idle));
    assert.deepEqual(await query(prom.url, metricOf('test', templateNames.errorRatio, 'none').query, analysisStart), { resultType: 'vector', values: [] });
  });

  for (const env of ['test', 'prod'] as const)
    for (const [template, cases] of Object.entries(expected[env]))
      for (const [scenario, [phase, n]] of Object.entries(cases))
        it(`${env} ${template}, ${scenario} canary → ${phase} after ${n} measurement(s)`, async () => {
          const out = await decide(metricOf(env, template, scenario));
          assert.equal(out.phase, phase, JSON.stringify(out.results[0]!.measurements));
          assert.equal(out.measurements, n);
        });

  it('Prometheus unreachable: Error measurements, the run errors after consecutiveErrorLimit + 1', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const m = metricOf('test', templateNames.errorRatio, 'healthy');
    const out = await decide(m, dead);
    assert.equal(out.phase, 'Error');
    assert.equal(out.measurements, m.consecutiveErrorLimit! + 1);
  });

  it('the trap: `result[0]` unguarded on an empty vector is an Error run, not an Inconclusive one', async () => {
    const m = { ...metricOf('test', templateNames.errorRatio, 'none'), successCondition: 'result[0] <= 0.02', failureCondition: 'result[0] > 0.02' };
    const out = await decide(m);
    assert.equal(out.phase, 'Error');
    assert.match(out.results[0]!.measurements[0]!.message ?? '', /index out of range/);
    assert.ok(durationMs(m.interval!) > 0);
  });
});
