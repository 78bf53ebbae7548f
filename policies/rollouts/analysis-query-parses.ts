// A query Prometheus cannot parse turns every measurement into an Error; after
// consecutiveErrorLimit the Rollout aborts for a reason that has nothing to do with the canary.
import { objectPolicy } from '../lib/define.ts';
import { parsePromql, prometheusQueries } from '../lib/rollouts.ts';

export default objectPolicy(
  {
    id: 'rollouts/analysis-query-parses',
    title: 'Every Prometheus query of an analysis template parses as PromQL',
    rationale:
      'Argo Rollouts sends the query as written; a syntax error makes each measurement an Error and, past consecutiveErrorLimit, aborts every release that uses the template.',
    hint: 'fix the query in generators/rollouts/analysis.ts (try it in the Prometheus UI with the args filled in)',
    kinds: ['AnalysisTemplate', 'ClusterAnalysisTemplate'],
    references: ['Argo Rollouts metricproviders/prometheus'],
  },
  (subject) =>
    prometheusQueries(subject.object).flatMap(({ path, query }) => {
      const { error } = parsePromql(query);
      return error ? [{ message: `query does not parse as PromQL at offset ${error.offset} (near ${JSON.stringify(error.near)})`, path }] : [];
    }),
);
