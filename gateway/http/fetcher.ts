import type { IncomingHttpHeaders } from 'node:http';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';

// The gateway's fetcher contract, taken from the gateway itself rather than a transitive package.
export type Fetcher = RemoteGraphQLDataSource['fetcher'];
export type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
export type FetcherResponse = Awaited<ReturnType<Fetcher>>;
type FetcherHeaders = FetcherResponse['headers'];

/** The HTTP client the gateway sends subgraph requests (and readiness checks) with. */
export interface SubgraphFetcher {
  fetch: Fetcher;
  /** Closes the pooled sockets (after the gateway has stopped sending). */
  close(): void;
}

export interface SubgraphFetcherOptions {
  /** Concurrent sockets per subgraph origin; requests above it wait for a free one. */
  maxSockets: number;
  /** How long a subgraph request may take (each client's comment says what it bounds exactly). */
  timeoutMs: number;
}

export type SubgraphFetcherFactory = (options: SubgraphFetcherOptions) => SubgraphFetcher;

/** A subgraph request that missed its deadline. */
export class SubgraphTimeoutError extends Error {
  override name = 'SubgraphTimeoutError';
  readonly code = 'ETIMEDOUT';
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
