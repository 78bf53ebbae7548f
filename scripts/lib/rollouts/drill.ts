// The local canary drill: the environment contract's canary steps and analysis, run for real on
// this machine. Stable and canary builds of the gateway listen on loopback behind a weighted
// proxy (the role of ingress-nginx's canary Ingress); Debian's Prometheus scrapes both, labelled
// with their pod-template hashes as the cluster's relabelling does; the generated analysis
// queries run against it with Argo Rollouts' semantics. A good canary is promoted step by step; a
// canary that answers 5xx on a share of its requests (or slowly) must fail its analysis and have
// all traffic sent back to stable. Only time is compressed: interval, rate window and pauses.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { build, readGatewayConfig } from '@marquee/api-gateway';
import { environments, type CanaryRelease, type EnvName, type Environment } from '../../../generators/environments.ts';
import { analysisArgs, analysisTemplates } from '../../../generators/rollouts/analysis.ts';
import { rolloutsHashLabel } from '../../../generators/rollouts/version.ts';
import { durationMs, measure, runAnalysis, type MetricSpec, type Phase } from './analysis.ts';
import { query, resolveArgs, startPrometheus, type RunningPrometheus } from './prometheus.ts';

export type Fault = { readonly kind: '5xx'; readonly ratio: number } | { readonly kind: 'latency'; readonly ms: number; readonly ratio: number };

export interface DrillOptions {
  /** Whose canary contract (steps, thresholds, limits) the drill runs. @default 'test' */
  readonly env?: EnvName;
  /** Requests per second offered to the proxy. */
  readonly rps: number;
  /** Time between measurements (the contract's interval, compressed). */
  readonly interval: `${number}s`;
  /** PromQL rate window (the contract's window, compressed): at least four scrapes. */
  readonly window: `${number}s`;
  /** Scrape interval of the drill's Prometheus. */
  readonly scrapeInterval: `${number}s`;
  /** Contract pauses are divided by this. */
  readonly pauseDivisor: number;
  /** What the bad canary does wrong. @default 5xx on 5 % of its requests */
  readonly fault?: Fault;
  /** Progress lines (one per step and measurement). */
  readonly log?: (line: string) => void;
}

/** Named timeouts of the drill's waits. */
export const drillTimeouts = { firstScrape: 20_000, drain: 5_000, serverClose: 5_000 } as const;

export interface CanaryOutcome {
  readonly phase: Phase;
  /** Measurements taken over all of the canary's analysis steps. */
  readonly measurements: number;
  /** Seconds from the canary's first traffic to promotion or abort. */
  readonly seconds: number;
  /** Requests the proxy sent to the canary. */
  readonly canaryRequests: number;
  /** Weight the proxy ends with: 100 promoted, 0 aborted. */
  readonly finalWeight: number;
  /** Requests that reached the canary after the abort (must be 0). */
  readonly canaryRequestsAfterAbort: number;
  /** Failed measurements per metric over the canary's analysis steps. */
  readonly failed: Readonly<Record<string, number>>;
}

export interface DrillResult {
  readonly good: CanaryOutcome;
  readonly bad: CanaryOutcome;
}

const namespace = 'marquee-drill';
const service = 'api-gateway';
/** The route the load hits: the gateway's own, no upstream needed. */
const path = '/api/info';

interface Backend {
  readonly name: string;
  readonly hash: string;
  readonly app: FastifyInstance;
  readonly url: string;
}

