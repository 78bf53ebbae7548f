// The billing API process: the only file that listens and handles signals for it.
import closeWithGrace from 'close-with-grace';
import { shutdown } from '@marquee/contract';
import { gracefulClose, loadConfigOrExit, noAllocationSitePretenuring } from '@marquee/kit';
import { buildApi } from './api.ts';
import { readApiConfig } from './config.ts';

noAllocationSitePretenuring();
const config = loadConfigOrExit(() => readApiConfig());
const app = buildApi({ config });
closeWithGrace({ delay: shutdown.drainSeconds * 1000, logger: { error: (m: unknown) => app.log.error(String(m)) } }, (o) => gracefulClose(app, o));
await app.listen({ port: config.port, host: '0.0.0.0' });
