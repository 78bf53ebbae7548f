// Alerts on Argo Rollouts state (issue 21), one rule group of their own: a canary that was
// rolled back, a Rollout paused for longer than any step of the contract pauses it, an analysis
// that could not decide. Metric and label names are the controller's own (argo-rollouts
// controller/metrics/prommetrics.go, rollouts.go calculatePhase, analysis.go).
import type { RuleGroup } from './alerts.ts';
import { jobs } from './scrape.ts';

/** Longer than any contract pause plus its analysis steps: a Rollout paused this long waits for a human. */
export const rolloutPausedTooLong = '30m';

export function rolloutRuleGroup(): RuleGroup {
  const ctl = `job="${jobs.argoRollouts}"`;
  return {
    name: 'argo-rollouts',
    rules: [
      {
        alert: 'RolloutAborted',
        expr: `max by (namespace, name) (rollout_info{${ctl}, phase="Abort"}) == 1`,
        for: '1m',
        severity: 'warning',
        summary: 'Rollout {{ $labels.name }} in {{ $labels.namespace }} was aborted: the canary was rolled back',
        description: 'A canary failed its analysis (or its progress deadline) and all traffic went back to stable. The new image is not serving; the release needs a fix or a retry.',
        runbook: 'rolloutaborted',
      },
      {
        alert: 'RolloutPausedTooLong',
        expr: `max by (namespace, name) (rollout_info{${ctl}, phase="Paused"}) == 1`,
        for: rolloutPausedTooLong,
        severity: 'warning',
        summary: `Rollout {{ $labels.name }} in {{ $labels.namespace }} has been paused for more than ${rolloutPausedTooLong}`,
        description: 'No contract step pauses this long: the Rollout waits for a human (an Inconclusive analysis, or a manual pause). Stable and canary both keep serving meanwhile.',
        runbook: 'rolloutpausedtoolong',
      },
      {
        alert: 'RolloutAnalysisInconclusive',
        expr: `max by (namespace, name, metric) (analysis_run_metric_phase{${ctl}, phase="Inconclusive", dry_run!="true"}) == 1`,
        severity: 'warning',
        summary: 'Analysis {{ $labels.name }} ({{ $labels.namespace }}) could not decide on {{ $labels.metric }}',
        description: 'Too many measurements were neither good nor bad (no canary traffic: an empty result or NaN); the Rollout is paused until someone promotes or aborts it.',
        runbook: 'rolloutanalysisinconclusive',
      },
    ],
  };
}
