import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { GraphQLError } from 'graphql';
import { AccessTokenError, bearerToken, type AccessTokenVerifier } from '../auth/access-token.ts';
import type { Viewer } from '../auth/viewer.ts';
import { ErrorCodes } from '../errors/codes.ts';
import { graphQLError, invalidToken } from '../errors/graphql-errors.ts';
import type { Logger } from '../logging/logger.ts';

export const REQUEST_ID_HEADER = 'x-request-id';
/**
 * The end client's address as the gateway saw it; used only for rate limiting, never for identity.
 * Subgraphs read it only from requests the gateway signed (gateway-signature.ts covers it).
 */
export const CLIENT_IP_HEADER = 'x-client-ip';

/** What every resolver gets first, in every process. Subgraphs extend it with their loaders. */
export interface BaseRequestContext {
  requestId: string;
  logger: Logger;
  viewer: Viewer | null;
  /** The caller's raw bearer token, so it can be forwarded (never logged). */
  accessToken: string | null;
  clientIp: string;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's request id when it is sane, so one id follows a request across services. */
export function requestIdFrom(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** What the client is told, and so what it should do: refresh, sign in again, or retry shortly. */
function refusedToken(error: AccessTokenError): GraphQLError {
  switch (error.reason) {
    case 'expired':
      return invalidToken('Your access token has expired; refresh it and retry.');
    case 'revoked':
      return invalidToken('Your session has ended (signed out, suspended or closed for safety); sign in again.');
    case 'unconfirmed':
      return graphQLError(ErrorCodes.SESSION_CHECK_UNAVAILABLE, 'Your session cannot be checked right now; retry in a few seconds.', 503);
    case 'invalid':
      return invalidToken('Your access token is not valid.');
  }
}

/**
 * Verifies the bearer token (if any) and builds the base context. A present but bad token is
 * refused outright: clients should refresh, not be silently treated as anonymous.
 */
export async function baseRequestContext(
  req: IncomingMessage,
  verifier: AccessTokenVerifier,
  logger: Logger,
  clientIp: string,
): Promise<BaseRequestContext> {
  const requestId = requestIdFrom(req);
  const log = logger.child({ requestId });
  let accessToken: string | null;
  let viewer: Viewer | null = null;
  try {
    accessToken = bearerToken(req.headers.authorization);
    if (accessToken) viewer = await verifier.verify(accessToken);
  } catch (error) {
    if (error instanceof AccessTokenError) throw refusedToken(error);
    throw error;
  }
  return { requestId, logger: viewer ? log.child({ userId: viewer.userId }) : log, viewer, accessToken, clientIp };
}
