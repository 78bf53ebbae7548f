// Metric names: those a PromQL expression reads (via the Prometheus project's own
// grammar, @prometheus-io/lezer-promql) and those an exposition text produces.
import { parser } from '@prometheus-io/lezer-promql';

/** Grafana variables and built-ins replaced by valid PromQL before parsing. */
const grafanaVars = (expr: string) => expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$(\w+)/g, 'x');

/** Metric names read by an expression (vector selectors' identifiers). Throws on a syntax error. */
export function metricsIn(expr: string): Set<string> {
  const src = grafanaVars(expr);
  const tree = parser.parse(src);
  const names = new Set<string>();
  let error: string | undefined;
  tree.iterate({
    enter(n) {
      if (n.type.isError) error ??= `syntax error at ${n.from} in: ${src}`;
      if (n.name === 'VectorSelector') {
        const id = n.node.getChild('Identifier');
        if (id) names.add(src.slice(id.from, id.to));
      }
    },
  });
  if (error) throw new Error(error);
  return names;
}

/** Sample names in a Prometheus text exposition, plus the series names of typed-but-empty histograms/summaries. */
export function metricNamesOf(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (type) {
      const [, name, kind] = type;
      if (kind === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
      else if (kind === 'summary') for (const s of ['', '_sum', '_count']) names.add(name + s);
      else names.add(name!);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample && !line.startsWith('#')) names.add(sample[1]!);
  }
  return names;
}
