// A query over a metric nobody exports returns an empty vector forever: every measurement is
// Inconclusive (or an Error with `result[0]`), and no canary can ever be promoted.
import { metrics } from '@marquee/contract';
import { isAlert, ruleGroups } from '../../generators/monitoring/alerts.ts';
import { objectPolicy } from '../lib/define.ts';
import { parsePromql, prometheusQueries } from '../lib/rollouts.ts';

/** Series names the services produce (a histogram's _bucket/_sum/_count too) and the recording rules' names. */
const known: ReadonlySet<string> = new Set([
  ...Object.values(metrics).flatMap((m) => [m, `${m}_bucket`, `${m}_sum`, `${m}_count`]),
  ...ruleGroups().flatMap((g) => g.rules.filter((r) => !isAlert(r)).map((r) => (r as { record: string }).record)),
]);

export default objectPolicy(
  {
    id: 'rollouts/analysis-metrics-exist',
    title: 'Analysis queries read only metrics a service exports or a recording rule records',
    rationale:
      'A misspelt or retired metric name is not an error to Prometheus: the query returns nothing, every measurement is Inconclusive, and every release stalls.',
    hint: 'use a metric name from the contract (apps/contract metrics) or a recording rule in generators/monitoring/alerts.ts',
    kinds: ['AnalysisTemplate', 'ClusterAnalysisTemplate'],
    references: ['Argo Rollouts analysis: empty results'],
  },
  (subject) =>
    prometheusQueries(subject.object).flatMap(({ path, query }) =>
      [...parsePromql(query).metrics]
        .filter((m) => !known.has(m))
        .map((m) => ({ message: `query reads ${m}, which no service exports and no recording rule records`, path })),
    ),
);
