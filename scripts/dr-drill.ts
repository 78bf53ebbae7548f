// npm run dr:drill [-- --short] [--size-mib N] [--load-seconds N] [--keep]: the failover and
// region-loss drills of docs/data.md on this machine's PostgreSQL 15; the last line is the summary.
import { parseArgs } from 'node:util';
import { environments } from '../generators/environments.ts';
import { recoveryPlan } from '../generators/recovery-budget.ts';
import { DrillError, DrillResources, failoverDrill, regionLossDrill, summaryLine } from './lib/dr/drill.ts';

const usage = 'usage: npm run dr:drill -- [--size-mib <MiB>] [--load-seconds <s>] [--concurrency <n>] [--keep]';
let args;
try {
  args = parseArgs({
    options: {
      'size-mib': { type: 'string', default: '256' },
      'load-seconds': { type: 'string' },
      concurrency: { type: 'string', default: '4' },
      keep: { type: 'boolean', default: false },
    },
  }).values;
} catch (err) {
  console.error(`dr:drill: ${(err as Error).message}\n${usage}`);
  process.exit(2);
}
const num = (name: string, v: string | undefined, min: number): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) {
    console.error(`dr:drill: --${name} must be a number >= ${min} (got ${v})\n${usage}`);
    process.exit(2);
  }
  return n;
};

// prod's archive_timeout, as generated into its Cluster: the drill loads longer than one timeout.
const plan = recoveryPlan('prod', environments.prod.recovery);
const sizeMiB = num('size-mib', args['size-mib'], 1);
const loadSeconds = num('load-seconds', args['load-seconds'] ?? String(Math.round(plan.archiveTimeoutSeconds * 1.5)), 1);
const concurrency = num('concurrency', args.concurrency, 1);
const log = (line: string) => console.log(line);

const r = new DrillResources(args.keep);
const onSignal = () => void r.cleanup().then(() => process.exit(130));
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
try {
  const f = await failoverDrill(r, { beforeSeconds: 10, afterSeconds: 5, concurrency, probeIntervalMs: 1000, log });
  const g = await regionLossDrill(r, { archiveTimeoutSeconds: plan.archiveTimeoutSeconds, sizeMiB, loadSeconds, concurrency, log });
  console.log(`restore rate ${g.restoreRateMiBPerSec} MiB/s (budget assumes ${environments.prod.recovery.restoreRateMiBPerSec} MiB/s)`);
  if (args.keep) console.log(`kept ${r.dir}`);
  await r.cleanup();
  console.log(summaryLine(f, g));
  process.exitCode = f.lost === 0 ? 0 : 1;
} catch (err) {
  await r.cleanup();
  console.error(err instanceof DrillError ? `dr:drill: ${err.message}` : err);
  process.exitCode = 1;
}
