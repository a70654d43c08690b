import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  BufferedResponse,
  SubgraphTimeoutError,
  type FetcherRequestInit,
  type FetcherResponse,
  type SubgraphFetcher,
  type SubgraphFetcherOptions,
} from '../../gateway/http/fetcher.ts';

/** Far more than the subgraph and health URLs one gateway fetches; only guards against unbounded growth. */
const MAX_CACHED_TARGETS = 64;

interface Target {
  /** Normalised, for the response's `url`. */
  url: string;
  origin: string;
  request: typeof httpRequest;
  options: RequestOptions;
}

/**
 * A subgraph HTTP client on node:http with pooled keep-alive sockets, each small JSON reply read
 * whole, `timeoutMs` bounding the whole request (connect to last byte). The gateway runs undici's
 * client; the bench measures it against this one (`npm run bench catalog -- --compare`). It
 * sends every request exactly once; the gateway's safe-resend.ts decides what may be sent again.
 */
export function createKeepAliveFetcher(options: SubgraphFetcherOptions): SubgraphFetcher {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets,
    maxFreeSockets: options.maxSockets,
    // Reuse the most recently used socket so surplus ones idle out instead of all staying lukewarm.
    scheduling: 'lifo' as const,
  };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);

  // Parsed once per URL (the subgraphs' and their health URLs), not once per fetch.
  const targets = new Map<string, Target>();
  const targetOf = (url: string): Target => {
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      const secure = parsed.protocol === 'https:';
      target = {
        url: parsed.toString(),
        origin: parsed.origin,
        request: secure ? httpsRequest : httpRequest,
        options: {
          protocol: parsed.protocol,
          // node:http wants a bare IPv6 address, without the URL's brackets.
          hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: parsed.port || undefined,
          path: `${parsed.pathname}${parsed.search}`,
          agent: secure ? httpsAgent : httpAgent,
          // As node:http does for a URL with credentials in it.
          ...(parsed.username || parsed.password
            ? { auth: `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}` }
            : {}),
        },
      };
      if (targets.size >= MAX_CACHED_TARGETS) targets.clear();
      targets.set(url, target);
    }
    return target;
  };

  const send = (target: Target, init: FetcherRequestInit): Promise<FetcherResponse> =>
    new Promise<FetcherResponse>((resolve, reject) => {
      const body = init.body === undefined ? undefined : typeof init.body === 'string' ? Buffer.from(init.body) : init.body;
      const headers: Record<string, string | number> = { ...init.headers };
      if (body) headers['content-length'] = body.length;
      const request: ClientRequest = target.request({ ...target.options, method: init.method ?? 'GET', headers });
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const timer = setTimeout(() => {
        request.destroy(new SubgraphTimeoutError(`No reply from ${target.origin} within ${options.timeoutMs} ms.`));
      }, options.timeoutMs);
      const signal = init.signal as AbortSignal | undefined;
      const onAbort = () => request.destroy(signal?.reason instanceof Error ? signal.reason : new Error('The request was aborted.'));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });

      request.on('error', (error) => finish(() => reject(error)));
      request.on('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => finish(() => reject(error)));
        response.on('end', () => {
          // A small reply arrives in one chunk: use it as is rather than copy it.
          const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          finish(() =>
            resolve(new BufferedResponse(target.url, response.statusCode ?? 0, response.statusMessage ?? '', response.headers, bytes)),
          );
        });
      });
      request.end(body);
    });

  return {
    fetch: (url, init = {}) => send(targetOf(url), init),
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
