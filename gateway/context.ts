import type { IncomingMessage } from 'node:http';
import type { AccessTokenVerifier } from '../platform/auth/access-token.ts';
import { ErrorCodes } from '../platform/errors/codes.ts';
import { graphQLError } from '../platform/errors/graphql-errors.ts';
import { baseRequestContext, type BaseRequestContext } from '../platform/graphql/request-context.ts';
import type { Logger } from '../platform/logging/logger.ts';
import { callerOf, partnerCaller, type Caller } from './caller.ts';
import { createClientAddressResolver, type AddressRange } from './client-ip.ts';
import type { PartnerStore } from './partners/partner-store.ts';

/** The header a partner app sends its key in. */
export const API_KEY_HEADER = 'x-api-key';

/** The gateway resolves nothing itself: its context is what it forwards to subgraphs, and who calls. */
export interface GatewayContext extends BaseRequestContext {
  caller: Caller;
}

/**
 * Per request: verifies the bearer token (a present but bad one is refused with 401
 * UNAUTHENTICATED), keeps or makes the request id and binds it to a child logger. The client's
 * address is the socket's, or the one a trusted proxy saw (X-Forwarded-For, see client-ip.ts);
 * an x-client-ip a caller sends is ignored, since the gateway is the edge.
 *
 * A request with an `X-Api-Key` is a partner's: the key must resolve (partners/partner-store.ts)
 * or the request is refused with 401 INVALID_API_KEY before anything runs. It may not carry a
 * bearer token too (400 BAD_REQUEST): a partner app acts for itself, never for an account, and
 * choosing one credential silently would hide a client bug. Partner requests reach the subgraphs
 * without a viewer (public data only).
 */
export function gatewayContext(verifier: AccessTokenVerifier, logger: Logger, trustedProxies: readonly AddressRange[] = [], partners: PartnerStore | null = null) {
  const addresses = createClientAddressResolver(trustedProxies);
  return async (req: IncomingMessage): Promise<GatewayContext> => {
    const clientIp = addresses.resolve(req.socket.remoteAddress, req.headers['x-forwarded-for']);
    const apiKey = req.headers[API_KEY_HEADER];
    if (apiKey === undefined) {
      const base = await baseRequestContext(req, verifier, logger, clientIp);
      return { ...base, caller: callerOf(base.viewer, base.clientIp) };
    }
    if (req.headers.authorization !== undefined) {
      throw graphQLError(ErrorCodes.BAD_REQUEST, 'Send either an API key (X-Api-Key) or an access token (Authorization), not both.', 400);
    }
    const partner = await resolvePartner(partners, apiKey);
    const base = await baseRequestContext(req, verifier, logger, clientIp);
    return { ...base, logger: base.logger.child({ partnerAppId: partner.appId, apiKeyId: partner.keyId }), caller: partnerCaller(partner.appId) };
  };
}

async function resolvePartner(partners: PartnerStore | null, apiKey: string | string[]) {
  const invalid = () => graphQLError(ErrorCodes.INVALID_API_KEY, 'The API key is not valid (unknown, revoked or past its rotation overlap).', 401);
  // Several X-Api-Key headers arrive as one joined string or an array: neither is a key.
  if (typeof apiKey !== 'string' || partners === null) throw invalid();
  let partner;
  try {
    partner = await partners.resolveKey(apiKey);
  } catch {
    throw graphQLError(ErrorCodes.PARTNER_CHECK_UNAVAILABLE, 'Your API key cannot be checked right now; retry in a few seconds.', 503);
  }
  if (!partner) throw invalid();
  return partner;
}
