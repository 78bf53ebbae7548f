// Grafana dashboards as code (@grafana/grafana-foundation-sdk): service overview,
// Node.js runtime, PostgreSQL, RabbitMQ, cluster/nodes. Metric names come from the
// contract; every expression is checked against what Prometheus scrapes (tests).
import { DashboardBuilder, DashboardCursorSync, QueryVariableBuilder, RowBuilder, VariableRefresh } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { broker, databases, metricLabels, metrics } from '@marquee/contract';
import { sliRecord, slos } from './alerts.ts';
import { jobs, marqueeNamespaces } from './scrape.ts';

/** The provisioned datasource (grafana.ts) every panel queries. */
export const datasource = { type: 'prometheus', uid: 'prometheus' } as const;

interface Query {
  readonly expr: string;
  readonly legend?: string;
}

const q = (expr: string, legend?: string): Query => ({ expr, ...(legend ? { legend } : {}) });

function targets(queries: readonly Query[]) {
  return queries.map((x, i) =>
    new DataqueryBuilder()
      .expr(x.expr)
      .legendFormat(x.legend ?? '__auto')
      .refId(String.fromCharCode(65 + i))
      .datasource(datasource),
  );
}

function timeseries(title: string, unit: string, queries: readonly Query[], width = 12): TimeseriesPanel {
  return new TimeseriesPanel().title(title).unit(unit).datasource(datasource).targets(targets(queries)).span(width).height(8);
}

function stat(title: string, unit: string, queries: readonly Query[], width = 6): StatPanel {
  return new StatPanel().title(title).unit(unit).datasource(datasource).targets(targets(queries)).span(width).height(4);
}

function variable(name: string, query: string, label = name): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .query(query)
    .definition(query)
    .datasource(datasource)
    .refresh(VariableRefresh.OnTimeRangeChanged);
}

function dashboard(uid: string, title: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .tags(['marquee', 'generated'])
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .timezone('utc')
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly();
}

const svc = `job="${jobs.services}", namespace="$namespace", service="$service"`;
const rate = (m: string, sel: string, by: string) => `sum by (${by}) (rate(${m}{${sel}}[$__rate_interval]))`;
const { route, statusCode } = metricLabels;

