// A per-app prom-client Registry (never the global one, so tests can build many apps in
// one process) with the default process metrics and the HTTP duration histogram.
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { metrics } from '@marquee/contract';

/**
 * Histogram buckets in seconds: fine below 25 ms (the gateway's p99 target), then the
 * usual latency SLO thresholds (100 ms, 250 ms, 1 s).
 */
export const httpDurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
}

export function createMetrics(): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: metrics.httpDuration,
    help: 'HTTP request duration in seconds, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [...httpDurationBuckets],
    registers: [registry],
  });
  return { registry, httpDuration };
}
