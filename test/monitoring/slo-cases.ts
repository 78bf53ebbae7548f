// Burn-rate cases from an independent source, the SRE Workbook's multiwindow, multi-burn-rate
// table (not the generator's burnRateWindows, which is what the cases test): for every SLI and
// window pair, a sustained burn above its threshold (must fire) and a short spike that only the
// short window sees (must stay quiet). Which windows fire is worked out by evaluating the
// table's conditions on the same sample grid promtool uses; a change to the generated windows,
// rates or hold times then fails promtool against these expectations.
import { metricLabels, metrics } from '@marquee/contract';
import { slos } from '../../generators/monitoring/alerts.ts';
import { jobs } from '../../generators/monitoring/scrape.ts';
import type { AlertCase, CasePair } from './alert-cases.ts';

const minutes = (d: string): number => {
  const m = /^(\d+)([mhd])$/.exec(d);
  if (!m) throw new Error(`slo-cases: unsupported duration ${d}`);
  return Number(m[1]) * { m: 1, h: 60, d: 1440 }[m[2] as 'm' | 'h' | 'd'];
};

/**
 * The Site Reliability Workbook (Beyer et al., O'Reilly 2018), ch. 5 "Alerting on SLOs",
 * multiwindow, multi-burn-rate alerts: 14.4x over 1h with a 5m short window and 6x over
 * 6h/30m page; 3x over 1d/2h and 1x over 3d/6h open a ticket. `for` is not in the Workbook:
 * it is this project's hold time per row, written here by hand.
 */
export const workbookWindows = [
  { long: '1h', short: '5m', burnRate: 14.4, for: '2m', severity: 'critical' },
  { long: '6h', short: '30m', burnRate: 6, for: '15m', severity: 'critical' },
  { long: '1d', short: '2h', burnRate: 3, for: '1h', severity: 'warning' },
  { long: '3d', short: '6h', burnRate: 1, for: '3h', severity: 'warning' },
] as const;
type Window = (typeof workbookWindows)[number];

type Sli = 'availability' | 'latency';
const alertName: Record<Sli, string> = { availability: 'GatewayErrorBudgetBurn', latency: 'GatewayLatencyBudgetBurn' };
const budget = (sli: Sli) => 1 - (sli === 'availability' ? slos.availability.objective : slos.latency.objective);

/** Sample interval for a window pair: fine enough for the short window, coarse enough to keep 3-day cases fast. */
const stepFor = (shortM: number) => Math.max(1, Math.floor(shortM / 6));
const requestsPerMinute = 600;

interface Scenario {
  readonly step: number;
  readonly end: number;
  /** error ratio of the traffic in minute-interval (t - step, t] */
  readonly ratioAt: (t: number) => number;
}

/** Cumulative totals and bad counts on the sample grid. */
function series(s: Scenario): { total: number[]; bad: number[] } {
  const total = [0];
  const bad = [0];
  for (let t = s.step; t <= s.end; t += s.step) {
    total.push(total.at(-1)! + requestsPerMinute * s.step);
    bad.push(bad.at(-1)! + requestsPerMinute * s.step * s.ratioAt(t));
  }
  return { total, bad };
}

/**
 * Which windows fire at `end`: the rule's condition on both windows, evaluated at every
 * grid step, held for its `for`. Range selectors cover [t - w, t] (Prometheus v2), and
 * samples sit on the window edges, so rate() ratios are exact increase ratios.
 */
function firingWindows(s: Scenario, sli: Sli): Window[] {
  const { total, bad } = series(s);
  const ratio = (i: number, w: number) => {
    const j = Math.max(0, i - w / s.step);
    const dt = total[i]! - total[j]!;
    return dt > 0 ? (bad[i]! - bad[j]!) / dt : NaN;
  };
  const last = total.length - 1;
  return workbookWindows.filter((w) => {
    const thr = w.burnRate * budget(sli);
    let activeAt: number | undefined;
    for (let i = 0; i <= last; i++) {
      const on = ratio(i, minutes(w.long)) > thr && ratio(i, minutes(w.short)) > thr;
      activeAt = on ? (activeAt ?? i * s.step) : undefined;
    }
    return activeAt !== undefined && last * s.step - activeAt >= minutes(w.for);
  });
}

/** promtool series for a scenario: explicit values (the piecewise ratio has no closed notation). */
function toCase(s: Scenario, sli: Sli): AlertCase {
  const { total, bad } = series(s);
  const fmt = (xs: number[]) => xs.map((x) => Number(x.toFixed(4))).join(' ');
  const base = `job="${jobs.services}", namespace="marquee-prod", service="${slos.service}", pod="api-gateway-7d9f8b6c5d-abcde", ${metricLabels.route}="/api/movies", ${metricLabels.method}="GET"`;
  const seriesMap: Record<string, string> =
    sli === 'availability'
      ? {
          [`${metrics.httpDuration}_count{${base}, ${metricLabels.statusCode}="503"}`]: fmt(bad),
          [`${metrics.httpDuration}_count{${base}, ${metricLabels.statusCode}="200"}`]: fmt(total.map((t, i) => t - bad[i]!)),
        }
      : {
          [`${metrics.httpDuration}_bucket{${base}, ${metricLabels.statusCode}="200", le="${slos.latency.thresholdSeconds}"}`]: fmt(total.map((t, i) => t - bad[i]!)),
          [`${metrics.httpDuration}_count{${base}, ${metricLabels.statusCode}="200"}`]: fmt(total),
        };
  return {
    series: seriesMap,
    interval: `${s.step}m`,
    evalTime: `${s.end}m`,
    firing: firingWindows(s, sli).map((w) => ({ namespace: 'marquee-prod', long_window: w.long, short_window: w.short })),
  };
}

export const burnRateKey = (alert: string, long: string, short: string) => `${alert}[${long}/${short}]`;

export interface GeneratedCase extends CasePair {
  readonly alert: string;
  readonly window: { readonly long: string; readonly short: string };
}

export function sloCases(): Record<string, GeneratedCase> {
  const out: Record<string, GeneratedCase> = {};
  for (const sli of ['availability', 'latency'] as const)
    for (const w of workbookWindows) {
      const [L, S, F] = [minutes(w.long), minutes(w.short), minutes(w.for)];
      const step = stepFor(S);
      const thr = w.burnRate * budget(sli);
      // Sustained burn at 1.5x this window's threshold, long enough to pass `for`.
      const firing = toCase({ step, end: F + 5 * step, ratioAt: () => 1.5 * thr }, sli);
      // A spike at 6x the threshold for one short window after a clean long window:
      // the short window burns, the long one (spike diluted 12:1) does not.
      const end = L + S;
      const quiet = toCase({ step, end, ratioAt: (t) => (t > end - S ? Math.min(1, (6 * thr * L) / (12 * S)) : 0) }, sli);
      const key = burnRateKey(alertName[sli], w.long, w.short);
      const mine = (c: AlertCase) => c.firing.some((f) => f.long_window === w.long && f.short_window === w.short);
      if (!mine(firing)) throw new Error(`slo-cases: ${key} firing scenario does not fire by simulation`);
      if (mine(quiet)) throw new Error(`slo-cases: ${key} quiet scenario fires by simulation`);
      out[key] = { alert: alertName[sli], window: { long: w.long, short: w.short }, firing, quiet };
    }
  return out;
}
