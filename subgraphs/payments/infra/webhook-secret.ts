import { randomBytes } from 'node:crypto';
import { readOrCreateDevSecret } from '../../../platform/config/dev-secret-file.ts';
import type { Logger } from '../../../platform/logging/logger.ts';

export const DEV_WEBHOOK_SECRET_FILE = 'payment-webhook-secret';

/**
 * The provider's webhook signing secret: PAYMENT_WEBHOOK_SECRET, or outside production one
 * generated once into the development secrets directory (shared by every process of a checkout,
 * and by the simulated network that signs the events).
 */
export function paymentWebhookSecret(settings: { secret: string | null; nodeEnv: string; devSecretsDir: string }, logger: Logger): string {
  if (settings.secret) return settings.secret;
  if (settings.nodeEnv === 'production') throw new Error('production needs PAYMENT_WEBHOOK_SECRET');
  const secret = readOrCreateDevSecret(settings.devSecretsDir, DEV_WEBHOOK_SECRET_FILE, () => randomBytes(32).toString('base64url'));
  if (secret.created) logger.warn({ file: secret.file }, 'generated a development payment webhook secret; set PAYMENT_WEBHOOK_SECRET in production');
  return secret.value;
}
