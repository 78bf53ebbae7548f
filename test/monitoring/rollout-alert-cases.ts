// promtool cases for the Argo Rollouts alerts (generators/monitoring/rollout-alerts.ts): series
// shaped as the controller exports them (controller/metrics/rollouts.go: one rollout_info series
// per Rollout carrying its current phase; analysis.go: analysis_run_metric_phase 0/1 per phase).
import { jobs } from '../../generators/monitoring/scrape.ts';
import type { CasePair } from './alert-cases.ts';

const sel = (name: string, labels: Record<string, string>) => `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
const rollout = (phase: string) => sel('rollout_info', { job: jobs.argoRollouts, namespace: 'marquee-prod', name: 'api-gateway', strategy: 'Canary', traffic_router: 'Nginx', phase });
const metricPhase = (phase: string, dryRun = 'false') =>
  sel('analysis_run_metric_phase', { job: jobs.argoRollouts, namespace: 'marquee-test', name: 'inventory-5c4b7f9d8e-2-2', metric: 'error-ratio', type: 'Prometheus', dry_run: dryRun, phase });
const target = { namespace: 'marquee-prod', name: 'api-gateway' };

export const rolloutAlertCases: Record<string, CasePair> = {
  RolloutAborted: {
    // Progressing, then aborted by its analysis: the phase label changes, the series with it.
    firing: { series: { [rollout('Progressing')]: '1x5 _x10', [rollout('Abort')]: '_x5 1x10' }, evalTime: '10m', firing: [target] },
    // Progressing, then promoted.
    quiet: { series: { [rollout('Progressing')]: '1x5 _x10', [rollout('Completed')]: '_x5 1x10' }, evalTime: '10m', firing: [] },
  },
  RolloutPausedTooLong: {
    firing: { series: { [rollout('Paused')]: '1x45' }, evalTime: '40m', firing: [target] },
    // The contract's longest pause plus its analysis, then on to the next step.
    quiet: { series: { [rollout('Paused')]: '1x10 _x35', [rollout('Progressing')]: '_x10 1x35' }, evalTime: '40m', firing: [] },
  },
  RolloutAnalysisInconclusive: {
    firing: {
      series: { [metricPhase('Inconclusive')]: '0x3 1x5', [metricPhase('Running')]: '1x3 0x5' },
      evalTime: '6m',
      firing: [{ namespace: 'marquee-test', name: 'inventory-5c4b7f9d8e-2-2', metric: 'error-ratio' }],
    },
    // Decided (Successful), and a dry-run metric's Inconclusive does not block the Rollout.
    quiet: {
      series: { [metricPhase('Inconclusive')]: '0x8', [metricPhase('Successful')]: '0x3 1x5', [metricPhase('Inconclusive', 'true')]: '1x8' },
      evalTime: '6m',
      firing: [],
    },
  },
};
