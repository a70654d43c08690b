import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging/logger.ts';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** Exact-path routes; anything else is 404. Small on purpose: each process has a handful of paths. */
export type Routes = Record<string, RouteHandler>;

export interface RunningHttpServer {
  server: Server;
  /** e.g. http://127.0.0.1:4001 */
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then closes idle sockets. */
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

/** How long a client may take to send a request; a slower one is answered 408 and disconnected. */
export interface RequestTimeouts {
  /** Until the request's headers are complete. */
  headersTimeoutMs: number;
  /** Until the whole request, body included, has arrived (at least headersTimeoutMs). */
  requestTimeoutMs: number;
}

export async function startHttpServer(options: {
  routes: Routes;
  host: string;
  port: number;
  logger: Logger;
  timeouts: RequestTimeouts;
  /** How long shutdown waits for in-flight requests before cutting connections. */
  shutdownGraceMs?: number;
}): Promise<RunningHttpServer> {
  const { routes, logger, timeouts } = options;
  let closing = false;
  const dispatch = (req: IncomingMessage, res: ServerResponse) => {
    // While draining, tell keep-alive clients to reconnect elsewhere instead of reusing this socket.
    if (closing) res.setHeader('connection', 'close');
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const handler = routes[path];
    if (!handler) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      // A client cut off mid-body (it went away, or was too slow) is not a fault of the route.
      if (req.destroyed && !req.complete) {
        logger.debug({ path }, 'request abandoned before its body arrived');
        return;
      }
      logger.error({ err: error, path }, 'unhandled error in route');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  };
  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      // Node looks for overdue requests only this often (30 s unless told), which would let a
      // trickling client outstay the timeouts above by that much.
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(timeouts.headersTimeoutMs / 4)),
    },
    dispatch,
  );
  // Longer than typical load balancer idle timeouts, so keep-alive sockets are closed by the client
  // side first. Node times each request's headers from its first byte, not from the idle time before.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const grace = options.shutdownGraceMs ?? 10_000;
  let closed: Promise<void> | null = null;
  return {
    server,
    port,
    url: `http://${hostForUrl === '0.0.0.0' ? '127.0.0.1' : hostForUrl}:${port}`,
    // Memoised: a second caller (a signal during a test's own close) waits for the same drain.
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        closing = true;
        const timer = setTimeout(() => server.closeAllConnections(), grace);
        timer.unref();
        // Sockets that finish their in-flight request become idle later; close them as they do.
        const sweeper = setInterval(() => server.closeIdleConnections(), 100);
        server.close(() => {
          clearTimeout(timer);
          clearInterval(sweeper);
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}

/** Reads a request body up to a byte limit; returns null when the limit is exceeded. */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) {
    req.resume();
    return null;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // Keep draining past the limit (without buffering) so the socket stays usable for the 413 reply.
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= limitBytes) chunks.push(buffer);
  }
  return size > limitBytes ? null : Buffer.concat(chunks);
}
