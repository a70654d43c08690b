import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { ErrorCodes } from '../errors/codes.ts';
import { callerSignal, runWithCallerSignal } from '../http/caller-signal.ts';
import { readBody, sendJson, type RouteHandler } from '../http/http-server.ts';

export interface ApolloRouteOptions<TContext extends BaseContext> {
  server: ApolloServer<TContext>;
  /**
   * Builds the per-request context; may throw a GraphQLError (e.g. a bad token) to refuse the
   * request. `signal` fires when the caller closes the connection before the answer is sent.
   */
  context: (req: IncomingMessage, signal: AbortSignal) => Promise<TContext>;
  /** Bodies above this are refused with 413 before parsing. */
  maxBodyBytes: number;
  /**
   * Decides, from the request and its raw body, whether it may be served at all, before it is
   * parsed or anything GraphQL runs (a subgraph checks the gateway's signature here). A refusal
   * is answered with its status and code.
   */
  authenticate?: (req: IncomingMessage, body: Buffer) => RouteRefusal | null;
  /**
   * Also makes the caller's signal current (`currentCallerSignal`) for code a library calls without
   * our context: the gateway's subgraph fetches. Off unless asked for: on Node 20 an
   * AsyncLocalStorage, once used, hooks every promise the process makes (a promise-heavy loop ran
   * twice as long), and subgraphs hand the signal on through their context instead.
   */
  shareSignal?: boolean;
}

/** Why a request is not served: an HTTP status and an error code for the caller. */
export interface RouteRefusal {
  status: number;
  code: string;
  message: string;
}

/**
 * Serves an Apollo Server on a plain node:http route, with a hard request-size limit. Each request
 * gets its caller's signal (through the context, and with `shareSignal` through
 * `currentCallerSignal`), so work nobody waits for any more can stop.
 */
export function apolloRoute<TContext extends BaseContext>(options: ApolloRouteOptions<TContext>): RouteHandler {
  const { server, context, maxBodyBytes, authenticate, shareSignal = false } = options;
  return async (req: IncomingMessage, res: ServerResponse) => {
    const signal = callerSignal(res);
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = method === 'POST' ? await readBody(req, maxBodyBytes) : Buffer.alloc(0);
    if (raw === null) {
      refuse(res, { status: 413, code: ErrorCodes.REQUEST_TOO_LARGE, message: `The request is larger than the ${maxBodyBytes}-byte limit.` });
      return;
    }
    if ((req.url?.length ?? 0) > maxBodyBytes) {
      refuse(res, { status: 414, code: ErrorCodes.REQUEST_TOO_LARGE, message: 'The request URL is too long.' });
      return;
    }
    const refusal = authenticate?.(req, raw);
    if (refusal) {
      refuse(res, refusal);
      return;
    }
    let body: unknown;
    if (method === 'POST') {
      const parsed = parseJsonBody(raw);
      if (!parsed.ok) {
        refuse(res, { status: 400, code: ErrorCodes.BAD_REQUEST, message: 'The request body is not valid JSON.' });
        return;
      }
      body = parsed.value;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const search = req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    if (signal.aborted) return;
    const execute = () =>
      server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method, headers, search, body },
        context: () => context(req, signal),
      });
    const response = await (shareSignal ? runWithCallerSignal(signal, execute) : execute());
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

function refuse(res: ServerResponse, refusal: RouteRefusal): void {
  sendJson(res, refusal.status, { errors: [{ message: refusal.message, extensions: { code: refusal.code } }] });
}

function parseJsonBody(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  if (raw.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}
