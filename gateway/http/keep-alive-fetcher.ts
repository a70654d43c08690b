import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';

// The gateway's fetcher contract, taken from the gateway itself rather than a transitive package.
export type Fetcher = RemoteGraphQLDataSource['fetcher'];
export type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
export type FetcherResponse = Awaited<ReturnType<Fetcher>>;
type FetcherHeaders = FetcherResponse['headers'];

export interface KeepAliveFetcherOptions {
  /** Concurrent sockets per subgraph host; requests above it queue in the agent. */
  maxSockets: number;
  /** Deadline for one subgraph request, connect to last byte. */
  timeoutMs: number;
}

export interface KeepAliveFetcher {
  fetch: Fetcher;
  /** Closes the pooled sockets (after the gateway has stopped sending). */
  close(): void;
}

/** Far more than the subgraph and health URLs one gateway fetches; only guards against unbounded growth. */
const MAX_CACHED_TARGETS = 64;

interface Target {
  /** Normalised, for the response's `url`. */
  url: string;
  origin: string;
  request: typeof httpRequest;
  options: RequestOptions;
}

/** A subgraph request that missed its deadline. */
export class SubgraphTimeoutError extends Error {
  override name = 'SubgraphTimeoutError';
  readonly code = 'ETIMEDOUT';
}

/**
 * The subgraph HTTP client: node:http with pooled keep-alive sockets. The gateway's default
 * (make-fetch-happen) spends about a quarter of the gateway's CPU per request on protocol
 * detection and stream plumbing (shared/notes/gateway-performance.md); bodies here are small
 * JSON documents, so buffering the whole reply is cheaper than streaming it.
 */
export function createKeepAliveFetcher(options: KeepAliveFetcherOptions): KeepAliveFetcher {
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

  const send = (target: Target, init: FetcherRequestInit, allowRetry: boolean): Promise<FetcherResponse> =>
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

      request.on('error', (error: NodeJS.ErrnoException) => {
        // A pooled socket the subgraph closed while idle fails before anything was sent; one
        // retry on a fresh socket is safe then and hides a race, not a failure.
        if (allowRetry && request.reusedSocket && error.code === 'ECONNRESET') {
          finish(() => resolve(send(target, init, false)));
          return;
        }
        finish(() => reject(error));
      });
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
    fetch: (url, init = {}) => send(targetOf(url), init, true),
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** The slice of the Fetch API's Response that @apollo/gateway reads, over an already-read body. */
export class BufferedResponse implements FetcherResponse {
  readonly redirected = false;
  readonly headers: FetcherHeaders;
  private used = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    headers: IncomingHttpHeaders | ResponseHeaders,
    private readonly body: Buffer,
  ) {
    this.headers = headers instanceof ResponseHeaders ? headers : ResponseHeaders.from(headers);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  async text(): Promise<string> {
    return this.consume().toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.consume().toString('utf8'));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.consume();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  clone(): FetcherResponse {
    if (this.used) throw new TypeError('Response body is already used');
    return new BufferedResponse(this.url, this.status, this.statusText, new ResponseHeaders(new Map(this.headers)), this.body);
  }

  private consume(): Buffer {
    if (this.used) throw new TypeError('Response body is already used');
    this.used = true;
    return this.body;
  }
}

/** Case-insensitive response headers (the Fetch API's Headers, minus what nobody here needs). */
export class ResponseHeaders implements FetcherHeaders {
  constructor(private readonly map: Map<string, string> = new Map()) {}

  static from(raw: IncomingHttpHeaders): ResponseHeaders {
    const values = new Map<string, string>();
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) values.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
    }
    return new ResponseHeaders(values);
  }

  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const existing = this.map.get(key);
    this.map.set(key, existing === undefined ? value : `${existing}, ${value}`);
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}
