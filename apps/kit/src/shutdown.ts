// The drain sequence server.ts runs on SIGTERM (through close-with-grace, which bounds it
// with shutdown.drainSeconds and exits): readiness 503 → in-flight requests finish →
// pools close in onClose hooks.
import type { FastifyInstance } from 'fastify';

export interface GracefulCloseOptions {
  readonly signal?: string;
  readonly err?: Error;
  /**
   * How long to keep serving open keep-alive connections (each response now says
   * `connection: close`) before closing the idle ones, so clients move off on a response
   * boundary instead of racing a closed socket. Ends early once no connection is left.
   * @default 1000
   */
  readonly lingerMs?: number;
}

const connections = (app: FastifyInstance) =>
  new Promise<number>((resolve) => {
    if (!app.server.listening) return resolve(0);
    app.server.getConnections((err, n) => resolve(err ? 0 : n));
  });

export async function gracefulClose(app: FastifyInstance, o: GracefulCloseOptions = {}): Promise<void> {
  if (o.err) app.log.error({ err: o.err }, 'fatal error, closing');
  else app.log.info({ signal: o.signal }, 'shutting down');
  app.kit.drain();
  const until = Date.now() + (o.lingerMs ?? 1000);
  while (Date.now() < until && (await connections(app)) > 0) {
    await new Promise((r) => setTimeout(r, 25));
  }
  // Stops listening, closes idle connections, waits for in-flight requests, then runs
  // onClose hooks (pg pools end there).
  await app.close();
  app.log.info('closed');
}
