import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, startToyGateway, startToySubgraphs, type ToyGateway, type ToySubgraphs } from '../testing/toy-platform.ts';

/**
 * The gateway in front of a fake `shelf` subgraph that answers whatever a test sets: what the
 * client sees when a subgraph misbehaves.
 */
describe('subgraph replies through the gateway', () => {
  let toys: ToySubgraphs;
  let gw: ToyGateway;
  let fake: Server;
  let reply: (res: ServerResponse) => void = () => {};
  const received: Record<string, string | undefined>[] = [];

  beforeAll(async () => {
    toys = await startToySubgraphs();
    fake = createServer((req, res) => {
      received.push({ authorization: req.headers.authorization, requestId: req.headers['x-request-id'] as string | undefined, signature: req.headers.signature as string | undefined });
      req.resume();
      req.on('end', () => reply(res));
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/graphql`;
    gw = await startToyGateway(toys, { SUBGRAPH_URL_SHELF: url, SUBGRAPH_TIMEOUT_MS: '500' });
  });
  afterAll(async () => {
    await gw?.close();
    await toys?.close();
    fake.closeAllConnections();
    await new Promise((resolve) => fake.close(resolve));
  });

  const json = (status: number, body: unknown, contentType = 'application/json') => (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  it('keeps every error code and path of a non-2xx GraphQL reply, and its partial data', async () => {
    reply = json(401, {
      data: { bumps: null },
      errors: [{ message: 'You must be signed in to do this.', path: ['bumps'], extensions: { code: 'UNAUTHENTICATED', detail: 'x' } }],
    });
    const response = await postGraphQL(gw.gateway.graphqlUrl, { query: '{ bumps }' }, { 'x-request-id': 'req-401' });
    expect(response.status).toBe(200);
    // bumps is non-null, so the null the subgraph sent makes the whole result null.
    expect(response.body).toEqual({
      data: null,
      errors: [{ message: 'You must be signed in to do this.', path: ['bumps'], extensions: { code: 'UNAUTHENTICATED', detail: 'x' } }],
    });
    expect(received.at(-1)).toMatchObject({ authorization: undefined, requestId: 'req-401' });
  });

  it('masks a non-GraphQL error page without echoing it', async () => {
    reply = json(502, '<html>nginx: upstream 10.1.2.3 down</html>', 'text/html');
    const response = await postGraphQL(gw.gateway.graphqlUrl, { query: '{ bumps }' });
    expect(response.body.data).toBeNull();
    expect(response.body.errors).toEqual([
      { message: 'Something went wrong on our side; the error has been logged.', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
  });

  it('masks a 200 reply that is not JSON', async () => {
    reply = json(200, 'not json at all', 'text/plain');
    const response = await postGraphQL(gw.gateway.graphqlUrl, { query: '{ bumps }' });
    expect(response.body.errors?.[0]).toEqual({
      message: 'Something went wrong on our side; the error has been logged.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(response.body)).not.toContain('not json');
  });

  /** The gateway's count of failed fetches to shelf so far. */
  const failedFetches = async (): Promise<number> => {
    const metrics = await (await fetch(`${gw.gateway.internalUrl}/metrics`)).text();
    const match = /^gateway_subgraph_fetches_total\{subgraph="shelf",outcome="failed",service="gateway"\} (\d+)$/m.exec(metrics);
    return Number(match?.[1] ?? 0);
  };

  it('masks a subgraph that does not answer in time, and counts the failed fetch', async () => {
    reply = () => {};
    const before = await failedFetches();
    const response = await postGraphQL(gw.gateway.graphqlUrl, { query: '{ bumps }' });
    expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    // A query is sent once more only when its connection broke, not when it timed out.
    expect(await failedFetches()).toBe(before + 1);
  });

  it('answers OUTCOME_UNKNOWN to a mutation the subgraph received but did not answer in time', async () => {
    reply = () => {};
    const response = await postGraphQL(gw.gateway.graphqlUrl, { query: 'mutation { bump { level } }' });
    expect(response.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/may or may not have been applied/), extensions: { code: 'OUTCOME_UNKNOWN' } }),
    ]);
  });

  it('forwards the caller token to the subgraph', async () => {
    reply = json(200, { data: { bumps: 7 } });
    const token = await toys.signToken({ sub: '6f1c2b1e-7d2a-4c53-9a8e-0b6f4f1d2a01', role: 'CUSTOMER' });
    const response = await postGraphQL(gw.gateway.graphqlUrl, { query: '{ bumps }' }, { authorization: `Bearer ${token}` });
    expect(response.body).toEqual({ data: { bumps: 7 } });
    expect(received.at(-1)?.authorization).toBe(`Bearer ${token}`);
  });

  it('masks a subgraph refusing its signature (a secret or clock out of step): the client learns nothing of it', async () => {
    reply = json(403, { errors: [{ message: "The request's gateway signature does not match the request.", extensions: { code: 'GATEWAY_SIGNATURE_INVALID' } }] });
    const response = await postGraphQL(gw.gateway.graphqlUrl, { query: '{ bumps }' });
    expect(response.body.errors).toEqual([
      { message: 'Something went wrong on our side; the error has been logged.', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(JSON.stringify(response.body)).not.toMatch(/signature/i);
    expect(received.at(-1)?.signature).toMatch(/^gateway=:/);
  });
});
