// The billing worker process: consumes orders; serves /healthz, /readyz and /metrics.
import closeWithGrace from 'close-with-grace';
import { shutdown } from '@marquee/contract';
import { gracefulClose, loadConfigOrExit, noAllocationSitePretenuring } from '@marquee/kit';
import { readWorkerConfig } from './config.ts';
import { buildWorker } from './worker.ts';

noAllocationSitePretenuring();
const config = loadConfigOrExit(() => readWorkerConfig());
const app = buildWorker({ config });
closeWithGrace({ delay: shutdown.drainSeconds * 1000, logger: { error: (m: unknown) => app.log.error(String(m)) } }, (o) => gracefulClose(app, o));
await app.listen({ port: config.port, host: '0.0.0.0' });
