// Container images of the monitoring stack, pinned to exact tags in one place.
// Why these versions: docs/monitoring.md#versions.
import { parseImage } from '../../kube/index.ts';

export const images = {
  /**
   * Last v2 LTS line. The tests run Debian's promtool/prometheus 2.42, so every rule and
   * config key used here is valid in 2.42; nothing in v2.43–v2.53 changes rule semantics
   * for the PromQL we use (v3's left-open range selection is excluded by staying on v2).
   */
  prometheus: 'quay.io/prometheus/prometheus:v2.53.4',
  /** Needs >= 0.26 for webhook `url_file` (the URL comes from a Secret, never from Git). */
  alertmanager: 'quay.io/prometheus/alertmanager:v0.28.1',
  nodeExporter: 'quay.io/prometheus/node-exporter:v1.8.2',
  kubeStateMetrics: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0',
  /** Dashboards are built with @grafana/grafana-foundation-sdk 0.0.21 (schemaVersion 42, Grafana 12). */
  grafana: 'docker.io/grafana/grafana:12.3.0',
} as const;

/** The version label of each component, read off its pinned tag. */
export const versionOf = (image: string): string => {
  const { tag } = parseImage(image);
  if (!tag || tag === 'latest') throw new Error(`generators/monitoring/images.ts: ${image} must be pinned to an exact tag`);
  return tag.replace(/^v/, '');
};
