import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokenError, createAccessTokenVerifier, type AccessTokenVerifier } from '../platform/auth/access-token.ts';
import { createSessionRevocations, type SessionClaims, type SessionRevocations } from '../platform/auth/session-revocations.ts';
import { createLogger } from '../platform/logging/logger.ts';
import { closeRedis, createRedis, waitForRedis, type Redis } from '../platform/redis/redis.ts';
import { createTestTokenIssuer, type TestTokenIssuer } from '../platform/testing/access-tokens.ts';
import { testEnv, testRedisPrefix } from './support/test-env.ts';
import { waitFor } from './support/wait.ts';

/**
 * platform/auth/session-revocations.ts against the test Redis (here, because platform code and
 * its specs never import test/support): the list of ended sessions as several processes share
 * it, each "process" its own SessionRevocations on its own Redis connection, one key space per test.
 */

const logger = createLogger({ service: 'session-revocations-spec', level: 'silent', pretty: false });
const CHECK_INTERVAL_MS = 200;
const settings = { checkIntervalMs: CHECK_INTERVAL_MS, retentionSeconds: 3600 };
const connections: Redis[] = [];
let issuer: TestTokenIssuer;

beforeAll(async () => {
  issuer = await createTestTokenIssuer();
});
afterAll(async () => {
  for (const redis of connections) await closeRedis(redis);
});

async function connect(keyPrefix: string): Promise<Redis> {
  const redis = createRedis({ url: testEnv.REDIS_URL, keyPrefix }, logger);
  connections.push(redis);
  await waitForRedis(redis);
  return redis;
}

/** Two processes sharing one fresh key space: the users subgraph writing, another verifier reading. */
async function twoProcesses() {
  const keyPrefix = testRedisPrefix(`sessions-spec-${randomUUID().slice(0, 8)}`);
  const writerRedis = await connect(keyPrefix);
  const readerRedis = await connect(keyPrefix);
  return {
    writer: createSessionRevocations(writerRedis, settings, logger),
    reader: createSessionRevocations(readerRedis, settings, logger),
    writerRedis,
    readerRedis,
    keyPrefix,
  };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const claims = (overrides: Partial<SessionClaims> = {}): SessionClaims => ({
  sessionId: randomUUID(),
  userId: randomUUID(),
  vendorId: null,
  issuedAt: nowSeconds(),
  ...overrides,
});

/** How long a status took to become `expected`, failing past the deadline. */
async function timeUntil(revocations: SessionRevocations, of: SessionClaims, expected: string, timeoutMs = 3_000): Promise<number> {
  const started = Date.now();
  await waitFor(`status ${expected}`, async () => (await revocations.status(of)) === expected, { timeoutMs, intervalMs: 20 });
  return Date.now() - started;
}

async function outcome(verifier: AccessTokenVerifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
    return 'accepted';
  } catch (error) {
    if (error instanceof AccessTokenError) return error.reason;
    throw error;
  }
}

describe('ending sessions', () => {
  it('a log-out recorded by one process reaches another within the check interval, and only that session', async () => {
    const { writer, reader } = await twoProcesses();
    const ended = claims();
    const other = claims({ userId: ended.userId });
    expect(await reader.status(ended)).toBe('live');
    await writer.endSession(ended.sessionId);
    expect(await writer.status(ended)).toBe('ended');
    expect(await timeUntil(reader, ended, 'ended')).toBeLessThan(CHECK_INTERVAL_MS + 500);
    expect(await reader.status(other)).toBe('live');
  });

  it('a suspension ends every token the account was issued until then (and in the margin after), not later ones', async () => {
    const { writer, reader } = await twoProcesses();
    const userId = randomUUID();
    const at = new Date();
    const issuedAt = Math.floor(at.getTime() / 1000);
    expect(await reader.status(claims({ userId, issuedAt }))).toBe('live');
    await writer.endAccountSessions(userId, at);
    await timeUntil(reader, claims({ userId, issuedAt }), 'ended');
    expect(await reader.status(claims({ userId, issuedAt: issuedAt - 600 }))).toBe('ended');
    expect(await reader.status(claims({ userId, issuedAt: issuedAt + 1 }))).toBe('ended');
    expect(await reader.status(claims({ userId, issuedAt: issuedAt + 2 }))).toBe('live');
    expect(await reader.status(claims({ issuedAt }))).toBe('live');
  });

  it('a store suspension ends the tokens acting for that store, not its owner’s customer tokens', async () => {
    const { writer, reader } = await twoProcesses();
    const userId = randomUUID();
    const vendorId = randomUUID();
    await writer.endStoreSessions(vendorId, new Date());
    await timeUntil(reader, claims({ userId, vendorId }), 'ended');
    expect(await reader.status(claims({ userId, vendorId: null }))).toBe('live');
    expect(await reader.status(claims({ userId: randomUUID(), vendorId: randomUUID() }))).toBe('live');
  });

  it('makes the verifier refuse the ended tokens as revoked', async () => {
    const { writer, reader } = await twoProcesses();
    const verifier = createAccessTokenVerifier({ jwks: issuer.jwks }, { sessions: reader });
    const sid = randomUUID();
    const token = await issuer.sign({ role: 'CUSTOMER', sid });
    const otherToken = await issuer.sign({ role: 'CUSTOMER' });
    expect(await outcome(verifier, token)).toBe('accepted');
    await writer.endSession(sid);
    await waitFor('the token to be refused', async () => (await outcome(verifier, token)) === 'revoked', { timeoutMs: 3_000, intervalMs: 20 });
    expect(await outcome(verifier, otherToken)).toBe('accepted');
  });

  it('forgets a revocation once no token it ends could still be accepted', async () => {
    const keyPrefix = testRedisPrefix(`sessions-spec-${randomUUID().slice(0, 8)}`);
    const short = { checkIntervalMs: 100, retentionSeconds: 1 };
    const writer = createSessionRevocations(await connect(keyPrefix), short, logger);
    const reader = createSessionRevocations(await connect(keyPrefix), short, logger);
    const ended = claims();
    await writer.endSession(ended.sessionId);
    await timeUntil(reader, ended, 'ended');
    await timeUntil(reader, ended, 'live', 5_000);
    await timeUntil(writer, ended, 'live', 5_000);
  });
});

