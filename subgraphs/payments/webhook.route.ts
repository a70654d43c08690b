import { z } from 'zod';
import { readBody, sendJson, type RouteHandler } from '../../platform/http/http-server.ts';
import type { Logger } from '../../platform/logging/logger.ts';
import type { Clock } from './application/clock.ts';
import type { PaymentService } from './application/payment.service.ts';
import { PaymentsErrorCodes } from './domain/error-codes.ts';
import { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from './infra/webhook-signature.ts';

/** Provider events are small; anything larger is not one. */
const MAX_WEBHOOK_BYTES = 16 * 1024;

const eventSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  created: z.number().int(),
  data: z.record(z.string(), z.unknown()),
});

const SIGNATURE_CODES = {
  MISSING: PaymentsErrorCodes.PAYMENT_WEBHOOK_SIGNATURE_MISSING,
  INVALID: PaymentsErrorCodes.PAYMENT_WEBHOOK_SIGNATURE_INVALID,
  OUT_OF_RANGE: PaymentsErrorCodes.PAYMENT_WEBHOOK_TIMESTAMP_OUT_OF_RANGE,
} as const;

/**
 * POST /webhooks/provider on the public listener (the network calls it, not the gateway, so it
 * carries no gateway signature: its own HMAC is the check). 401 for a missing, wrong or stale
 * signature; 400 for a signed body that is no event; 409 for an event id seen before (replay);
 * 200 once the event is applied (or known and ignored). Codes are JSON `{ code }`.
 */
export function providerWebhookRoute(deps: { secret: string; toleranceSeconds: number; payments: PaymentService; logger: Logger; clock: Clock }): RouteHandler {
  const log = deps.logger.child({ component: 'provider-webhook' });
  return async (req, res) => {
    if (req.method !== 'POST') {
      sendJson(res, 405, { code: 'METHOD_NOT_ALLOWED' }, { allow: 'POST' });
      return;
    }
    const body = await readBody(req, MAX_WEBHOOK_BYTES);
    if (body === null) {
      sendJson(res, 413, { code: 'REQUEST_TOO_LARGE' });
      return;
    }
    const header = req.headers[WEBHOOK_SIGNATURE_HEADER];
    const check = verifyWebhookSignature(deps.secret, Array.isArray(header) ? header[0] : header, body, Math.floor(deps.clock().getTime() / 1000), deps.toleranceSeconds);
    if (!check.ok) {
      log.warn({ problem: check.problem, remoteAddress: req.socket.remoteAddress }, 'refused a provider webhook');
      sendJson(res, 401, { code: SIGNATURE_CODES[check.problem] });
      return;
    }
    let event: z.infer<typeof eventSchema>;
    try {
      event = eventSchema.parse(JSON.parse(body.toString('utf8')));
    } catch {
      sendJson(res, 400, { code: PaymentsErrorCodes.PAYMENT_WEBHOOK_PAYLOAD_INVALID });
      return;
    }
    const outcome = await deps.payments.applyProviderEvent(event, log);
    if (outcome === 'replayed') {
      sendJson(res, 409, { code: PaymentsErrorCodes.PAYMENT_WEBHOOK_REPLAYED });
      return;
    }
    sendJson(res, 200, { received: true, outcome });
  };
}
