// The only file that listens and handles signals (SIGTERM → drain → close → exit).
import closeWithGrace from 'close-with-grace';
import { shutdown } from '@marquee/contract';
import { gracefulClose, loadConfigOrExit, noAllocationSitePretenuring } from '@marquee/kit';
import { build } from './app.ts';
import { readGatewayConfig } from './config.ts';

noAllocationSitePretenuring();

const config = loadConfigOrExit(() => readGatewayConfig());
const app = build({ config });
closeWithGrace({ delay: shutdown.drainSeconds * 1000, logger: { error: (m: unknown) => app.log.error(String(m)) } }, (o) => gracefulClose(app, o));
await app.listen({ port: config.port, host: '0.0.0.0' });
