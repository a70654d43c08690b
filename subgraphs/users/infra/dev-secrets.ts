import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { createExclusive } from '../../../platform/config/dev-secret-file.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import type { UsersConfig } from '../config.ts';

export const DEV_SIGNING_KEY_FILE = 'jwt-signing-key.json';
export const DEV_PII_KEY_FILE = 'pii-encryption-key';

/** The private Ed25519 JWK the subgraph signs access tokens with (always carries kid and alg). */
export type SigningJwk = JWK & { kty: 'OKP'; crv: 'Ed25519'; x: string; d: string; kid: string; alg: 'EdDSA' };

export interface UsersSecrets {
  signingKey: SigningJwk;
  piiKey: Buffer;
}

/** A fresh Ed25519 signing key, its kid the key's thumbprint. */
export async function newSigningKey(): Promise<SigningJwk> {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string; d: string };
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x });
  return { ...jwk, kid, alg: 'EdDSA' };
}

function asSigningJwk(jwk: JWK, source: string): SigningJwk {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x || !jwk.d || !jwk.kid) {
    throw new Error(`${source} is not a private Ed25519 JWK with a kid`);
  }
  return { ...jwk, kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d, kid: jwk.kid, alg: 'EdDSA' };
}

/**
 * The signing and PII keys: from config when set (always in production, enforced by config.ts),
 * else generated once into DEV_SECRETS_DIR (mode 0600, git-ignored) and reused on every later
 * start, so dev tokens and encrypted rows survive restarts.
 */
export async function resolveUsersSecrets(config: UsersConfig, logger: Logger): Promise<UsersSecrets> {
  const log = logger.child({ component: 'dev-secrets' });
  const { jwtPrivateJwk, piiEncryptionKey, devSecretsDir } = config.secrets;
  if (jwtPrivateJwk && piiEncryptionKey) {
    return { signingKey: asSigningJwk(jwtPrivateJwk, 'JWT_PRIVATE_JWK'), piiKey: piiEncryptionKey };
  }
  if (config.nodeEnv === 'production') throw new Error('production needs JWT_PRIVATE_JWK and PII_ENCRYPTION_KEY');
  mkdirSync(devSecretsDir, { recursive: true, mode: 0o700 });

  let signingKey: SigningJwk;
  if (jwtPrivateJwk) {
    signingKey = asSigningJwk(jwtPrivateJwk, 'JWT_PRIVATE_JWK');
  } else {
    const file = path.join(devSecretsDir, DEV_SIGNING_KEY_FILE);
    if (createExclusive(file, `${JSON.stringify(await newSigningKey(), null, 2)}\n`)) {
      log.warn({ file }, 'generated a development JWT signing key; set JWT_PRIVATE_JWK in production');
    }
    signingKey = asSigningJwk(JSON.parse(readFileSync(file, 'utf8')) as JWK, file);
  }

  let piiKey: Buffer;
  if (piiEncryptionKey) {
    piiKey = piiEncryptionKey;
  } else {
    const file = path.join(devSecretsDir, DEV_PII_KEY_FILE);
    if (createExclusive(file, `${randomBytes(32).toString('base64')}\n`)) {
      log.warn({ file }, 'generated a development PII encryption key; set PII_ENCRYPTION_KEY in production');
    }
    piiKey = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (piiKey.length !== 32) throw new Error(`${file} does not hold base64 of 32 bytes`);
  }
  return { signingKey, piiKey };
}
