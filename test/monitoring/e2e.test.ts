// End to end: the real (Debian) Prometheus and Alertmanager run with configs derived
// from the generated ones, scrape the real api-gateway (built with build(), listening
// on loopback), and the gateway's 502s drive HttpErrorRateHigh pending → firing → webhook.
//
// Derivation (and nothing else): static loopback targets instead of Kubernetes discovery
// (no cluster here), 1 s scrape/evaluation intervals, and the `for:` of HttpErrorRateHigh
// shortened to 5 s so the test stays well under a minute. The rule expressions, labels and
// annotations, and the Alertmanager routing tree are the committed files.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import type { FastifyInstance } from 'fastify';
import { build, readGatewayConfig } from '@marquee/api-gateway';
import { secretDir } from '../../generators/monitoring/alertmanager.ts';
import { jobs } from '../../generators/monitoring/scrape.ts';
import { freePort } from '@marquee/kit/testing';
import { waitFor } from '../../scripts/lib/rollouts/prometheus.ts';
import { amDir, committedRuleFiles, promDir, readText, tempDir } from './support.ts';

const alert = 'HttpErrorRateHigh';
const shortenedFor = '5s';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stop(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => p.kill('SIGKILL'), 5000);
    p.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    p.kill('SIGTERM');
  });
}

interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
}

