// The only file that listens and handles signals (SIGTERM → drain → close → exit).
import { setFlagsFromString } from 'node:v8';
import closeWithGrace from 'close-with-grace';
import { shutdown } from '@marquee/contract';
import { gracefulClose, loadConfigOrExit } from '@marquee/kit';
import { build } from './app.ts';
import { readInventoryConfig } from './config.ts';

// V8 otherwise "pretenures" some per-request allocation sites after the warm-up (allocates them
// straight in old space), and that garbage grows the old generation to 2-4x the live heap under
// load. Not settable in NODE_OPTIONS. See docs/benchmarks.md (services: RSS).
setFlagsFromString('--no-allocation-site-pretenuring');

const config = loadConfigOrExit(() => readInventoryConfig());
const app = build({ config });
closeWithGrace({ delay: shutdown.drainSeconds * 1000, logger: { error: (m: unknown) => app.log.error(String(m)) } }, (o) => gracefulClose(app, o));
await app.listen({ port: config.port, host: '0.0.0.0' });
