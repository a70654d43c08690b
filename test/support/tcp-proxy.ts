import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** Where clients connect instead of the target, e.g. `127.0.0.1:41234`. */
  readonly port: number;
  /** Cuts every open connection and refuses new ones until `restore()`: the network between client and target fails. */
  cut(): void;
  restore(): void;
  /** Connections open right now. */
  openConnections(): number;
  close(): Promise<void>;
}

/**
 * A TCP pass-through to `target` that a test can cut and restore, so a service's connection to
 * the broker drops the way a network partition or a broker restart drops it, without touching
 * the shared broker other runs use.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = createConnection(target);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy did not get a port');
  return {
    port: address.port,
    cut() {
      cut = true;
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    restore() {
      cut = false;
    },
    openConnections: () => pairs.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const [client, upstream] of pairs) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
