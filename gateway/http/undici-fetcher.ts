import { STATUS_CODES } from 'node:http';
import { Agent } from 'undici';
import { BufferedResponse, SubgraphTimeoutError, type SubgraphFetcher, type SubgraphFetcherOptions } from './fetcher.ts';

/** Far more than the subgraph and health URLs one gateway fetches; only guards against unbounded growth. */
const MAX_CACHED_TARGETS = 64;

interface Target {
  url: string;
  origin: string;
  path: string;
}

/** undici's own deadlines: no reply headers in time, or the body stalls. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * The gateway's subgraph HTTP client: undici's pooled keep-alive client (an `Agent`, one `Pool`
 * of up to `maxSockets` connections per origin, `dispatcher.request`), each small JSON reply read
 * whole. undici sends a request once: when a connection breaks it fails the request on it rather
 * than send it again (safe-resend.ts decides what may be). `timeoutMs` bounds, each on its own,
 * connecting, waiting for the reply's headers and every pause in its body, to within about a
 * second (undici's coarse timers).
 */
export function createUndiciFetcher(options: SubgraphFetcherOptions): SubgraphFetcher {
  const agent = new Agent({
    connections: options.maxSockets,
    connectTimeout: options.timeoutMs,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });

  const targets = new Map<string, Target>();
  const targetOf = (url: string): Target => {
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { url: parsed.toString(), origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      if (targets.size >= MAX_CACHED_TARGETS) targets.clear();
      targets.set(url, target);
    }
    return target;
  };

  return {
    fetch: async (url, init = {}) => {
      const target = targetOf(url);
      try {
        const reply = await agent.request({
          origin: target.origin,
          path: target.path,
          method: init.method ?? 'GET',
          headers: init.headers,
          body: init.body,
          signal: init.signal as AbortSignal | undefined,
        });
        const bytes = Buffer.from(await reply.body.arrayBuffer());
        return new BufferedResponse(target.url, reply.statusCode, STATUS_CODES[reply.statusCode] ?? '', reply.headers, bytes);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && TIMEOUT_CODES.has(code)) {
          throw new SubgraphTimeoutError(`No reply from ${target.origin} within ${options.timeoutMs} ms.`, { cause: error });
        }
        throw error;
      }
    },
    close: () => {
      void agent.destroy();
    },
  };
}
