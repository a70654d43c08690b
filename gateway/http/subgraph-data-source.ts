import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { Counter } from 'prom-client';
import { ErrorCodes } from '../../platform/errors/codes.ts';
import { withGatewaySignature, type GatewaySigner } from '../../platform/graphql/gateway-signature.ts';
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER } from '../../platform/graphql/request-context.ts';
import type { GatewayContext } from '../context.ts';
import type { Fetcher, FetcherResponse } from './fetcher.ts';
import { isQueryOnly, mayHaveReachedSubgraph } from './safe-resend.ts';

type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;
type ProcessResult = Awaited<ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']>>;
type IncomingOperation = Extract<ProcessOptions, { incomingRequestContext: unknown }>;

/** Client operations carry our context; the gateway's own health checks and schema loads do not. */
function isIncomingOperation(options: ProcessOptions): options is IncomingOperation {
  return 'incomingRequestContext' in options;
}

/** Outcomes counted per subgraph fetch: answered cleanly, answered with GraphQL errors, or failed (HTTP/network/timeout). */
export type SubgraphFetchOutcome = 'ok' | 'graphql_errors' | 'failed';

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  fetcher: Fetcher;
  fetches: Counter<'subgraph' | 'outcome'>;
  /** Signs every request, so the subgraph knows it came from the gateway. */
  signer: GatewaySigner;
}

/**
 * How the gateway talks to one subgraph: forwards the caller's credentials, request id and address
 * (subgraphs verify the token again; they never trust a bare user id), signs each request as it
 * goes out (platform/graphql/gateway-signature.ts), counts outcomes, and turns a non-2xx reply into
 * an error that keeps the subgraph's code but none of its body.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly subgraph: string;
  private readonly fetches: Counter<'subgraph' | 'outcome'>;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url });
    // Signed last, over exactly the bytes and headers that go out.
    this.fetcher = acceptGraphQLErrorReplies(signedBy(options.signer, options.fetcher));
    this.subgraph = options.name;
    this.fetches = options.fetches;
  }

  override willSendRequest(options: ProcessOptions): void {
    if (!isIncomingOperation(options)) return;
    const headers = options.request.http?.headers;
    const context = options.context;
    if (!headers) return;
    headers.set(REQUEST_ID_HEADER, context.requestId);
    headers.set(CLIENT_IP_HEADER, context.clientIp);
    if (context.accessToken) headers.set('authorization', `Bearer ${context.accessToken}`);
  }

  override async process(options: ProcessOptions): Promise<ProcessResult> {
    try {
      const response = await super.process(options);
      this.fetches.inc({ subgraph: this.subgraph, outcome: response.errors?.length ? 'graphql_errors' : 'ok' });
      return response;
    } catch (error) {
      this.fetches.inc({ subgraph: this.subgraph, outcome: 'failed' });
      // Replies the subgraph itself refused are already described to the client; log only transport failures.
      if (isIncomingOperation(options) && !(error instanceof SubgraphReplyError)) {
        options.context.logger.warn({ err: error, subgraph: this.subgraph }, 'subgraph fetch failed');
      }
      // A change whose reply was lost must not be guessed at: not sent again, not reported as failed.
      if (!isQueryOnly(options.request.query) && mayHaveReachedSubgraph(error)) throw new OutcomeUnknownError();
      throw error;
    }
  }

  /** A non-2xx reply that is not a GraphQL response (a proxy's error page): nothing in it is for the client. */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const refused = await signatureRefusal(response);
    if (refused) {
      return new SubgraphReplyError(
        `Subgraph "${this.subgraph}" refused the gateway's signature (${refused}): do both have the same GATEWAY_SIGNING_SECRETS, and are their clocks in step?`,
      );
    }
    return new SubgraphReplyError(`Subgraph "${this.subgraph}" answered HTTP ${response.status} ${response.statusText}.`);
  }
}

/**
 * A mutation reached (or may have reached) its subgraph and no reply came back: it may have run.
 * The client must check before trying again, so it is told exactly that and nothing internal.
 */
