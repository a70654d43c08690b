import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'undici';
import type { z } from 'zod';
import type { GatewaySigner, GatewaySignatureVerifier } from '../graphql/gateway-signature.ts';
import { createGatewaySigner, createGatewaySignatureVerifier, gatewaySigningSecrets, withGatewaySignature } from '../graphql/gateway-signature.ts';
import type { ServiceSettings } from '../config/load-config.ts';
import { REQUEST_ID_HEADER } from '../graphql/request-context.ts';
import type { Logger } from '../logging/logger.ts';
import { readBody, sendJson, type RouteHandler } from './http-server.ts';

/**
 * Synchronous reads between services: the owner of some data answers a small JSON POST on its
 * INTERNAL listener (cluster-only, like the users subgraph's JWKS), and a caller that needs the
 * owner's current answer (checkout reading prices from catalog, say) asks it there. Never another
 * service's database, never its /graphql. Changes still travel as messages; this is for reads.
 *
 * Both ends trust nothing they cannot verify: a request carries the platform's service signature
 * (the same RFC 9421 HMAC profile and shared secrets as gateway → subgraph requests, over method,
 * path, body and request id), its body is bounded and validated by the route's schema, and the
 * caller validates the answer by its own schema before using it.
 */
export const INTERNAL_READ_MAX_BODY_BYTES = 64 * 1024;

export const InternalReadErrorCodes = {
  INTERNAL_READ_FAILED: 'INTERNAL_READ_FAILED',
  INTERNAL_READ_TIMEOUT: 'INTERNAL_READ_TIMEOUT',
  INTERNAL_READ_UNAVAILABLE: 'INTERNAL_READ_UNAVAILABLE',
} as const;
export type InternalReadErrorCode = (typeof InternalReadErrorCodes)[keyof typeof InternalReadErrorCodes];

/** A read that did not produce a valid answer; `code` says whether retrying may help. */
export class InternalReadError extends Error {
  override name = 'InternalReadError';
  constructor(
    readonly code: InternalReadErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface InternalReadRouteOptions<TBody, TResult> {
  body: z.ZodType<TBody>;
  verifier: GatewaySignatureVerifier;
  logger: Logger;
  handle(body: TBody, request: { requestId: string | undefined; signal: AbortSignal }): Promise<TResult>;
}

/** The owner's end: POST only, signed only, bounded and validated body, JSON answer. */
export function internalReadRoute<TBody, TResult>(options: InternalReadRouteOptions<TBody, TResult>): RouteHandler {
  const logger = options.logger.child({ component: 'internal-read' });
  return async (req: IncomingMessage, res: ServerResponse) => {
    if ((req.method ?? 'GET').toUpperCase() !== 'POST') {
      sendJson(res, 405, { error: 'POST only' }, { allow: 'POST' });
      return;
    }
    const raw = await readBody(req, INTERNAL_READ_MAX_BODY_BYTES);
    if (raw === null) {
      sendJson(res, 413, { error: `body over ${INTERNAL_READ_MAX_BODY_BYTES} bytes` });
      return;
    }
    const refusal = options.verifier.verify({ method: 'POST', target: req.url ?? '/', header: (name) => headerValue(req, name), body: raw });
    if (refusal) {
      logger.warn({ path: req.url, reason: refusal.reason }, 'internal read refused: bad service signature');
      sendJson(res, refusal.status, { error: refusal.code });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      sendJson(res, 400, { error: 'body is not JSON' });
      return;
    }
    const parsed = options.body.safeParse(json);
    if (!parsed.success) {
      sendJson(res, 400, { error: 'invalid body', issues: parsed.error.issues.slice(0, 5).map((issue) => ({ path: issue.path.join('.'), message: issue.message })) });
      return;
    }
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const result = await options.handle(parsed.data, { requestId: headerValue(req, REQUEST_ID_HEADER), signal: controller.signal });
    sendJson(res, 200, result);
  };
}

export interface InternalReadClient {
  /** POSTs `body` to the owner's `path` and returns its answer validated by `schema`. */
  post<TResult>(path: string, body: unknown, options: { schema: z.ZodType<TResult>; requestId?: string; signal?: AbortSignal }): Promise<TResult>;
}

export interface InternalReadClientOptions {
  /** The owner's internal listener, e.g. http://127.0.0.1:9002 (an operator-configured address). */
  baseUrl: string;
  signer: GatewaySigner;
  /** The whole read, connection included. */
  timeoutMs: number;
  logger: Logger;
}

/** The caller's end. Reads are safe to retry, but this client never does: callers decide. */
export function createInternalReadClient(options: InternalReadClientOptions): InternalReadClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const logger = options.logger.child({ component: 'internal-read-client', owner: base });
  return {
    async post(path, body, { schema, requestId, signal }) {
      const url = `${base}${path}`;
      const payload = JSON.stringify(body);
      const headers = withGatewaySignature(options.signer, {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}) },
        body: payload,
      });
      const timeout = AbortSignal.timeout(options.timeoutMs);
      let status: number;
      let text: string;
      try {
        // undici's request, not fetch: the same pooled keep-alive connections for a fraction of
        // the CPU (no WHATWG Request/Response/streams per call), and placeOrder makes two reads.
        const reply = await request(url, { method: 'POST', headers, body: payload, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        status = reply.statusCode;
        text = await reply.body.text();
      } catch (error) {
        if (timeout.aborted) throw new InternalReadError(InternalReadErrorCodes.INTERNAL_READ_TIMEOUT, `${url} did not answer within ${options.timeoutMs} ms`);
        if (signal?.aborted) throw error;
        logger.warn({ err: error instanceof Error ? error.message : String(error), path }, 'internal read failed to connect');
        throw new InternalReadError(InternalReadErrorCodes.INTERNAL_READ_UNAVAILABLE, `${url} is unreachable`);
      }
      if (status < 200 || status > 299) {
        logger.warn({ status, path }, 'internal read refused');
        throw new InternalReadError(status >= 500 ? InternalReadErrorCodes.INTERNAL_READ_UNAVAILABLE : InternalReadErrorCodes.INTERNAL_READ_FAILED, `${url} answered ${status}`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new InternalReadError(InternalReadErrorCodes.INTERNAL_READ_FAILED, `${url} answered something that is not JSON`);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new InternalReadError(InternalReadErrorCodes.INTERNAL_READ_FAILED, `${url} answered an unexpected shape`);
      return parsed.data;
    },
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * A process' two ends of internal reads from its service settings: the signer its clients use and
 * the verifier its routes use (the shared signing secrets; development generates one, like the
 * gateway's).
 */
export function createServiceSigning(settings: Pick<ServiceSettings, 'nodeEnv' | 'gatewaySigning'>, logger: Logger): { signer: GatewaySigner; verifier: GatewaySignatureVerifier } {
  const secrets = gatewaySigningSecrets(settings, logger);
  return { signer: createGatewaySigner(secrets), verifier: createGatewaySignatureVerifier({ secrets, maxAgeSeconds: settings.gatewaySigning.maxAgeSeconds }) };
}
