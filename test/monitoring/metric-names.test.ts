// Every metric an alert, recording rule or dashboard reads is produced by something
// Prometheus scrapes: the services' real /metrics (built with their build()), the
// exporters' documented lists in exporter-metrics/, or a recording rule. Unknown fails.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it, before } from 'node:test';
import { metrics, services } from '@marquee/contract';
import { ruleGroups, isAlert, slos } from '../../generators/monitoring/alerts.ts';
import { dashboards, expressionsOf } from '../../generators/monitoring/dashboards.ts';
import { scrapedServices } from '../../generators/monitoring/scrape.ts';
import { metricNamesOf, metricsIn } from './metric-names.ts';

const listDir = new URL('./exporter-metrics/', import.meta.url);
const readList = (file: string) =>
  readFileSync(new URL(file, listDir), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

interface Built {
  inject(o: { method: 'GET'; url: string }): Promise<{ statusCode: number; body: string }>;
  close(): Promise<unknown>;
}

/** Start each service via its build() (never listening) and read its /metrics. */
async function serviceMetrics(): Promise<{ names: Map<string, Set<string>>; texts: Map<string, string>; unavailable: Map<string, string> }> {
  const names = new Map<string, Set<string>>();
  const texts = new Map<string, string>();
  const unavailable = new Map<string, string>();
  const builders: Record<string, () => Promise<Built>> = {
    'api-gateway': async () => {
      const m = await import('@marquee/api-gateway');
      return m.build({ config: m.readGatewayConfig({}) }) as unknown as Built;
    },
    inventory: async () => {
      const m = await import('@marquee/inventory');
      return m.build({ config: m.readInventoryConfig({}) }) as unknown as Built;
    },
    'billing-api': async () => {
      const m = await import('@marquee/billing');
      const b = m.buildApi({ config: m.readApiConfig({}) }) as unknown as { app: Built } & Built;
      return b.app ?? b;
    },
    'billing-worker': async () => {
      const m = await import('@marquee/billing');
      const b = m.buildWorker({ config: m.readWorkerConfig({}) }) as unknown as { app: Built } & Built;
      return b.app ?? b;
    },
  };
  for (const s of scrapedServices) {
    let app: Built | undefined;
    try {
      app = await builders[s]!();
      // One request first, so labelled series (histogram buckets) have samples.
      await app.inject({ method: 'GET', url: '/healthz' });
      const res = await Promise.race([
        app.inject({ method: 'GET', url: '/metrics' }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('GET /metrics timed out')), 10_000)),
      ]);
      if (res.statusCode !== 200) throw new Error(`GET /metrics answered ${res.statusCode}`);
      names.set(s, metricNamesOf(res.body));
      texts.set(s, res.body);
    } catch (err) {
      unavailable.set(s, (err as Error).message.split('\n')[0]!);
    } finally {
      await app?.close().catch(() => undefined);
    }
  }
  return { names, texts, unavailable };
}

function exprsUsed(): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const g of ruleGroups())
    for (const r of g.rules) out.push({ where: `rule ${isAlert(r) ? r.alert : r.record} (${g.name})`, expr: r.expr });
  for (const [file, d] of Object.entries(dashboards())) for (const expr of expressionsOf(d)) out.push({ where: `dashboard ${file}`, expr });
  return out;
}

describe('metric names used by alerts and dashboards', () => {
  let produced: Set<string>;
  let fromServices: Map<string, Set<string>>;
  let unavailable: Map<string, string>;
  let texts: Map<string, string>;

  before(async () => {
    ({ names: fromServices, texts, unavailable } = await serviceMetrics());
    produced = new Set<string>();
    const lists = readdirSync(listDir).filter((f) => f.endsWith('.txt') && f !== 'prom-client-defaults.txt');
    for (const f of lists) for (const n of readList(f)) produced.add(n);
    for (const g of ruleGroups()) for (const r of g.rules) if (!isAlert(r)) produced.add(r.record);
    for (const n of fromServices.values()) for (const x of n) produced.add(x);
    if (unavailable.size) {
      // Fallback for a service that cannot be built here: its contract names + prom-client defaults.
      for (const n of readList('prom-client-defaults.txt')) produced.add(n);
      for (const m of Object.values(metrics)) produced.add(m);
      for (const s of ['_bucket', '_sum', '_count']) produced.add(metrics.httpDuration + s);
    }
  });

  it('the services expose their /metrics when built (or the report says which could not be)', (t) => {
    for (const [s, why] of unavailable) t.diagnostic(`${s}: real /metrics unavailable (${why}); checked against the contract instead`);
    // The gateway needs no database or broker: it must always be checked for real.
    assert.ok(fromServices.has('api-gateway'), `api-gateway /metrics: ${unavailable.get('api-gateway')}`);
    const gw = fromServices.get('api-gateway')!;
    for (const n of [`${metrics.httpDuration}_bucket`, metrics.upstreamErrors, 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds'])
      assert.ok(gw.has(n), `api-gateway /metrics lacks ${n}`);
  });

  it(`the gateway's HTTP histogram has the latency SLO threshold (${slos.latency.thresholdSeconds}s) as a bucket`, () => {
    const text = texts.get(slos.service)!;
    assert.match(text, new RegExp(`^${metrics.httpDuration}_bucket\\{[^}]*le="${slos.latency.thresholdSeconds}"`, 'm'));
  });

  it('every contract metric is exposed by some service that was built', (t) => {
    const seen = new Set([...fromServices.values()].flatMap((s) => [...s]));
    const missing = Object.values(metrics).filter((m) => !seen.has(m) && !seen.has(`${m}_count`));
    if (unavailable.size) t.diagnostic(`not built: ${[...unavailable.keys()].join(', ')}; missing: ${missing.join(', ') || 'none'}`);
    else assert.deepEqual(missing, []);
  });

  it('every metric in every alert, recording rule and dashboard is produced by a scraped source', () => {
    const unknown: string[] = [];
    let count = 0;
    for (const { where, expr } of exprsUsed())
      for (const name of metricsIn(expr)) {
        count++;
        if (!produced.has(name)) unknown.push(`${where}: ${name}`);
      }
    assert.ok(count > 100, `only ${count} metric references found: is the extraction broken?`);
    assert.deepEqual(unknown, []);
  });

  it('the check catches an unknown metric (it can fail)', () => {
    const names = metricsIn('sum by (service) (rate(http_requests_totl{job="marquee-services"}[$__rate_interval])) / on() group_left up');
    assert.deepEqual([...names].sort(), ['http_requests_totl', 'up']);
    assert.ok(!produced.has('http_requests_totl'));
    assert.throws(() => metricsIn('sum(rate(x[5m])'), /syntax error/);
  });

  it('scrapes every service that serves /metrics', () => {
    assert.deepEqual([...scrapedServices].sort(), Object.keys(services).filter((s) => s !== 'web').sort());
  });
});
