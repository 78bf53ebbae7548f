// A stand-in for the `<cluster>-rw` Service: a TCP proxy the clients connect to, whose endpoint
// the drill moves to the promoted standby (what CloudNativePG does by relabelling the new primary).
// Without an endpoint every new connection is refused and open ones are reset, as kube-proxy does.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface RwService {
  readonly port: number;
  /** Point new connections at this port; `undefined` = no endpoint (reset everything open). */
  setEndpoint(port: number | undefined): void;
  close(): Promise<void>;
}

export async function rwService(endpoint: number): Promise<RwService> {
  let target: number | undefined = endpoint;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (target === undefined) return client.destroy();
    const upstream = createConnection(target, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    setEndpoint(port) {
      target = port;
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
