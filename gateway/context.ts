import type { IncomingMessage } from 'node:http';
import type { AccessTokenVerifier } from '../platform/auth/access-token.ts';
import { baseRequestContext, type BaseRequestContext } from '../platform/graphql/request-context.ts';
import type { Logger } from '../platform/logging/logger.ts';

/** The gateway resolves nothing itself: its context is what it forwards to subgraphs. */
export type GatewayContext = BaseRequestContext;

/**
 * Per request: verifies the bearer token (a present but bad one is refused with 401
 * UNAUTHENTICATED), keeps or makes the request id and binds it to a child logger. The gateway is
 * the edge, so the client's address is the socket's; any x-client-ip a caller sends is ignored.
 */
export function gatewayContext(verifier: AccessTokenVerifier, logger: Logger) {
  return (req: IncomingMessage): Promise<GatewayContext> =>
    baseRequestContext(req, verifier, logger, req.socket.remoteAddress ?? 'unknown');
}
