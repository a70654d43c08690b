import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';

/**
 * Production mode refuses to start without real keys (JWT_PRIVATE_JWK, PII_ENCRYPTION_KEY); a
 * benchmark or image check running it locally gets keys nobody else has, made for that run.
 */
export function throwawayProductionSecrets(): Record<string, string> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'EdDSA', use: 'sig' };
  return { JWT_PRIVATE_JWK: JSON.stringify(jwk), PII_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
}
