import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../platform/logging/logger.ts';
import { loadUsersConfig } from '../config.ts';
import { DEV_PII_KEY_FILE, DEV_SIGNING_KEY_FILE, resolveUsersSecrets } from './dev-secrets.ts';

const logger = createLogger({ service: 'test', level: 'silent', pretty: false });
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'users-secrets-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('dev secrets', () => {
  it('generates a private EdDSA JWK and a 32-byte PII key once (mode 0600), then reuses them', async () => {
    const dir = tempDir();
    const config = loadUsersConfig({ DEV_SECRETS_DIR: dir });
    const first = await resolveUsersSecrets(config, logger);
    const keyFile = path.join(dir, DEV_SIGNING_KEY_FILE);
    const piiFile = path.join(dir, DEV_PII_KEY_FILE);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(piiFile).mode & 0o777).toBe(0o600);
    const jwk = JSON.parse(readFileSync(keyFile, 'utf8')) as Record<string, string>;
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: expect.any(String), d: expect.any(String) });
    expect(first.piiKey).toHaveLength(32);

    const second = await resolveUsersSecrets(config, logger);
    expect(second.signingKey).toEqual(first.signingKey);
    expect(second.piiKey.equals(first.piiKey)).toBe(true);
  });

  it('lets concurrent first starts agree on one key', async () => {
    const config = loadUsersConfig({ DEV_SECRETS_DIR: tempDir() });
    const results = await Promise.all(Array.from({ length: 5 }, () => resolveUsersSecrets(config, logger)));
    expect(new Set(results.map((result) => result.signingKey.kid)).size).toBe(1);
  });

  it('uses configured keys instead of files', async () => {
    const dir = tempDir();
    const jwk = { ...generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }), kid: 'prod-1' };
    const piiKey = Buffer.alloc(32, 7).toString('base64');
    const secrets = await resolveUsersSecrets(
      loadUsersConfig({ DEV_SECRETS_DIR: dir, JWT_PRIVATE_JWK: JSON.stringify(jwk), PII_ENCRYPTION_KEY: piiKey }),
      logger,
    );
    expect(secrets.signingKey.kid).toBe('prod-1');
    expect(secrets.piiKey.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(() => statSync(path.join(dir, DEV_SIGNING_KEY_FILE))).toThrow();
  });
});
