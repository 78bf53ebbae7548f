// Regenerates the exporter metric lists that can be captured on this machine from the
// real Debian binaries: node_exporter, Prometheus and Alertmanager (their own /metrics).
//   npx tsx test/monitoring/exporter-metrics/capture.ts
// The other lists (kube-state-metrics, cAdvisor, kubelet, API server, postgres_exporter,
// rabbitmq_prometheus) are curated from upstream documentation; see their headers.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricNamesOf } from '../metric-names.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

async function capture(file: string, title: string, cmd: string, args: (port: number, dir: string) => string[], ready = (_: string) => true) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'marquee-capture-'));
  const child = spawn(cmd, args(port, dir), { stdio: 'ignore' });
  try {
    let text = '';
    // Some series appear only once the process is fully up (TSDB open, first rule evaluation).
    for (let i = 0; i < 100 && !(text && ready(text)); i++) {
      await new Promise((r) => setTimeout(r, 200));
      text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()).catch(() => '');
    }
    if (!text) throw new Error(`${cmd} did not serve /metrics`);
    const version = /_build_info\{[^}]*\bversion="([^"]+)"/.exec(text)?.[1] ?? 'unknown';
    const names = [...metricNamesOf(text)].sort();
    const header = [
      `# ${title} ${version}: metric names captured from a running ${cmd} by capture.ts.`,
      `# Every name an alert or dashboard uses must be listed here or in another list.`,
    ];
    writeFileSync(new URL(file, import.meta.url), [...header, ...names, ''].join('\n'));
    console.log(`${file}: ${names.length} names (${title} ${version})`);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

await capture('node-exporter.txt', 'node_exporter', '/usr/bin/prometheus-node-exporter', (p) => [`--web.listen-address=127.0.0.1:${p}`]);
await capture('prometheus.txt', 'Prometheus', '/usr/bin/prometheus', (p, d) => {
  writeFileSync(join(d, 'r.yml'), 'groups: [{name: g, interval: 1s, rules: [{record: r, expr: up}]}]\n');
  writeFileSync(
    join(d, 'p.yml'),
    `global: {scrape_interval: 1s, evaluation_interval: 1s}\nrule_files: [${join(d, 'r.yml')}]\nalerting: {alertmanagers: [{static_configs: [{targets: ["127.0.0.1:9"]}]}]}\nscrape_configs: [{job_name: self, static_configs: [{targets: ["127.0.0.1:${p}"]}]}]\n`,
  );
  return [`--config.file=${join(d, 'p.yml')}`, `--storage.tsdb.path=${join(d, 'data')}`, `--web.listen-address=127.0.0.1:${p}`];
}, (t) => t.includes('prometheus_rule_evaluation_failures_total{') && t.includes('prometheus_tsdb_head_samples_appended_total'));
await capture('alertmanager.txt', 'Alertmanager', '/usr/bin/prometheus-alertmanager', (p, d) => {
  writeFileSync(join(d, 'a.yml'), 'route: {receiver: x}\nreceivers: [{name: x}]\n');
  return [`--config.file=${join(d, 'a.yml')}`, `--storage.path=${d}`, `--web.listen-address=127.0.0.1:${p}`, '--cluster.listen-address='];
});