class OutcomeUnknownError extends GraphQLError {
  override name = 'OutcomeUnknownError';
  constructor() {
    super('The request was sent but its reply was lost, so the change may or may not have been applied. Check the current state before trying again.', {
      extensions: { code: ErrorCodes.OUTCOME_UNKNOWN },
    });
  }
}

/** Has no code on purpose, so the gateway's error masking logs it and shows a generic message. */
class SubgraphReplyError extends GraphQLError {
  override name = 'SubgraphReplyError';
}

/**
 * Subgraphs answer non-2xx with a full GraphQL response when an error carries an HTTP status
 * (a field refusing an anonymous caller makes Apollo Server answer 401 with partial data). The
 * stock data source would throw all of it away for one "401: Unauthorized" error holding the raw
 * body. Per GraphQL over HTTP such a body is still the result, so it is processed as one and
 * every error keeps its code and path.
 */
function acceptGraphQLErrorReplies(fetcher: Fetcher): Fetcher {
  return async (url, init) => {
    const response = await fetcher(url, init);
    if (response.ok || !isJson(response.headers.get('content-type'))) return response;
    let body: unknown;
    try {
      body = JSON.parse(await response.clone().text());
    } catch {
      return response;
    }
    // A refused signature is the gateway's own fault (its secret, its clock): never the client's to read.
    return isGraphQLResponse(body) && refusesSignature(body) === null ? new AcceptedReply(response) : response;
  };
}

const SIGNATURE_CODES: ReadonlySet<unknown> = new Set([
  ErrorCodes.GATEWAY_SIGNATURE_REQUIRED,
  ErrorCodes.GATEWAY_SIGNATURE_INVALID,
  ErrorCodes.GATEWAY_SIGNATURE_EXPIRED,
]);

/** The signature code a subgraph refused the request with, if that is what the body says. */
function refusesSignature(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || !('errors' in body) || !Array.isArray(body.errors)) return null;
  for (const error of body.errors as unknown[]) {
    const extensions = typeof error === 'object' && error !== null && 'extensions' in error ? error.extensions : null;
    const code = typeof extensions === 'object' && extensions !== null && 'code' in extensions ? extensions.code : null;
    if (typeof code === 'string' && SIGNATURE_CODES.has(code)) return code;
  }
  return null;
}

async function signatureRefusal(response: FetcherResponse): Promise<string | null> {
  if (response.status !== 401 && response.status !== 403) return null;
  try {
    return refusesSignature(JSON.parse(await response.text()));
  } catch {
    return null;
  }
}

/** Adds the gateway's signature to each request, over the headers and body exactly as they are sent. */
function signedBy(signer: GatewaySigner, fetcher: Fetcher): Fetcher {
  return (url, init = {}) =>
    fetcher(url, { ...init, headers: withGatewaySignature(signer, { method: init.method ?? 'GET', url, headers: init.headers ?? {}, body: init.body ?? '' }) });
}

function isJson(contentType: string | null): boolean {
  return contentType !== null && /^application\/(graphql-response\+)?json\b/i.test(contentType);
}

function isGraphQLResponse(body: unknown): boolean {
  return typeof body === 'object' && body !== null && ('data' in body || ('errors' in body && Array.isArray(body.errors)));
}

/** The same reply, marked ok so the data source reads it as a GraphQL result. */
class AcceptedReply implements FetcherResponse {
  readonly ok = true;
  constructor(private readonly inner: FetcherResponse) {}
  get bodyUsed() {
    return this.inner.bodyUsed;
  }
  get url() {
    return this.inner.url;
  }
  get redirected() {
    return this.inner.redirected;
  }
  get status() {
    return this.inner.status;
  }
  get statusText() {
    return this.inner.statusText;
  }
  get headers() {
    return this.inner.headers;
  }
  arrayBuffer() {
    return this.inner.arrayBuffer();
  }
  text() {
    return this.inner.text();
  }
  json() {
    return this.inner.json();
  }
  clone(): FetcherResponse {
    return new AcceptedReply(this.inner.clone());
  }
}