async function startGateway(name: string, hash: string, gitSha: string, fault?: Fault): Promise<Backend> {
  const app = build({ config: readGatewayConfig({ LOG_LEVEL: 'fatal', APP_ENV: 'drill', GIT_SHA: gitSha }) });
  if (fault) {
    // Deterministic: every (1/ratio)-th request of this build is the faulty one.
    let n = 0;
    const every = Math.round(1 / fault.ratio);
    app.addHook('onRequest', async (request, reply) => {
      if (request.url !== path || ++n % every !== 0) return;
      if (fault.kind === '5xx') return reply.code(500).send({ error: 'injected fault', statusCode: 500 });
      await sleep(fault.ms);
    });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { name, hash, app, url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` };
}

/** The weighted proxy: `weight` % of requests to the canary, spread evenly (not randomly). */
class WeightedProxy {
  weight = 0;
  stable!: Backend;
  canary: Backend | undefined;
  readonly served = new Map<string, number>();
  private seq = 0;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const i = this.seq++;
      const toCanary = this.canary && Math.floor(((i + 1) * this.weight) / 100) > Math.floor((i * this.weight) / 100);
      const b = toCanary ? this.canary! : this.stable;
      this.served.set(b.name, (this.served.get(b.name) ?? 0) + 1);
      fetch(b.url + (req.url ?? '/'))
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' });
          res.end(Buffer.from(await r.arrayBuffer()));
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  count = (b: Backend | undefined): number => (b ? (this.served.get(b.name) ?? 0) : 0);

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** Offer `rps` requests per second until stopped; resolves with the response status counts. */
function load(url: string, rps: number): { stop: () => Promise<Map<number, number>> } {
  const statuses = new Map<number, number>();
  let running = true;
  const workers = 4;
  const gap = (1000 * workers) / rps;
  const worker = async () => {
    let next = Date.now();
    while (running) {
      try {
        const r = await fetch(url + path);
        await r.arrayBuffer();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      } catch {
        statuses.set(0, (statuses.get(0) ?? 0) + 1);
      }
      next += gap;
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
    }
  };
  const all = Array.from({ length: workers }, worker);
  return {
    stop: async () => {
      running = false;
      await Promise.race([Promise.all(all), sleep(drillTimeouts.drain)]);
      return statuses;
    },
  };
}

function prometheusConfig(o: DrillOptions, backends: readonly Backend[]): string {
  const target = (b: Backend) => ({
    targets: [b.url.replace('http://', '')],
    // What the services job's relabelling yields in the cluster (generators/monitoring/scrape.ts).
    labels: { namespace, service, pod: `${service}-${b.hash}`, [rolloutsHashLabel.metric]: b.hash },
  });
  return JSON.stringify({
    global: { scrape_interval: o.scrapeInterval, scrape_timeout: o.scrapeInterval },
    scrape_configs: [{ job_name: 'marquee-services', metrics_path: '/metrics', static_configs: backends.map(target) }],
  });
}

/** The contract's analysis with only time compressed; one MetricSpec + query per template, args resolved. */
/** A generated AnalysisTemplate's one metric as the analysis runner takes it, its args resolved. */
export function metricSpecOf(t: ReturnType<typeof analysisTemplates>[number], at: { service: string; namespace: string; hash: string }): MetricSpec & { query: string } {
  const m = t.spec.metrics![0]!;
  const args = { [analysisArgs.service]: at.service, [analysisArgs.namespace]: at.namespace, [analysisArgs.canaryHash]: at.hash };
  return {
    name: m.name,
    successCondition: m.successCondition,
    failureCondition: m.failureCondition,
    count: Number(m.count),
    interval: String(m.interval),
    failureLimit: Number(m.failureLimit),
    inconclusiveLimit: Number(m.inconclusiveLimit),
    consecutiveErrorLimit: Number(m.consecutiveErrorLimit),
    query: resolveArgs(m.provider.prometheus!.query!, args),
  };
}

function metricsFor(c: CanaryRelease, o: DrillOptions, hash: string): (MetricSpec & { query: string })[] {
  return analysisTemplates({ ...c.analysis, interval: o.interval, window: o.window }).map((t) => metricSpecOf(t, { service, namespace, hash }));
}

/** Walk the contract's steps for one canary: set weights, pause, analyse; promote or abort. */
async function releaseCanary(c: CanaryRelease, o: DrillOptions, proxy: WeightedProxy, prom: RunningPrometheus, canary: Backend): Promise<CanaryOutcome> {
  const log = o.log ?? (() => {});
  proxy.canary = canary;
  const before = proxy.count(canary);
  let started: number | undefined;
  let measurements = 0;
  const failed: Record<string, number> = {};
  const finish = async (phase: Phase, weight: number): Promise<CanaryOutcome> => {
    proxy.weight = weight;
    const seconds = started === undefined ? 0 : (Date.now() - started) / 1000;
    const canaryRequests = proxy.count(canary) - before;
    let after = 0;
    if (weight === 0) {
      // Traffic keeps flowing: none of it may reach the aborted canary.
      const at = proxy.count(canary);
      await sleep(durationMs(o.interval));
      after = proxy.count(canary) - at;
      proxy.canary = undefined;
    }
    log(`${canary.name}: ${phase}, weight ${weight} %, ${measurements} measurements, ${canaryRequests} requests reached it in ${seconds.toFixed(1)} s`);
    return { phase, measurements, seconds, canaryRequests, finalWeight: weight, canaryRequestsAfterAbort: after, failed };
  };
  for (const step of c.steps) {
    if ('weight' in step) {
      proxy.weight = step.weight;
      started ??= Date.now();
      log(`${canary.name}: setWeight ${step.weight}`);
    } else if ('pause' in step) {
      const ms = durationMs(step.pause) / o.pauseDivisor;
      log(`${canary.name}: pause ${step.pause} (drill: ${(ms / 1000).toFixed(1)} s)`);
      await sleep(ms);
    } else {
      const metrics = metricsFor(c, o, canary.hash);
      const t0 = Date.now();
      const run = await runAnalysis(
        metrics,
        async (m) => {
          const mm = measure(m, await query(prom.url, (m as MetricSpec & { query: string }).query));
          log(`${canary.name}: ${m.name} ${mm.value ?? ''} ${mm.phase}${mm.message ? ` (${mm.message})` : ''}`);
          return mm;
        },
        async (atMs) => {
          const wait = t0 + atMs - Date.now();
          if (wait > 0) await sleep(wait);
        },
      );
      measurements += run.measurements;
      for (const r of run.results) failed[r.name] = (failed[r.name] ?? 0) + r.failed;
      log(`${canary.name}: analysis ${run.phase}`);
      // Failed and Error abort the Rollout; Inconclusive pauses it for a human (the drill stops there).
      if (run.phase !== 'Successful') return finish(run.phase, 0);
    }
  }
  return finish('Successful', 100);
}

export async function runDrill(o: DrillOptions): Promise<DrillResult> {
  const env = o.env ?? 'test';
  const c = (environments[env] as Environment).canary;
  if (!c) throw new Error(`generators/environments.ts: environments.${env} has no canary release to drill`);
  const log = o.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'marquee-rollout-drill-'));
  const backends: Backend[] = [];
  const proxy = new WeightedProxy();
  let prom: RunningPrometheus | undefined;
  let traffic: ReturnType<typeof load> | undefined;
  try {
    // Pod-template hashes as the controller writes them; one build (git sha) per ReplicaSet.
    const stable = await startGateway('stable', '7d9f8c6b54', 'a1b2c3d');
    const good = await startGateway('good canary', '5c4b7f9d8e', 'b2c3d4e');
    const bad = await startGateway('bad canary', '68f7d5c9b4', 'c3d4e5f', o.fault ?? { kind: '5xx', ratio: 0.05 });
    backends.push(stable, good, bad);
    prom = await startPrometheus({ config: prometheusConfig(o, backends), dataDir: join(dir, 'data'), dir });
    proxy.stable = stable;
    await proxy.start();
    traffic = load(proxy.url, o.rps);
    const upQuery = `count(up{job="marquee-services"} == 1)`;
    const deadline = Date.now() + drillTimeouts.firstScrape;
    for (;;) {
      const r = await query(prom.url, upQuery);
      if ('values' in r && r.values[0] === backends.length) break;
      if (Date.now() > deadline) throw new Error(`timed out after ${drillTimeouts.firstScrape} ms waiting for Prometheus to scrape all ${backends.length} gateways`);
      await sleep(250);
    }
    log(`Prometheus ${prom.url} scrapes stable, good and bad canaries every ${o.scrapeInterval}; ${o.rps} req/s offered to ${proxy.url}${path}`);
    const goodOutcome = await releaseCanary(c, o, proxy, prom, good);
    // Promotion: the good canary is the new stable.
    if (goodOutcome.phase === 'Successful') proxy.stable = good;
    proxy.canary = undefined;
    proxy.weight = 0;
    const badOutcome = await releaseCanary(c, o, proxy, prom, bad);
    const statuses = await traffic.stop();
    traffic = undefined;
    log(`load: ${[...statuses].map(([s, n]) => `${n} × ${s || 'error'}`).join(', ')}`);
    return { good: goodOutcome, bad: badOutcome };
  } finally {
    await traffic?.stop();
    await proxy.close().catch(() => {});
    await prom?.stop();
    await Promise.all(backends.map((b) => Promise.race([b.app.close(), sleep(drillTimeouts.serverClose)])));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The drill's summary line (the CLI's last line). */
export const summaryLine = (r: DrillResult): string =>
  `rollout:drill: good canary ${r.good.phase} (${r.good.measurements} measurements) · bad canary ${r.bad.phase} after ${Math.round(r.bad.seconds)} s, ${r.bad.canaryRequests} requests reached it`;