function serviceOverview(): Dashboard {
  const count = `${metrics.httpDuration}_count`;
  const quantile = (p: number) =>
    `histogram_quantile(${p}, sum by (le, ${route}) (rate(${metrics.httpDuration}_bucket{${svc}}[$__rate_interval])))`;
  return dashboard('marquee-service-overview', 'marquee / Service overview')
    .withVariable(variable('namespace', `label_values(up{job="${jobs.services}"}, namespace)`))
    .withVariable(variable('service', `label_values(up{job="${jobs.services}", namespace="$namespace"}, service)`))
    .withRow(new RowBuilder('Traffic and errors'))
    .withPanel(timeseries('Requests per second by route', 'reqps', [q(rate(count, svc, route), `{{${route}}}`)]))
    .withPanel(
      timeseries('5xx ratio', 'percentunit', [
        q(`${rate(count, `${svc}, ${statusCode}=~"5.."`, 'service')}\n/ ${rate(count, svc, 'service')}`, '5xx'),
      ]),
    )
    .withRow(new RowBuilder('Latency'))
    .withPanel(timeseries('p50 latency by route', 's', [q(quantile(0.5), `{{${route}}}`)]))
    .withPanel(timeseries('p99 latency by route', 's', [q(quantile(0.99), `{{${route}}}`)]))
    .withRow(new RowBuilder('Saturation'))
    .withPanel(
      timeseries('CPU of limit', 'percentunit', [
        q(
          `sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="$namespace", pod=~"$service-.*", container!=""}[$__rate_interval]))\n` +
            `/ sum by (pod) (kube_pod_container_resource_limits{namespace="$namespace", pod=~"$service-.*", resource="cpu"})`,
          '{{pod}}',
        ),
      ], 8),
    )
    .withPanel(
      timeseries('Memory of limit', 'percentunit', [
        q(
          `sum by (pod) (container_memory_working_set_bytes{namespace="$namespace", pod=~"$service-.*", container!=""})\n` +
            `/ sum by (pod) (kube_pod_container_resource_limits{namespace="$namespace", pod=~"$service-.*", resource="memory"})`,
          '{{pod}}',
        ),
      ], 8),
    )
    .withPanel(timeseries('PostgreSQL pool connections in use', 'short', [q(`sum by (pod) (${metrics.pgPoolInUse}{${svc}})`, '{{pod}}')], 8))
    .withRow(new RowBuilder('Business flow'))
    .withPanel(
      timeseries('Orders per second', 'ops', [
        q(rate(metrics.ordersCreated, `job="${jobs.services}", namespace="$namespace"`, 'namespace'), 'created'),
        q(rate(metrics.ordersCompleted, `job="${jobs.services}", namespace="$namespace"`, 'namespace'), 'completed'),
        q(rate(metrics.ordersRejected, `job="${jobs.services}", namespace="$namespace"`, 'namespace'), 'rejected'),
        q(rate(metrics.ordersDeadLettered, `job="${jobs.services}", namespace="$namespace"`, 'namespace'), 'dead-lettered'),
      ], 8),
    )
    .withPanel(timeseries('Outbox backlog', 'short', [q(`max by (namespace) (${metrics.outboxBacklog}{job="${jobs.services}", namespace="$namespace"})`, 'unpublished')], 8))
    .withPanel(timeseries('Upstream errors per second', 'ops', [q(`sum by (service) (rate(${metrics.upstreamErrors}{${svc}}[$__rate_interval]))`, '{{service}}')], 8))
    .withRow(new RowBuilder(`SLO (${slos.service})`))
    .withPanel(
      timeseries('Availability error ratio (1h, 6h, 3d)', 'percentunit', ['1h', '6h', '3d'].map((w) => q(`${sliRecord('availability', w)}{namespace="$namespace"}`, w))),
    )
    .withPanel(
      timeseries(`Share slower than ${slos.latency.thresholdSeconds}s (1h, 6h, 3d)`, 'percentunit', ['1h', '6h', '3d'].map((w) => q(`${sliRecord('latency', w)}{namespace="$namespace"}`, w))),
    )
    // Argo Rollouts (test and prod release the API tier as canaries; docs/delivery.md).
    .withRow(new RowBuilder('Rollouts'))
    .withPanel(timeseries('Rollout phase', 'short', [q(`max by (name, phase) (rollout_info{job="${jobs.argoRollouts}", namespace="$namespace", name="$service"})`, '{{phase}}')], 8))
    .withPanel(
      timeseries('Replicas: available / desired / updated', 'short', [
        q(`rollout_info_replicas_available{job="${jobs.argoRollouts}", namespace="$namespace", name="$service"}`, 'available'),
        q(`rollout_info_replicas_desired{job="${jobs.argoRollouts}", namespace="$namespace", name="$service"}`, 'desired'),
        q(`rollout_info_replicas_updated{job="${jobs.argoRollouts}", namespace="$namespace", name="$service"}`, 'updated'),
      ], 8),
    )
    .withPanel(
      timeseries('Analysis metrics by phase', 'short', [
        q(`sum by (metric, phase) (analysis_run_metric_phase{job="${jobs.argoRollouts}", namespace="$namespace", name=~"$service-.*"} == 1)`, '{{metric}} {{phase}}'),
      ], 8),
    )
    .build();
}

function nodejsRuntime(): Dashboard {
  const sel = `job="${jobs.services}", namespace="$namespace", service="$service"`;
  return dashboard('marquee-nodejs-runtime', 'marquee / Node.js runtime')
    .withVariable(variable('namespace', `label_values(up{job="${jobs.services}"}, namespace)`))
    .withVariable(variable('service', `label_values(up{job="${jobs.services}", namespace="$namespace"}, service)`))
    .withPanel(timeseries('Resident memory', 'bytes', [q(`process_resident_memory_bytes{${sel}}`, '{{pod}}')]))
    .withPanel(
      timeseries('Heap used / total', 'bytes', [
        q(`nodejs_heap_size_used_bytes{${sel}}`, '{{pod}} used'),
        q(`nodejs_heap_size_total_bytes{${sel}}`, '{{pod}} total'),
      ]),
    )
    .withPanel(
      timeseries('Event-loop lag p50 / p99', 's', [
        q(`nodejs_eventloop_lag_p50_seconds{${sel}}`, '{{pod}} p50'),
        q(`nodejs_eventloop_lag_p99_seconds{${sel}}`, '{{pod}} p99'),
      ]),
    )
    .withPanel(timeseries('GC time per second by kind', 's', [q(`sum by (pod, kind) (rate(nodejs_gc_duration_seconds_sum{${sel}}[$__rate_interval]))`, '{{pod}} {{kind}}')]))
    .withPanel(timeseries('CPU seconds per second', 'short', [q(`rate(process_cpu_seconds_total{${sel}}[$__rate_interval])`, '{{pod}}')]))
    .withPanel(
      timeseries('Active handles and requests', 'short', [
        q(`nodejs_active_handles_total{${sel}}`, '{{pod}} handles'),
        q(`nodejs_active_requests_total{${sel}}`, '{{pod}} requests'),
      ]),
    )
    .build();
}

