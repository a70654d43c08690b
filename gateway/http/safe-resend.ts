import { Kind, OperationTypeNode, parse } from 'graphql';
import type { Fetcher, FetcherRequestInit } from './fetcher.ts';

/** The connection broke after the request may have been written (a pooled socket the subgraph had just closed, or a crash). */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** The request provably never reached the subgraph: nothing can have run. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/**
 * A failure of the transport itself (no reply was read) that does not prove the request stayed
 * unsent: a mutation that failed this way may or may not have run.
 */
export function mayHaveReachedSubgraph(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && !NEVER_SENT.has(code);
}

/** True only when the document parses and every operation in it is a query: sending it twice changes nothing. */
export function isQueryOnly(document: string | undefined): boolean {
  if (document === undefined) return false;
  try {
    const operations = parse(document).definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    return operations.length > 0 && operations.every((operation) => operation.operation === OperationTypeNode.QUERY);
  } catch {
    return false;
  }
}

/** GET/HEAD (readiness checks), or a GraphQL POST whose document is provably only queries. */
export function mayResend(init: FetcherRequestInit | undefined): boolean {
  const method = (init?.method ?? 'GET').toUpperCase();
  if (method === 'GET' || method === 'HEAD') return true;
  const body = init?.body;
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : null;
  if (text === null) return false;
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch {
    return false;
  }
  const query = typeof request === 'object' && request !== null && 'query' in request ? request.query : undefined;
  return typeof query === 'string' && isQueryOnly(query);
}

/**
 * Sends a request again, once, when its connection broke and sending it twice provably changes
 * nothing. A keep-alive socket the subgraph closes while idle can fail the next request written
 * on it; for a query that is a race worth hiding. A mutation is never sent twice: it may have
 * run before the connection broke (a payment captured twice). Only the failure path parses the
 * request, so the cost is paid when a connection breaks, not per request.
 */
export function resendSafeRequestsOnce(fetch: Fetcher): Fetcher {
  return async (url, init) => {
    try {
      return await fetch(url, init);
    } catch (error) {
      const code = errorCode(error);
      if (code === undefined || !CONNECTION_LOST.has(code) || !mayResend(init)) throw error;
      return fetch(url, init);
    }
  };
}
