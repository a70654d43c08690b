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
}

/**
 * Serves an Apollo Server on a plain node:http route, with a hard request-size limit. Each request
 * runs with its caller's signal (the context gets it, and so does code running for the request,
 * through `currentCallerSignal`), so work nobody waits for any more can stop.
 */
export function apolloRoute<TContext extends BaseContext>(options: ApolloRouteOptions<TContext>): RouteHandler {
  const { server, context, maxBodyBytes } = options;
  return async (req: IncomingMessage, res: ServerResponse) => {
    const signal = callerSignal(res);
    const method = (req.method ?? 'GET').toUpperCase();
    let body: unknown;
    if (method === 'POST') {
      const raw = await readBody(req, maxBodyBytes);
      if (raw === null) {
        sendJson(res, 413, {
          errors: [
            {
              message: `The request is larger than the ${maxBodyBytes}-byte limit.`,
              extensions: { code: ErrorCodes.REQUEST_TOO_LARGE },
            },
          ],
        });
        return;
      }
      const parsed = parseJsonBody(raw);
      if (!parsed.ok) {
        sendJson(res, 400, {
          errors: [{ message: 'The request body is not valid JSON.', extensions: { code: ErrorCodes.BAD_REQUEST } }],
        });
        return;
      }
      body = parsed.value;
    } else if ((req.url?.length ?? 0) > maxBodyBytes) {
      sendJson(res, 414, {
        errors: [{ message: 'The request URL is too long.', extensions: { code: ErrorCodes.REQUEST_TOO_LARGE } }],
      });
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const search = req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    if (signal.aborted) return;
    const response = await runWithCallerSignal(signal, () =>
      server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method, headers, search, body },
        context: () => context(req, signal),
      }),
    );
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

function parseJsonBody(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  if (raw.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}
