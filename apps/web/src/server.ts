// The local storefront server (npm run dev): the only file that listens and handles signals.
// In the cluster nginx serves the same files (generators/nginx.ts); this is its local stand-in.
import closeWithGrace from 'close-with-grace';
import { envVars, shutdown } from '@marquee/contract';
import { baseConfigSpec, env, gracefulClose, loadConfigOrExit } from '@marquee/kit';
import { build } from './app.ts';

const config = loadConfigOrExit({
  ...baseConfigSpec('web'),
  gatewayUrl: env.url(envVars.gatewayUrl, { default: 'http://127.0.0.1:3000', example: 'http://127.0.0.1:3000' }),
  upstreamTimeoutMs: env.int(envVars.upstreamTimeoutMs, { default: 15_000, min: 100, max: 120_000 }),
  host: env.string('HOST', { default: '127.0.0.1', pattern: /^[0-9a-fA-F.:]+$|^localhost$/, hint: 'an IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0' }),
});

const app = build({ gatewayUrl: config.gatewayUrl, upstreamTimeoutMs: config.upstreamTimeoutMs, logLevel: config.logLevel });
closeWithGrace({ delay: shutdown.drainSeconds * 1000 }, (o) => gracefulClose(app, o));
await app.listen({ port: config.port, host: config.host });
app.log.info({ url: `http://${config.host}:${config.port}/`, gateway: config.gatewayUrl }, 'storefront ready');
