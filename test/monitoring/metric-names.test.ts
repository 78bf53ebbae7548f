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

type Builders = Record<string, () => Promise<Built>>;

const serviceBuilders: Builders = {
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

/**
 * Start each service via its build() (never listening) and read its /metrics. A service whose
 * /metrics cannot be read fails the whole check, naming the service: there is no fallback to
 * the contract's names, which would count an unreadable /metrics as producing them.
 */
async function serviceMetrics(builders: Builders, which: readonly string[]): Promise<{ names: Map<string, Set<string>>; texts: Map<string, string> }> {
  const names = new Map<string, Set<string>>();
  const texts = new Map<string, string>();
  const unavailable: string[] = [];
  for (const s of which) {
    let app: Built | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const build = builders[s];
      if (!build) throw new Error('no builder in metric-names.test.ts');
      app = await build();
      // One request first, so labelled series (histogram buckets) have samples.
      await app.inject({ method: 'GET', url: '/healthz' });
      const res = await Promise.race([
        app.inject({ method: 'GET', url: '/metrics' }),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('GET /metrics timed out after 10 s')), 10_000))),
      ]);
      if (res.statusCode !== 200) throw new Error(`GET /metrics answered ${res.statusCode}`);
      const n = metricNamesOf(res.body);
      if (!n.size) throw new Error('GET /metrics returned no metric names');
      names.set(s, n);
      texts.set(s, res.body);
    } catch (err) {
      unavailable.push(`${s}: ${(err as Error).message.split('\n')[0]}`);
    } finally {
      clearTimeout(timer);
      await app?.close().catch(() => undefined);
    }
  }
  if (unavailable.length) throw new Error(`/metrics could not be read, so what these services produce is unknown:\n  ${unavailable.join('\n  ')}`);
  return { names, texts };
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
  let texts: Map<string, string>;

  before(async () => {
    ({ names: fromServices, texts } = await serviceMetrics(serviceBuilders, scrapedServices));
    produced = new Set<string>();
    const lists = readdirSync(listDir).filter((f) => f.endsWith('.txt'));
    for (const f of lists) for (const n of readList(f)) produced.add(n);
    for (const g of ruleGroups()) for (const r of g.rules) if (!isAlert(r)) produced.add(r.record);
    for (const n of fromServices.values()) for (const x of n) produced.add(x);
  });

  it('every scraped service exposes its /metrics when built', () => {
    assert.deepEqual([...fromServices.keys()].sort(), [...scrapedServices].sort());
    const gw = fromServices.get('api-gateway')!;
    for (const n of [`${metrics.httpDuration}_bucket`, metrics.upstreamErrors, 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds'])
      assert.ok(gw.has(n), `api-gateway /metrics lacks ${n}`);
  });

  it(`the gateway's HTTP histogram has the latency SLO threshold (${slos.latency.thresholdSeconds}s) as a bucket`, () => {
    const text = texts.get(slos.service)!;
    assert.match(text, new RegExp(`^${metrics.httpDuration}_bucket\\{[^}]*le="${slos.latency.thresholdSeconds}"`, 'm'));
  });

  it('every contract metric is exposed by some service that was built', () => {
    const seen = new Set([...fromServices.values()].flatMap((s) => [...s]));
    const missing = Object.values(metrics).filter((m) => !seen.has(m) && !seen.has(`${m}_count`));
    assert.deepEqual(missing, []);
  });

  it('a service whose /metrics cannot be read fails the check instead of counting as produced', async () => {
    // Real fastify apps (the services' framework): one answers 500, one answers with no metric at all.
    const { default: fastify } = await import('fastify');
    const broken: Builders = {
      erroring: async () => {
        const app = fastify();
        app.get('/healthz', async () => 'ok');
        app.get('/metrics', async (_req, reply) => reply.code(500).send('registry exploded'));
        return app as unknown as Built;
      },
      empty: async () => {
        const app = fastify();
        app.get('/healthz', async () => 'ok');
        app.get('/metrics', async () => '# nothing here\n');
        return app as unknown as Built;
      },
    };
    await assert.rejects(serviceMetrics(broken, ['erroring']), /erroring: GET \/metrics answered 500/);
    await assert.rejects(serviceMetrics(broken, ['empty']), /empty: GET \/metrics returned no metric names/);
    await assert.rejects(serviceMetrics(broken, ['missing-builder']), /missing-builder: no builder/);
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
