// Metric and run assessment (scripts/lib/rollouts/analysis.ts) on the cases of argo-rollouts
// analysis/analysis_test.go: TestAssessMetricStatus* and the sibling termination of
// TestReconcileAnalysisRunTerminateSiblingAfterFail.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessMetric, newResult, runAnalysis, type Measurement, type MetricResult, type MetricSpec, type Phase } from '../../../scripts/lib/rollouts/analysis.ts';

const withLast = (phase: Phase, counters: Partial<MetricResult>): MetricResult => ({ ...newResult('success-rate'), ...counters, measurements: [{ phase }] });

describe('assessMetricStatus (analysis_test.go)', () => {
  it('NoMeasurements: Pending, or Successful when terminating', () => {
    const r = newResult('success-rate');
    assert.equal(assessMetric({ name: 'success-rate' }, r, false), 'Pending');
    assert.equal(assessMetric({ name: 'success-rate' }, r, true), 'Successful');
  });
  it('InFlightMeasurement: Running either way', () => {
    const r = { ...newResult('success-rate'), measurements: [{ phase: 'Successful' as Phase }, { phase: 'Running' as Phase }] };
    assert.equal(assessMetric({ name: 'success-rate' }, r, false), 'Running');
    assert.equal(assessMetric({ name: 'success-rate' }, r, true), 'Running');
  });
  // FailureLimit and InconclusiveLimit: the same cases, each with its own counter, limit and phase.
  const limits = [
    { title: 'FailureLimit: 3 failed > 2 is Failed; with limit 3 Running (Successful when terminating)', phase: 'Failed', counter: 'failed', limit: 'failureLimit' },
    { title: 'InconclusiveLimit: the same with inconclusive', phase: 'Inconclusive', counter: 'inconclusive', limit: 'inconclusiveLimit' },
  ] as const;
  for (const { title, phase, counter, limit } of limits) {
    it(title, () => {
      const r = withLast(phase, { [counter]: 3, count: 3 });
      const metric = (n: number): MetricSpec => ({ name: 'success-rate', [limit]: n, interval: '60s' });
      assert.equal(assessMetric(metric(2), r, false), phase);
      assert.equal(assessMetric(metric(2), r, true), phase);
      assert.equal(assessMetric(metric(3), r, false), 'Running');
      assert.equal(assessMetric(metric(3), r, true), 'Successful');
    });
  }
  it('ConsecutiveErrors: 5 > the default 4 is Error; 4 is not', () => {
    const r = withLast('Error', { consecutiveError: 5, count: 5 });
    assert.equal(assessMetric({ name: 'success-rate', interval: '60s' }, r, false), 'Error');
    assert.equal(assessMetric({ name: 'success-rate', interval: '60s' }, r, true), 'Error');
    r.consecutiveError = 4;
    assert.equal(assessMetric({ name: 'success-rate', interval: '60s' }, r, true), 'Successful');
    assert.equal(assessMetric({ name: 'success-rate', interval: '60s' }, r, false), 'Running');
  });
  it('CountReached: Successful; with 5 inconclusive (limit 0) Inconclusive first', () => {
    const r = withLast('Successful', { successful: 10, count: 10 });
    assert.equal(assessMetric({ name: 'success-rate', count: 10 }, r, false), 'Successful');
    assert.equal(assessMetric({ name: 'success-rate', count: 10 }, { ...r, successful: 5, inconclusive: 5 }, false), 'Inconclusive');
  });
});

describe('runAnalysis: measurements until the run completes', () => {
  const scripted = (phases: Record<string, Phase[]>) => async (m: MetricSpec): Promise<Measurement> => ({ phase: phases[m.name]!.shift() ?? 'Successful' });
  it('a failing metric ends the run Failed and terminates its sibling as Successful (TerminateSiblingAfterFail)', async () => {
    const metrics: MetricSpec[] = [{ name: 'a', count: 5, interval: '1m' }, { name: 'b', count: 5, interval: '1m' }];
    const out = await runAnalysis(metrics, scripted({ a: ['Successful', 'Successful'], b: ['Successful', 'Failed'] }));
    assert.equal(out.phase, 'Failed');
    assert.deepEqual(out.results.map((r) => r.phase), ['Successful', 'Failed']);
    assert.equal(out.measurements, 4, 'no measurement after the failure');
  });
  it('consecutive errors past the limit end the run Error; a success in between resets the count', async () => {
    const metric: MetricSpec = { name: 'a', count: 10, interval: '1m', consecutiveErrorLimit: 2 };
    assert.equal((await runAnalysis([metric], scripted({ a: ['Error', 'Error', 'Error'] }))).phase, 'Error');
    const reset = await runAnalysis([metric], scripted({ a: ['Error', 'Error', 'Successful', 'Error', 'Error'] }));
    assert.equal(reset.phase, 'Successful');
    assert.equal(reset.results[0]!.count, 10, 'errors do not count towards count');
  });
  it('measurements are taken one interval apart', async () => {
    const at: number[] = [];
    await runAnalysis([{ name: 'a', count: 3, interval: '30s' }], async (_m, ms) => (at.push(ms), { phase: 'Successful' }));
    assert.deepEqual(at, [0, 30_000, 60_000]);
  });
});
