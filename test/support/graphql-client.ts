import type { GraphQLFormattedError } from 'graphql';
import { withGatewaySignature, type GatewaySigner } from '../../platform/graphql/gateway-signature.ts';

export interface GraphQLResponse<TData> {
  status: number;
  headers: Headers;
  body: { data?: TData | null; errors?: GraphQLFormattedError[] };
}

export interface RequestOptions {
  token?: string | null;
  headers?: Record<string, string>;
}

/**
 * A client that talks to an endpoint as an app would: JSON over HTTP POST. With a `signer` it
 * signs each request as the gateway does, to call a subgraph directly.
 */
export class GraphQLTestClient {
  constructor(
    readonly url: string,
    private readonly signer: GatewaySigner | null = null,
  ) {}

  async request<TData = Record<string, unknown>, TVariables extends Record<string, unknown> = Record<string, unknown>>(
    query: string,
    variables?: TVariables,
    options: RequestOptions = {},
  ): Promise<GraphQLResponse<TData>> {
    return this.send<TData>(JSON.stringify({ query, variables }), options);
  }

  /** Sends a raw body (for size and malformed-input tests). */
  async send<TData = Record<string, unknown>>(body: string, options: RequestOptions = {}): Promise<GraphQLResponse<TData>> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    };
    const response = await fetch(this.url, { method: 'POST', headers: this.signer ? signed(this.signer, this.url, headers, body) : headers, body });
    const text = await response.text();
    let parsed: GraphQLResponse<TData>['body'];
    try {
      parsed = JSON.parse(text) as GraphQLResponse<TData>['body'];
    } catch {
      throw new Error(`Non-JSON response (${response.status}): ${text.slice(0, 200)}`);
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  /** Like request, but fails the test on any GraphQL error and returns data. */
  async data<TData = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: RequestOptions): Promise<TData> {
    const response = await this.request<TData>(query, variables, options);
    if (response.body.errors?.length || !response.body.data) {
      throw new Error(`Unexpected GraphQL response (${response.status}): ${JSON.stringify(response.body).slice(0, 2000)}`);
    }
    return response.body.data;
  }
}

/** The headers plus the gateway's signature over them and the body, for a POST to `url`. */
export function signed(signer: GatewaySigner, url: string, headers: Record<string, string>, body: string): Record<string, string> {
  return withGatewaySignature(signer, { method: 'POST', url, headers, body });
}

/** Asserts a response carries nothing a client must never see (stack traces, SQL, driver names). */
export function leaksInternals(body: unknown): boolean {
  const text = JSON.stringify(body);
  return /stacktrace|at .+\.ts:\d+|prisma|SELECT |INSERT |UPDATE .+ SET|postgres|ECONNREFUSED/i.test(text);
}