function postgresql(): Dashboard {
  const sel = `job="${jobs.postgres}", namespace="$namespace"`;
  const dbs = `datname=~"${databases.join('|')}"`;
  return dashboard('marquee-postgresql', 'marquee / PostgreSQL')
    .withVariable(variable('namespace', `label_values(pg_up{job="${jobs.postgres}"}, namespace)`))
    .withPanel(stat('Up', 'none', [q(`max(pg_up{${sel}})`)]))
    .withPanel(stat('Connections of max', 'percentunit', [q(`sum(pg_stat_activity_count{${sel}}) / max(pg_settings_max_connections{${sel}})`)]))
    .withPanel(stat('Deadlocks (24h)', 'none', [q(`sum(increase(pg_stat_database_deadlocks{${sel}, ${dbs}}[24h]))`)]))
    .withPanel(
      stat('Data volume free', 'percentunit', [
        q(`min(kubelet_volume_stats_available_bytes{namespace="$namespace", persistentvolumeclaim=~".*postgres.*"} / kubelet_volume_stats_capacity_bytes{namespace="$namespace", persistentvolumeclaim=~".*postgres.*"})`),
      ]),
    )
    .withPanel(timeseries('Connections by state', 'short', [q(`sum by (datname, state) (pg_stat_activity_count{${sel}, ${dbs}})`, '{{datname}} {{state}}')]))
    .withPanel(
      timeseries('Transactions per second', 'ops', [
        q(`sum by (datname) (rate(pg_stat_database_xact_commit{${sel}, ${dbs}}[$__rate_interval]))`, '{{datname}} commit'),
        q(`sum by (datname) (rate(pg_stat_database_xact_rollback{${sel}, ${dbs}}[$__rate_interval]))`, '{{datname}} rollback'),
      ]),
    )
    .withPanel(timeseries('Database size', 'bytes', [q(`pg_database_size_bytes{${sel}, ${dbs}}`, '{{datname}}')]))
    .withPanel(timeseries('Deadlocks per second', 'ops', [q(`sum by (datname) (rate(pg_stat_database_deadlocks{${sel}, ${dbs}}[$__rate_interval]))`, '{{datname}}')]))
    .build();
}

function rabbitmq(): Dashboard {
  const sel = `job="${jobs.rabbitmq}", namespace="$namespace"`;
  const qsel = `job="${jobs.rabbitmqQueues}", namespace="$namespace", vhost="${broker.vhost}"`;
  return dashboard('marquee-rabbitmq', 'marquee / RabbitMQ')
    .withVariable(variable('namespace', `label_values(rabbitmq_identity_info{job="${jobs.rabbitmq}"}, namespace)`))
    .withPanel(stat('Ready in ' + broker.queue, 'short', [q(`sum(rabbitmq_detailed_queue_messages_ready{${qsel}, queue="${broker.queue}"})`)]))
    .withPanel(stat('Consumers on ' + broker.queue, 'short', [q(`sum(rabbitmq_detailed_queue_consumers{${qsel}, queue="${broker.queue}"})`)]))
    .withPanel(stat('Dead-lettered (' + broker.deadLetterQueue + ')', 'short', [q(`sum(rabbitmq_detailed_queue_messages{${qsel}, queue="${broker.deadLetterQueue}"})`)]))
    .withPanel(
      stat('Alarms', 'short', [
        q(`sum(rabbitmq_alarms_memory_used_watermark{${sel}}) + sum(rabbitmq_alarms_free_disk_space_watermark{${sel}}) + sum(rabbitmq_alarms_file_descriptor_limit{${sel}})`),
      ]),
    )
    .withPanel(
      timeseries('Queue depth (ready / unacked)', 'short', [
        q(`sum by (queue) (rabbitmq_detailed_queue_messages_ready{${qsel}})`, '{{queue}} ready'),
        q(`sum by (queue) (rabbitmq_detailed_queue_messages_unacked{${qsel}})`, '{{queue}} unacked'),
      ]),
    )
    .withPanel(timeseries('Consumers per queue', 'short', [q(`sum by (queue) (rabbitmq_detailed_queue_consumers{${qsel}})`, '{{queue}}')]))
    .withPanel(
      timeseries('Publish / deliver rate', 'ops', [
        q(`sum(rate(rabbitmq_global_messages_received_total{${sel}}[$__rate_interval]))`, 'published'),
        q(`sum(rate(rabbitmq_global_messages_delivered_total{${sel}}[$__rate_interval]))`, 'delivered'),
        q(`sum(rate(rabbitmq_global_messages_acknowledged_total{${sel}}[$__rate_interval]))`, 'acknowledged'),
      ]),
    )
    .withPanel(
      timeseries('Dead-lettered orders', 'short', [
        q(`sum(rabbitmq_detailed_queue_messages{${qsel}, queue="${broker.deadLetterQueue}"})`, 'in ' + broker.deadLetterQueue),
        q(`sum(increase(${metrics.ordersDeadLettered}{job="${jobs.services}", namespace="$namespace"}[$__rate_interval]))`, 'dead-lettered by billing-worker'),
      ]),
    )
    .build();
}

