// npm run rollout:drill [-- --env test|prod] [--rps 100] [--fault 5xx|latency]
// Runs the environment contract's canary steps and analysis locally against the real Prometheus:
// a good gateway canary must be promoted, one answering 5xx on 5 % of requests (or slowly) must
// fail and send all traffic back to stable. Exit 0 when both end as they must, 1 otherwise,
// 2 on a usage error. Library: scripts/lib/rollouts/drill.ts.
import { parseArgs } from 'node:util';
import { runDrill, summaryLine, type Fault } from './lib/rollouts/drill.ts';

const usage = 'usage: npm run rollout:drill -- [--env test|prod] [--rps <requests/s>] [--fault 5xx|latency]';
let values;
try {
  values = parseArgs({ options: { env: { type: 'string', default: 'test' }, rps: { type: 'string', default: '100' }, fault: { type: 'string', default: '5xx' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
} catch (e) {
  console.error(`rollout:drill: ${(e as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const env = values.env;
const rps = Number(values.rps);
if ((env !== 'test' && env !== 'prod') || !(rps > 0 && rps <= 1000) || (values.fault !== '5xx' && values.fault !== 'latency')) {
  console.error(`rollout:drill: --env must be test or prod, --rps 1..1000, --fault 5xx or latency\n${usage}`);
  process.exit(2);
}
// 5 % of the bad canary's requests fail, or take 3 s (the p99 threshold is 1 s in test, 0.5 s in prod).
const fault: Fault = values.fault === '5xx' ? { kind: '5xx', ratio: 0.05 } : { kind: 'latency', ms: 3000, ratio: 0.05 };
try {
  const result = await runDrill({
    env,
    rps,
    fault,
    interval: '5s',
    window: '20s',
    scrapeInterval: '1s',
    pauseDivisor: 6,
    log: (line) => console.log(`  ${line}`),
  });
  const ok = result.good.phase === 'Successful' && result.good.finalWeight === 100 && result.bad.phase === 'Failed' && result.bad.finalWeight === 0 && result.bad.canaryRequestsAfterAbort === 0;
  console.log(summaryLine(result));
  process.exit(ok ? 0 : 1);
} catch (err) {
  console.error(`rollout:drill: ${(err as Error).message}`);
  process.exit(1);
}