describe('when Redis cannot be read', () => {
  const deadRedis = () => {
    const redis = createRedis({ url: 'redis://127.0.0.1:6390', keyPrefix: 'nothing-listens:' }, logger);
    connections.push(redis);
    return redis;
  };

  it('never confirms a session, so privileged tokens are refused and customers pass', async () => {
    const revocations = createSessionRevocations(deadRedis(), settings, logger);
    const verifier = createAccessTokenVerifier({ jwks: issuer.jwks }, { sessions: revocations });
    expect(await revocations.status(claims())).toBe('unconfirmed');
    expect(await outcome(verifier, await issuer.sign({ role: 'CUSTOMER' }))).toBe('accepted');
    expect(await outcome(verifier, await issuer.sign({ role: 'ADMIN' }))).toBe('unconfirmed');
    expect(await outcome(verifier, await issuer.sign({ role: 'VENDOR', vid: randomUUID() }))).toBe('unconfirmed');
  });

  it('keeps refusing what it already knew; the rest becomes unconfirmed after a few intervals', async () => {
    const { writer, reader, readerRedis } = await twoProcesses();
    const verifier = createAccessTokenVerifier({ jwks: issuer.jwks }, { sessions: reader });
    const endedSid = randomUUID();
    const ended = await issuer.sign({ role: 'CUSTOMER', sid: endedSid });
    const admin = await issuer.sign({ role: 'ADMIN' });
    const customer = await issuer.sign({ role: 'CUSTOMER' });
    await writer.endSession(endedSid);
    await waitFor('the reader to learn the log-out', async () => (await outcome(verifier, ended)) === 'revoked', { timeoutMs: 3_000, intervalMs: 20 });
    expect(await outcome(verifier, admin)).toBe('accepted');

    readerRedis.disconnect();
    await waitFor('the admin token to wait for the list', async () => (await outcome(verifier, admin)) === 'unconfirmed', { timeoutMs: 5_000, intervalMs: 20 });
    expect(await outcome(verifier, ended)).toBe('revoked');
    expect(await outcome(verifier, customer)).toBe('accepted');
  });

  it('applies a revocation it could not write at once in its own process, and writes it when Redis is back', async () => {
    const { writer, reader, writerRedis, keyPrefix } = await twoProcesses();
    const ended = claims();
    expect(await reader.status(ended)).toBe('live');
    writerRedis.disconnect();
    await writer.endSession(ended.sessionId);
    expect(await writer.status(ended)).toBe('ended');
    // A later revocation by a healthy process reaches the reader; the stream is ordered, so the
    // reader has read past where the first would be, had it been written.
    const later = claims();
    await createSessionRevocations(await connect(keyPrefix), settings, logger).endSession(later.sessionId);
    await timeUntil(reader, later, 'ended');
    expect(await reader.status(ended)).toBe('live');

    await writerRedis.connect();
    await waitFor('the writer to send it', async () => (await writer.status(claims())) === 'live' && (await reader.status(ended)) === 'ended', {
      timeoutMs: 5_000,
      intervalMs: 20,
    });
  });
});
