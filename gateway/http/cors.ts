import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteHandler } from '../../platform/http/http-server.ts';

/** Every origin may call; config refuses it in production. */
export const ANY_ORIGIN = '*';

/**
 * The request headers a browser may send: JSON bodies, bearer tokens, partner keys, Apollo's CSRF
 * and operation-name headers (GET requests and persisted queries), our request id and the cost
 * report opt-in.
 */
export const CORS_ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'x-api-key',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'x-request-id',
] as const;

/**
 * The response headers a browser script may read: the rate-limit headers (the IETF draft's combined
 * `RateLimit`/`RateLimit-Policy` and the older `RateLimit-Limit/-Remaining/-Reset`), when to retry,
 * and the request id to quote in a support ticket.
 */
export const CORS_EXPOSED_HEADERS = [
  'RateLimit',
  'RateLimit-Policy',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'x-request-id',
] as const;

/** How long a browser may reuse a preflight answer (10 minutes; Chromium caps at 2 hours anyway). */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * `https://shop.example` (scheme, host, port; no path), as a browser writes it in `Origin`, or null
 * when the text is no such origin. `*` passes through; config decides where it is allowed.
 */
export function parseCorsOrigin(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === ANY_ORIGIN) return ANY_ORIGIN;
  try {
    const url = new URL(trimmed);
    // An origin is exactly what URL reports as one; a trailing slash or path would never match a browser's Origin.
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === trimmed.toLowerCase() ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * Wraps the /graphql route with CORS for the configured origins. No origins: the handler as it is,
 * with no CORS headers at all (browsers then refuse other sites' scripts). Otherwise a preflight
 * (OPTIONS with Access-Control-Request-Method) is answered here with 204, and every other request
 * runs the handler with the CORS headers set first; a disallowed origin gets no CORS headers, so
 * its browser refuses the answer. `Vary: Origin` on every answer keeps a CDN from serving one
 * origin's headers to another.
 */
export function withCors(allowedOrigins: readonly string[], handler: RouteHandler): RouteHandler {
  if (allowedOrigins.length === 0) return handler;
  const anyOrigin = allowedOrigins.includes(ANY_ORIGIN);
  const allowed = new Set(allowedOrigins);
  const allowedOrigin = (req: IncomingMessage): string | null => {
    const origin = req.headers.origin;
    if (!origin) return null;
    if (anyOrigin) return ANY_ORIGIN;
    return allowed.has(origin.toLowerCase()) ? origin : null;
  };

  return (req, res) => {
    res.setHeader('vary', 'Origin');
    const origin = allowedOrigin(req);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      answerPreflight(res, origin);
      return;
    }
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
    }
    return handler(req, res);
  };
}

function answerPreflight(res: ServerResponse, origin: string | null): void {
  if (origin) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-methods', 'GET, POST');
    res.setHeader('access-control-allow-headers', CORS_ALLOWED_HEADERS.join(', '));
    res.setHeader('access-control-max-age', String(CORS_MAX_AGE_SECONDS));
  }
  res.statusCode = 204;
  res.end();
}
