import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_DIGEST_HEADER, SIGNATURE_HEADER, SIGNATURE_INPUT_HEADER, SIGNED_HEADERS } from '../../platform/graphql/gateway-signature.ts';
import { postGraphQL, startToyGateway, startToySubgraphs, type ToyGateway, type ToySubgraphs } from '../testing/toy-platform.ts';
import { isQueryOnly, mayResend } from './safe-resend.ts';

describe('what may be sent again', () => {
  it('is only a document whose every operation is a query', () => {
    expect(isQueryOnly('{ bumps }')).toBe(true);
    expect(isQueryOnly('query A { bumps } query B { chain { level } } fragment F on Chain { level }')).toBe(true);
    expect(isQueryOnly('mutation { bump { level } }')).toBe(false);
    expect(isQueryOnly('query A { bumps } mutation B { bump { level } }')).toBe(false);
    expect(isQueryOnly('subscription { ticks }')).toBe(false);
    expect(isQueryOnly('fragment F on Chain { level }')).toBe(false);
    expect(isQueryOnly('{ unterminated')).toBe(false);
    expect(isQueryOnly(undefined)).toBe(false);
  });

  it('is a GET, or a POST whose JSON body holds such a document', () => {
    expect(mayResend({ method: 'GET' })).toBe(true);
    expect(mayResend(undefined)).toBe(true);
    expect(mayResend({ method: 'POST', body: JSON.stringify({ query: '{ bumps }', variables: {} }) })).toBe(true);
    expect(mayResend({ method: 'POST', body: JSON.stringify({ query: 'mutation { bump { level } }' }) })).toBe(false);
    // Persisted query without its text: nothing proves what it does.
    expect(mayResend({ method: 'POST', body: JSON.stringify({ extensions: { persistedQuery: { sha256Hash: 'abc' } } }) })).toBe(false);
    expect(mayResend({ method: 'POST', body: 'not json' })).toBe(false);
    expect(mayResend({ method: 'POST' })).toBe(false);
  });
});

interface ProxiedRequest {
  operation: string;
  /** The gateway had sent an earlier request on the same connection (a pooled keep-alive socket). */
  reusedSocket: boolean;
  reset: boolean;
}

/**
 * Stands in front of the toy `shelf` subgraph. Once armed, the next request of the given kind is
 * read whole, executed by shelf, and then its connection is reset instead of answered: the
 * subgraph did the work and the reply was lost.
 */
async function resettingProxy(target: string) {
  const served = new WeakMap<Socket, number>();
  const requests: ProxiedRequest[] = [];
  let armed: 'query' | 'mutation' | null = null;
  const server: Server = createServer((req, res) => {
    const count = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, count);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const { query } = JSON.parse(body) as { query: string };
      const operation = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!.operation;
      const reset = armed === operation;
      if (reset) armed = null;
      requests.push({ operation, reusedSocket: count > 1, reset });
      // The gateway's signature and what it covers go along, or shelf would refuse the request.
      const signed = [...SIGNED_HEADERS, CONTENT_DIGEST_HEADER, SIGNATURE_INPUT_HEADER, SIGNATURE_HEADER].flatMap((name) => {
        const value = req.headers[name];
        return typeof value === 'string' ? [[name, value] as const] : [];
      });
      fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', ...Object.fromEntries(signed) }, body })
        .then(async (reply) => {
          const text = await reply.text();
          if (reset) {
            req.socket.resetAndDestroy();
            return;
          }
          res.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') ?? 'application/json' });
          res.end(text);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    requests,
    arm(kind: 'query' | 'mutation') {
      armed = kind;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('a subgraph connection reset after the request was read', () => {
  let toys: ToySubgraphs;
  let proxy: Awaited<ReturnType<typeof resettingProxy>>;
  let gw: ToyGateway;

  beforeAll(async () => {
    toys = await startToySubgraphs();
    proxy = await resettingProxy(toys.shelf.graphqlUrl);
    gw = await startToyGateway(toys, { SUBGRAPH_URL_SHELF: proxy.url });
  });
  afterAll(async () => {
    await gw?.close();
    await proxy?.close();
    await toys?.close();
  });

  /** Sequential queries leave pooled keep-alive sockets to the proxy behind, so the next request reuses one. */
  async function warmConnections(): Promise<void> {
    for (let i = 0; i < 3; i += 1) expect((await postGraphQL(gw.gateway.graphqlUrl, { query: '{ bumps }' })).body.errors).toBeUndefined();
  }

  it('runs a mutation exactly once and tells the client its outcome is unknown', async () => {
    await warmConnections();
    const before = toys.bumps();
    const seenBefore = proxy.requests.length;
    proxy.arm('mutation');

    const response = await postGraphQL(gw.gateway.graphqlUrl, { query: 'mutation { bump { level } }' });

    expect(toys.bumps()).toBe(before + 1);
    expect(proxy.requests.slice(seenBefore)).toEqual([{ operation: 'mutation', reusedSocket: true, reset: true }]);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: null,
      errors: [
        {
          message:
            'The request was sent but its reply was lost, so the change may or may not have been applied. Check the current state before trying again.',
          extensions: { code: 'OUTCOME_UNKNOWN' },
        },
      ],
    });
  });

  it('sends a query again on a fresh connection and answers it', async () => {
    await warmConnections();
    const seenBefore = proxy.requests.length;
    proxy.arm('query');

    const response = await postGraphQL(gw.gateway.graphqlUrl, { query: '{ chain { level } }' });

    expect(response.body).toEqual({ data: { chain: { level: 1 } } });
    expect(proxy.requests.slice(seenBefore)).toEqual([
      { operation: 'query', reusedSocket: true, reset: true },
      { operation: 'query', reusedSocket: expect.any(Boolean), reset: false },
    ]);
  });
});
