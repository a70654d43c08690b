import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { newGatewaySigningSecret } from '../../platform/graphql/gateway-signature.ts';

/**
 * Production mode refuses to start without real keys (JWT_PRIVATE_JWK, PII_ENCRYPTION_KEY for
 * users, GATEWAY_SIGNING_SECRETS for every service); a benchmark or image check running it
 * locally gets keys nobody else has, made for that run. Every process gets all of them.
 */
export function throwawayProductionSecrets(): { JWT_PRIVATE_JWK: string; PII_ENCRYPTION_KEY: string; GATEWAY_SIGNING_SECRETS: string; PAYMENT_WEBHOOK_SECRET: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'EdDSA', use: 'sig' };
  return {
    JWT_PRIVATE_JWK: JSON.stringify(jwk),
    PII_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    GATEWAY_SIGNING_SECRETS: newGatewaySigningSecret(),
    // payments refuses to start in production without its provider's webhook secret.
    PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
  };
}