function cluster(): Dashboard {
  const node = `job="${jobs.nodeExporter}"`;
  const ns = `namespace=~"${marqueeNamespaces}"`;
  return dashboard('marquee-cluster', 'marquee / Cluster and nodes')
    .withPanel(stat('Nodes', 'short', [q(`count(kube_node_info)`)]))
    .withPanel(stat('Targets down', 'short', [q(`count(up == 0) or vector(0)`)]))
    .withPanel(stat('Pods not ready (marquee)', 'short', [q(`sum(kube_pod_status_ready{${ns}, condition="false"})`)]))
    .withPanel(stat('Firing alerts', 'short', [q(`count(ALERTS{alertstate="firing", severity!="none"}) or vector(0)`)]))
    .withPanel(timeseries('Node CPU busy', 'percentunit', [q(`1 - avg by (instance) (rate(node_cpu_seconds_total{${node}, mode="idle"}[$__rate_interval]))`, '{{instance}}')]))
    .withPanel(timeseries('Node memory available', 'percentunit', [q(`node_memory_MemAvailable_bytes{${node}} / node_memory_MemTotal_bytes{${node}}`, '{{instance}}')]))
    .withPanel(
      timeseries('Root filesystem free', 'percentunit', [
        q(`node_filesystem_avail_bytes{${node}, mountpoint="/"} / node_filesystem_size_bytes{${node}, mountpoint="/"}`, '{{instance}}'),
      ]),
    )
    .withPanel(
      timeseries('Network traffic', 'Bps', [
        q(`sum by (instance) (rate(node_network_receive_bytes_total{${node}, device!="lo"}[$__rate_interval]))`, '{{instance}} in'),
        q(`sum by (instance) (rate(node_network_transmit_bytes_total{${node}, device!="lo"}[$__rate_interval]))`, '{{instance}} out'),
      ]),
    )
    .withPanel(timeseries('Container restarts (1h, marquee)', 'short', [q(`sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{${ns}}[1h])) > 0`, '{{namespace}}/{{pod}}')]))
    .withPanel(
      timeseries('HPA replicas (current / max)', 'short', [
        q(`kube_horizontalpodautoscaler_status_current_replicas{${ns}}`, '{{namespace}}/{{horizontalpodautoscaler}}'),
        q(`kube_horizontalpodautoscaler_spec_max_replicas{${ns}}`, '{{namespace}}/{{horizontalpodautoscaler}} max'),
      ]),
    )
    .withPanel(timeseries('API server requests by code', 'reqps', [q(`sum by (code) (rate(apiserver_request_total{job="${jobs.apiserver}"}[$__rate_interval]))`, '{{code}}')]))
    .withPanel(timeseries('Prometheus samples ingested per second', 'short', [q(`rate(prometheus_tsdb_head_samples_appended_total{job="${jobs.prometheus}"}[$__rate_interval])`, 'samples')]))
    .build();
}

/** File name (in the dashboards ConfigMap) → dashboard model. */
export function dashboards(): Record<string, Dashboard> {
  return {
    'service-overview.json': serviceOverview(),
    'nodejs-runtime.json': nodejsRuntime(),
    'postgresql.json': postgresql(),
    'rabbitmq.json': rabbitmq(),
    'cluster.json': cluster(),
  };
}

/** Every PromQL expression of a dashboard (panel targets and query variables), for the metric-name check. */
export function expressionsOf(d: Dashboard): string[] {
  const exprs: string[] = [];
  for (const p of (d.panels ?? []) as { targets?: { expr?: string }[] }[]) for (const t of p.targets ?? []) if (t.expr) exprs.push(t.expr);
  for (const v of (d.templating?.list ?? []) as { query?: unknown }[]) {
    const m = typeof v.query === 'string' ? /^label_values\((.*),\s*\w+\)$/.exec(v.query) : null;
    if (m) exprs.push(m[1]!);
  }
  return exprs;
}
