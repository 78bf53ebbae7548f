// alertmanager.yml passes amtool, and the routing tree sends each kind of alert
// where docs/monitoring.md says it goes (amtool config routes test).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alertmanagerConfig, receivers, secretDir } from '../../generators/monitoring/alertmanager.ts';
import { alertRules, amDir, readText, run, tempDir } from './support.ts';

/**
 * Debian's amtool is 0.25, which predates webhook `url_file` (0.26+, the pinned image is
 * 0.28): the only rewrite is `url_file: <secret path>` → `url: <placeholder>`, line by line.
 */
function checkableConfig(): { file: string; original: string; derived: string } {
  const original = readText(join(amDir, 'alertmanager.yml'));
  const derived = original.replace(
    new RegExp(`url_file: ${secretDir}/([a-z-]+)`, 'g'),
    (_, key: string) => `url: http://127.0.0.1:9/${key}`,
  );
  const file = join(tempDir('amcfg'), 'alertmanager.yml');
  writeFileSync(file, derived);
  return { file, original, derived };
}

const routesTest = (file: string, expect: string, labels: Record<string, string>) =>
  run('amtool', [
    'config',
    'routes',
    'test',
    `--config.file=${file}`,
    `--verify.receivers=${expect}`,
    ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
  ]);

describe('Alertmanager configuration', () => {
  it('passes amtool check-config (only url_file lines differ from the committed file)', () => {
    const { file, original, derived } = checkableConfig();
    const a = original.split('\n');
    const b = derived.split('\n');
    assert.equal(a.length, b.length);
    const changed = a.filter((l, i) => l !== b[i]);
    assert.equal(changed.length, alertmanagerConfig().receivers.filter((r) => r.webhook_configs).length);
    assert.ok(changed.every((l) => /^\s*(- )?url_file: /.test(l)), changed.join('\n'));
    const r = run('amtool', ['check-config', file]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /SUCCESS/);
  });

  const cases: { name: string; labels: Record<string, string>; expect: string }[] = [
    { name: 'Watchdog goes to the dead man\'s switch', labels: { alertname: 'Watchdog', severity: 'none' }, expect: receivers.watchdog },
    { name: 'critical alerts page', labels: { alertname: 'ServiceDown', severity: 'critical', namespace: 'marquee-prod' }, expect: receivers.critical },
    { name: 'critical burn rate pages', labels: { alertname: 'GatewayErrorBudgetBurn', severity: 'critical', long_window: '1h', namespace: 'marquee-prod' }, expect: receivers.critical },
    { name: 'warnings go to the default webhook', labels: { alertname: 'PodRestartingOften', severity: 'warning', namespace: 'marquee-dev' }, expect: receivers.default },
    { name: 'slow burn is a ticket, not a page', labels: { alertname: 'GatewayErrorBudgetBurn', severity: 'warning', long_window: '3d', namespace: 'marquee-prod' }, expect: receivers.default },
    { name: 'severity=none never notifies', labels: { alertname: 'SomethingInformational', severity: 'none' }, expect: receivers.none },
    { name: 'alerts without severity still reach someone', labels: { alertname: 'Unlabelled' }, expect: receivers.default },
  ];

  for (const c of cases)
    it(`routes: ${c.name}`, () => {
      const { file } = checkableConfig();
      const r = routesTest(file, c.expect, c.labels);
      assert.equal(r.status, 0, r.out);
      // stdout: the receiver list; amtool also warns on stderr that --config.file wins.
      assert.equal(r.out.trim().split('\n')[0], c.expect);
    });

  it('routes: every generated alert reaches the receiver its severity implies', () => {
    const { file } = checkableConfig();
    for (const rule of alertRules()) {
      const expect = rule.alert === 'Watchdog' ? receivers.watchdog : rule.severity === 'critical' ? receivers.critical : rule.severity === 'none' ? receivers.none : receivers.default;
      const r = routesTest(file, expect, { alertname: rule.alert, severity: rule.severity, namespace: 'marquee-prod', ...rule.labels });
      assert.equal(r.status, 0, `${rule.alert}: ${r.out}`);
    }
  });

  it('routes test fails on a wrong expectation (it can fail)', () => {
    const { file } = checkableConfig();
    const r = routesTest(file, receivers.default, { alertname: 'ServiceDown', severity: 'critical' });
    assert.notEqual(r.status, 0, r.out);
  });

  it('inhibitions, on a running Alertmanager: critical mutes the same warning, PvcAlmostFull mutes PvcFillingUp, nothing else', async () => {
    const { file } = checkableConfig();
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const dir = tempDir('am-inhibit');
    const am = spawn('/usr/bin/prometheus-alertmanager', [`--config.file=${file}`, `--storage.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: 'ignore' });
    try {
      const api = `http://127.0.0.1:${port}/api/v2`;
      for (let i = 0; i < 100; i++) {
        if (await fetch(`${api}/status`).then((r) => r.ok).catch(() => false)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const pvc = { namespace: 'marquee-prod', persistentvolumeclaim: 'data-postgres-0' };
      const sent: Record<string, string>[] = [
        { alertname: 'GatewayErrorBudgetBurn', severity: 'critical', namespace: 'marquee-prod', long_window: '1h', short_window: '5m' },
        { alertname: 'GatewayErrorBudgetBurn', severity: 'warning', namespace: 'marquee-prod', long_window: '1d', short_window: '2h' },
        // Same alert, other namespace: not inhibited.
        { alertname: 'GatewayErrorBudgetBurn', severity: 'warning', namespace: 'marquee-test', long_window: '1d', short_window: '2h' },
        { alertname: 'PvcAlmostFull', severity: 'critical', ...pvc },
        { alertname: 'PvcFillingUp', severity: 'warning', ...pvc },
        // Another warning in the inhibited namespace with no critical counterpart.
        { alertname: 'PodRestartingOften', severity: 'warning', namespace: 'marquee-prod', pod: 'x', container: 'x' },
      ];
      const post = await fetch(`${api}/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sent.map((labels) => ({ labels }))),
      });
      assert.equal(post.status, 200);
      const got = (await (await fetch(`${api}/alerts`)).json()) as { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }[];
      const state = (l: Record<string, string>) => got.find((a) => Object.entries(l).every(([k, v]) => a.labels[k] === v))?.status;
      assert.equal(got.length, sent.length);
      assert.equal(state(sent[0]!)!.state, 'active');
      assert.equal(state(sent[1]!)!.state, 'suppressed');
      assert.equal(state(sent[1]!)!.inhibitedBy.length, 1);
      assert.equal(state(sent[2]!)!.state, 'active');
      assert.equal(state(sent[3]!)!.state, 'active');
      assert.equal(state(sent[4]!)!.state, 'suppressed');
      assert.equal(state(sent[5]!)!.state, 'active');
    } finally {
      const exited = new Promise((r) => am.once('exit', r));
      am.kill('SIGTERM');
      await exited;
    }
  });
});