describe('end to end: gateway errors → Prometheus → Alertmanager → webhook', { timeout: 120_000 }, () => {
  const dir = tempDir('e2e');
  let gateway: FastifyInstance;
  let prometheus: ChildProcess | undefined;
  let alertmanager: ChildProcess | undefined;
  let webhook: Server;
  /** path = the secret key the URL came from; receiver = Alertmanager's receiver name in the payload. */
  const received: { path: string; receiver: string; status: string; alerts: { labels: Record<string, string> }[] }[] = [];
  let promUrl = '';
  let load: NodeJS.Timeout | undefined;
  const logs: string[] = [];

  before(async () => {
    // The gateway's upstreams point at a port nobody listens on: every /api call is a 502.
    const dead = await freePort();
    gateway = build({
      config: readGatewayConfig({ INVENTORY_URL: `http://127.0.0.1:${dead}`, BILLING_URL: `http://127.0.0.1:${dead}`, LOG_LEVEL: 'fatal' }),
    });
    await gateway.listen({ port: 0, host: '127.0.0.1' });
    const gatewayPort = (gateway.server.address() as { port: number }).port;

    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const payload = JSON.parse(body) as { receiver: string; status: string; alerts: { labels: Record<string, string> }[] };
        received.push({ path: (req.url ?? '').slice(1), ...payload });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', () => r()));
    const webhookPort = (webhook.address() as { port: number }).port;

    // Alertmanager: the committed routing tree; url_file (0.26+) → url of the local webhook.
    const amPort = await freePort();
    const amConfig = readText(join(amDir, 'alertmanager.yml')).replace(
      new RegExp(`url_file: ${secretDir}/([a-z-]+)`, 'g'),
      (_, key: string) => `url: http://127.0.0.1:${webhookPort}/${key}`,
    );
    writeFileSync(join(dir, 'alertmanager.yml'), amConfig);
    alertmanager = spawn(
      '/usr/bin/prometheus-alertmanager',
      [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address='],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    alertmanager.stderr!.on('data', (d) => logs.push(`alertmanager: ${d}`));

    // Rule files as committed, except the `for:` of the alert under test.
    mkdirSync(join(dir, 'rules'));
    for (const f of committedRuleFiles()) {
      const doc = parse(readText(f)) as { groups: { rules: { alert?: string; for?: string }[] }[] };
      for (const g of doc.groups) for (const r of g.rules) if (r.alert === alert) r.for = shortenedFor;
      writeFileSync(join(dir, 'rules', basename(f)), stringify(doc, { lineWidth: 0 }));
    }
    copyFileSync(join(promDir, 'prometheus.yml'), join(dir, 'prometheus.generated.yml'));
    const generated = parse(readText(join(promDir, 'prometheus.yml'))) as Record<string, any>;
    const services = generated.scrape_configs.find((c: { job_name: string }) => c.job_name === jobs.services);
    const promPort = await freePort();
    const derived = {
      global: { ...generated.global, scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: [join(dir, 'rules', '*.yml')],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
      scrape_configs: [
        { job_name: jobs.prometheus, static_configs: [{ targets: [`127.0.0.1:${promPort}`] }] },
        {
          job_name: services.job_name,
          metrics_path: services.metrics_path,
          // What the relabelling produces in the cluster: namespace, pod and service labels.
          static_configs: [{ targets: [`127.0.0.1:${gatewayPort}`], labels: { namespace: 'marquee-e2e', service: 'api-gateway', pod: 'api-gateway-e2e' } }],
        },
      ],
    };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(derived));
    prometheus = spawn(
      '/usr/bin/prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--enable-feature=expand-external-labels',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CLUSTER: 'e2e' } },
    );
    prometheus.stderr!.on('data', (d) => logs.push(`prometheus: ${d}`));
    promUrl = `http://127.0.0.1:${promPort}`;
    await waitFor('Prometheus ready', 30_000, async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined));
    await waitFor('Alertmanager ready', 30_000, async () => ((await fetch(`http://127.0.0.1:${amPort}/-/ready`)).ok ? true : undefined));
  });

  after(async () => {
    clearInterval(load);
    await Promise.all([stop(prometheus), stop(alertmanager)]);
    await gateway?.close();
    await new Promise((r) => webhook?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const alerts = async (): Promise<PromAlert[]> =>
    ((await (await fetch(`${promUrl}/api/v1/alerts`)).json()) as { data: { alerts: PromAlert[] } }).data.alerts;

  it('scrapes the real gateway and loads every generated rule file', async () => {
    await waitFor('the gateway target up', 20_000, async () => {
      const r = (await (await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(`up{job="${jobs.services}"}`)}`)).json()) as {
        data: { result: { value: [number, string] }[] };
      };
      return r.data.result[0]?.value[1] === '1' ? true : undefined;
    });
    const rules = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as { data: { groups: { name: string; rules: unknown[] }[] } };
    assert.equal(rules.data.groups.length, committedRuleFiles().length);
    // The Watchdog fires as soon as Prometheus scrapes itself and evaluates rules.
    await waitFor('Watchdog firing', 20_000, async () => ((await alerts()).some((a) => a.labels.alertname === 'Watchdog' && a.state === 'firing') ? true : undefined));
  });

  it(`is quiet while the gateway answers 2xx, then ${alert} goes pending and firing on 502s`, async () => {
    for (let i = 0; i < 20; i++) assert.equal((await fetch(`http://127.0.0.1:${(gateway.server.address() as { port: number }).port}/healthz`)).status, 200);
    await sleep(3000);
    assert.ok(!(await alerts()).some((a) => a.labels.alertname === alert), `${alert} active before any error`);

    const port = (gateway.server.address() as { port: number }).port;
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/movies`)).status, 502);
    load = setInterval(() => void fetch(`http://127.0.0.1:${port}/api/movies`).catch(() => undefined), 50);

    const states = new Set<string>();
    const firing = await waitFor(`${alert} firing`, 45_000, async () => {
      const mine = (await alerts()).filter((a) => a.labels.alertname === alert);
      for (const a of mine) states.add(a.state);
      return mine.find((a) => a.state === 'firing');
    });
    assert.ok(states.has('pending'), `never saw ${alert} pending (saw ${[...states].join(', ')})`);
    assert.equal(firing.labels.namespace, 'marquee-e2e');
    assert.equal(firing.labels.service, 'api-gateway');
    assert.equal(firing.labels.severity, 'critical');
    assert.match(firing.annotations.runbook_url!, /docs\/monitoring\.md#httperrorratehigh$/);
  });

  it('Alertmanager routes the firing alert to the critical webhook', async () => {
    const delivery = await waitFor('a webhook delivery for the alert', 45_000, async () =>
      received.find((r) => r.alerts.some((a) => a.labels.alertname === alert)),
    );
    assert.equal(delivery.receiver, 'critical');
    assert.equal(delivery.path, 'critical-webhook-url');
    assert.equal(delivery.status, 'firing');
    // The Watchdog heartbeat reaches its own receiver, never the paging one.
    assert.ok(!received.some((r) => r.path !== 'watchdog-url' && r.alerts.some((a) => a.labels.alertname === 'Watchdog')));
  });
});
