import type { IncomingMessage } from 'node:http';
import type { AccessTokenVerifier } from '../platform/auth/access-token.ts';
import { baseRequestContext, type BaseRequestContext } from '../platform/graphql/request-context.ts';
import type { Logger } from '../platform/logging/logger.ts';
import { callerOf, type Caller } from './caller.ts';
import { createClientAddressResolver, type AddressRange } from './client-ip.ts';

/** The gateway resolves nothing itself: its context is what it forwards to subgraphs, and who calls. */
export interface GatewayContext extends BaseRequestContext {
  caller: Caller;
}

/**
 * Per request: verifies the bearer token (a present but bad one is refused with 401
 * UNAUTHENTICATED), keeps or makes the request id and binds it to a child logger. The client's
 * address is the socket's, or the one a trusted proxy saw (X-Forwarded-For, see client-ip.ts);
 * an x-client-ip a caller sends is ignored, since the gateway is the edge.
 */
export function gatewayContext(verifier: AccessTokenVerifier, logger: Logger, trustedProxies: readonly AddressRange[] = []) {
  const addresses = createClientAddressResolver(trustedProxies);
  return async (req: IncomingMessage): Promise<GatewayContext> => {
    const base = await baseRequestContext(req, verifier, logger, addresses.resolve(req.socket.remoteAddress, req.headers['x-forwarded-for']));
    return { ...base, caller: callerOf(base.viewer, base.clientIp) };
  };
}
