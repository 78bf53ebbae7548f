// The canary drill, short: test's contract steps and analysis with time compressed further than
// `npm run rollout:drill` (2 s interval, 8 s window, pauses / 30), the real gateway builds, proxy
// and Prometheus. The good canary must be promoted after every analysis step; the bad one (5xx on
// 5 % of its requests) must fail at its first failed measurement (failureLimit 0) with all traffic
// back on stable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { environments, type Environment } from '../../../generators/environments.ts';
import { runDrill, summaryLine, type DrillResult } from '../../../scripts/lib/rollouts/drill.ts';

const drillTimeoutMs = 120_000;

describe('rollout drill (short)', { timeout: drillTimeoutMs }, () => {
  let result: DrillResult;
  const c = (environments.test as Environment).canary!;
  const analysisSteps = c.steps.filter((s) => 'analysis' in s).length;

  it('runs', async () => {
    result = await runDrill({ env: 'test', rps: 60, interval: '2s', window: '8s', scrapeInterval: '1s', pauseDivisor: 30 });
    assert.match(summaryLine(result), /^rollout:drill: good canary Successful \(\d+ measurements\) · bad canary Failed after \d+ s, \d+ requests reached it$/);
  });

  it('promotes the good canary after every analysis step ran its full count for both templates', () => {
    assert.equal(result.good.phase, 'Successful');
    assert.equal(result.good.finalWeight, 100);
    assert.equal(result.good.measurements, analysisSteps * c.analysis.count * 2);
    assert.deepEqual(result.good.failed, { 'error-ratio': 0, 'p99-latency': 0 });
  });

  it('fails the bad canary within its failure budget and sends all traffic back to stable', () => {
    assert.equal(result.bad.phase, 'Failed');
    assert.equal(result.bad.failed['error-ratio'], c.analysis.failureLimit + 1);
    assert.equal(result.bad.finalWeight, 0);
    assert.equal(result.bad.canaryRequestsAfterAbort, 0);
    assert.ok(result.bad.canaryRequests > 0, 'the bad canary served some traffic before the abort');
  });
});
