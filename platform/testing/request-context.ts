import { randomUUID } from 'node:crypto';
import type { Viewer } from '../auth/viewer.ts';
import type { BaseRequestContext } from '../graphql/request-context.ts';
import type { Logger } from '../logging/logger.ts';

/** A request as a subgraph sees it after the gateway, for harnesses: a fresh id bound to the logger, no token. */
export function testRequestContext(logger: Logger, viewer: Viewer | null = null, options: { clientIp?: string } = {}): BaseRequestContext {
  const requestId = randomUUID();
  return { requestId, logger: logger.child({ requestId }), viewer, accessToken: null, clientIp: options.clientIp ?? '127.0.0.1' };
}
