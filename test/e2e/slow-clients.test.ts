import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES } from '../../subgraphs/registry.ts';
import { bootPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * A client that sends its request slowly holds a connection (and its buffers) for as long as
 * it likes unless the server cuts it off. Every listener of every process does, once
 * HEADERS_TIMEOUT_MS passes without complete headers, or REQUEST_TIMEOUT_MS without the body.
 */
const HEADERS_TIMEOUT_MS = 500;
const REQUEST_TIMEOUT_MS = 1_000;
/** Every byte is 100 ms apart, so each request below would take 6 s or more to send in full. */
const BYTE_INTERVAL_MS = 100;
/** The timeout, plus Node's check interval (a quarter of the headers timeout), plus slack for a busy machine. */
const CUT_OFF_WITHIN_MS = REQUEST_TIMEOUT_MS + 1_500;

let platform: TestPlatform;

beforeAll(async () => {
  const timeouts = { HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) };
  platform = await bootPlatform({ env: { gateway: timeouts, ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, timeouts])) } });
});
afterAll(async () => {
  await platform?.close();
});

interface Trickle {
  /** From the first byte to the server closing the connection. */
  closedAfterMs: number;
  /** Whether the client got to send everything before the server closed. */
  sentAll: boolean;
  reply: string;
}

/**
 * Sends `head` at once and then `slow` one byte every BYTE_INTERVAL_MS, and resolves when the
 * server closes the connection; fails if it has not by CUT_OFF_WITHIN_MS.
 */
function trickle(origin: string, head: string, slow: string): Promise<Trickle> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const started = Date.now();
    let reply = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`${origin} kept a slow client for more than ${CUT_OFF_WITHIN_MS} ms`));
    }, CUT_OFF_WITHIN_MS);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearInterval(timer);
      clearTimeout(deadline);
      resolve({ closedAfterMs: Date.now() - started, sentAll: sent === slow.length, reply });
    });
    socket.once('connect', () => {
      if (head) socket.write(head);
      timer = setInterval(() => {
        if (sent < slow.length && !socket.destroyed) socket.write(slow[sent++]!);
      }, BYTE_INTERVAL_MS);
    });
  });
}

const listeners = () => [
  { name: 'gateway', publicUrl: platform.gatewayServer.url, internalUrl: platform.gatewayServer.internalUrl },
  ...SUBGRAPH_NAMES.map((name) => ({ name, publicUrl: platform.subgraphs[name].url, internalUrl: platform.subgraphs[name].internalUrl })),
];

describe('slow clients', () => {
  it('are cut off with 408 when they trickle the headers, on every public and internal listener', async () => {
    const slowHeaders = 'GET /health/live HTTP/1.1\r\nhost: shop.example\r\nx-padding: aaaaaaaaaaaaaaaaaaaa\r\n\r\n';
    const targets = listeners().flatMap(({ name, publicUrl, internalUrl }) => [
      { label: `${name} public`, origin: publicUrl },
      { label: `${name} internal`, origin: internalUrl },
    ]);
    const results = await Promise.all(targets.map(({ origin }) => trickle(origin, '', slowHeaders)));
    for (const [index, result] of results.entries()) {
      const { label } = targets[index]!;
      expect(result.sentAll, label).toBe(false);
      expect(result.reply, label).toMatch(/^HTTP\/1\.1 408 /);
      expect(result.closedAfterMs, label).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    }
  });

  it('are cut off with 408 when they trickle the body of a GraphQL request, at the gateway and every subgraph', async () => {
    const body = JSON.stringify({ query: `{ __typename }#${'x'.repeat(60)}` });
    const head = (origin: string) =>
      `POST /graphql HTTP/1.1\r\nhost: ${new URL(origin).host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const targets = listeners().map(({ name, publicUrl }) => ({ label: name, origin: publicUrl }));
    const results = await Promise.all(targets.map(({ origin }) => trickle(origin, head(origin), body)));
    for (const [index, result] of results.entries()) {
      const { label } = targets[index]!;
      expect(result.sentAll, label).toBe(false);
      expect(result.reply, label).toMatch(/^HTTP\/1\.1 408 /);
      expect(result.closedAfterMs, label).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    }
  });
});
