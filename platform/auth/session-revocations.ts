import { withTimeout } from '../lifecycle/with-timeout.ts';
import type { Logger } from '../logging/logger.ts';
import { closeRedis, createRedis, type Redis, type RedisSettings } from '../redis/redis.ts';

/** What a verified access token says about the session it belongs to. */
export interface SessionClaims {
  /** `sid`: the refresh-token family the token was issued from. */
  sessionId: string;
  userId: string;
  /** `vid`: the store a VENDOR token acts for. */
  vendorId: string | null;
  /** `iat`, in epoch seconds. */
  issuedAt: number;
}

/**
 * - `live`: nothing ended the session, and the revocation list is current;
 * - `ended`: a log-out, a refresh-token reuse or a suspension ended it;
 * - `unconfirmed`: nothing this process knows of ended it, but the list could not be read lately.
 */
export type SessionStatus = 'live' | 'ended' | 'unconfirmed';

/** What a verifier asks after a token's signature and claims check out. */
export interface SessionCheck {
  status(claims: SessionClaims): Promise<SessionStatus>;
}

/** What the users subgraph records when it ends sessions; verifiers everywhere refuse the tokens within a check interval. */
export interface SessionRevoker {
  /** Log-out or refresh-token reuse: every access token carrying this `sid`. */
  endSession(sessionId: string): Promise<void>;
  /** Account suspension: every token of the account issued until `at`. */
  endAccountSessions(userId: string, at: Date): Promise<void>;
  /** Store suspension: every token acting for the store (its `vid`) issued until `at`. */
  endStoreSessions(vendorId: string, at: Date): Promise<void>;
}

export interface SessionRevocations extends SessionCheck, SessionRevoker {}

export interface SessionRevocationSettings {
  /** How often the list is re-read: the longest a revocation takes to reach this process. */
  checkIntervalMs: number;
  /** How long a revocation is kept: longer than any token it ends could still be accepted. */
  retentionSeconds: number;
}

export interface OpenSessionRevocationSettings extends SessionRevocationSettings {
  /** Its own connection, because the key space is shared by every process of a deployment. */
  redis: RedisSettings;
}

/** One Redis stream holds every revocation, in the order Redis received them (Redis 6.2 or newer: MINID, exclusive XRANGE). */
const STREAM = 'revocations';
const READ_BATCH = 1_000;
/** A read that has not answered by then counts as failed, so a hung Redis cannot hold requests. */
const READ_TIMEOUT_MS = 1_000;
/** After this many intervals without a successful read the list no longer counts as current. */
const STALE_AFTER_INTERVALS = 3;
/**
 * An account or store revocation also covers tokens issued up to this long after it (whole
 * seconds, as `iat` counts): a refresh that read the account just before the suspension committed
 * may sign its token just after.
 */
const RACE_MARGIN_SECONDS = 1;

type Revocation = { kind: 'session'; id: string } | { kind: 'account' | 'store'; id: string; before: number };

interface Cutoff {
  /** Tokens with an `iat` below this are refused. */
  before: number;
  forgetAt: number;
}

function fieldsOf(revocation: Revocation): string[] {
  return revocation.kind === 'session'
    ? ['kind', revocation.kind, 'id', revocation.id]
    : ['kind', revocation.kind, 'id', revocation.id, 'before', String(revocation.before)];
}

function parse(fields: string[]): Revocation | null {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i] ?? '', fields[i + 1] ?? '');
  const kind = values.get('kind');
  const id = values.get('id');
  if (!id) return null;
  if (kind === 'session') return { kind, id };
  const before = Number(values.get('before'));
  if ((kind === 'account' || kind === 'store') && Number.isSafeInteger(before)) return { kind, id, before };
  return null;
}

/** `1718000000000-3` → 1718000000000: Redis names stream entries by its clock. */
const entryTime = (id: string) => Number(id.split('-')[0]);

/**
 * The list of ended sessions, shared through Redis by every process. Each process keeps the whole
 * list in memory (it is short: only what ended within `retentionSeconds`) and reads what is new
 * at most once per `checkIntervalMs`, when a token is checked after that interval has passed; so
 * a check costs a map lookup, plus one Redis round trip per process per interval.
 *
 * Records are applied in this process at once and appended to the stream; when Redis refuses the
 * append they are kept and appended again at the next read. While Redis cannot be read, what this
 * process already knows stays refused, and anything else is `unconfirmed` once the list is
 * `STALE_AFTER_INTERVALS` intervals old (the verifier decides what that means for the token).
 */
export function createSessionRevocations(redis: Redis, settings: SessionRevocationSettings, logger: Logger): SessionRevocations {
  const log = logger.child({ component: 'session-revocations' });
  const retentionMs = settings.retentionSeconds * 1000;
  const sessions = new Map<string, number>();
  const accounts = new Map<string, Cutoff>();
  const stores = new Map<string, Cutoff>();
  const unsent: { fields: string[]; recordedAt: number }[] = [];
  let lastEntryId = `${Date.now() - retentionMs}-0`;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let lastReadAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | null = null;
  let sending: Promise<void> | null = null;
  let degraded = false;

  const unavailable = (error: unknown, operation: string) => {
    if (degraded) return;
    degraded = true;
    log.warn(
      { err: error instanceof Error ? error.message : String(error), operation },
      'session revocations unavailable in Redis; known ones stay refused, privileged tokens wait for the list',
    );
  };

  function apply(revocation: Revocation, forgetAt: number): void {
    if (revocation.kind === 'session') {
      sessions.set(revocation.id, Math.max(forgetAt, sessions.get(revocation.id) ?? 0));
      return;
    }
    const cutoffs = revocation.kind === 'account' ? accounts : stores;
    const known = cutoffs.get(revocation.id);
    cutoffs.set(revocation.id, {
      before: Math.max(revocation.before, known?.before ?? 0),
      forgetAt: Math.max(forgetAt, known?.forgetAt ?? 0),
    });
  }

  function forgetExpired(now: number): void {
    for (const [id, forgetAt] of sessions) if (forgetAt <= now) sessions.delete(id);
    for (const cutoffs of [accounts, stores]) for (const [id, cutoff] of cutoffs) if (cutoff.forgetAt <= now) cutoffs.delete(id);
  }

  async function sendUnsent(): Promise<void> {
    while (unsent.length > 0) {
      const [next] = unsent;
      if (!next) return;
      // Past the retention it could no longer refuse any token.
      if (Date.now() - next.recordedAt < retentionMs) {
        await redis.xadd(STREAM, 'MINID', '~', String(Date.now() - retentionMs), '*', ...next.fields);
      }
      unsent.shift();
    }
  }

  async function send(): Promise<void> {
    // One append loop at a time; a record pushed just as it ended gets another round.
    while (unsent.length > 0) await (sending ??= sendUnsent().finally(() => (sending = null)));
  }

  async function readNew(): Promise<void> {
    // What could not be written is retried first, but reading does not wait on it succeeding.
    await send().catch((error: unknown) => unavailable(error, 'write'));
    for (;;) {
      const entries = await redis.xrange(STREAM, `(${lastEntryId}`, '+', 'COUNT', READ_BATCH);
      for (const [id, fields] of entries) {
        const revocation = parse(fields);
        if (revocation) apply(revocation, entryTime(id) + retentionMs);
        lastEntryId = id;
      }
      if (entries.length < READ_BATCH) return;
    }
  }

  async function readIfDue(now: number): Promise<void> {
    if (now - lastAttemptAt < settings.checkIntervalMs) return;
    lastAttemptAt = now;
    reading ??= (async () => {
      try {
        await withTimeout(readNew(), READ_TIMEOUT_MS, 'reading session revocations');
        lastReadAt = now;
        forgetExpired(now);
        if (degraded) {
          degraded = false;
          log.info('session revocations available again');
        }
      } catch (error) {
        unavailable(error, 'read');
      } finally {
        reading = null;
      }
    })();
    await reading;
  }

  async function record(revocation: Revocation): Promise<void> {
    const now = Date.now();
    apply(revocation, now + retentionMs);
    unsent.push({ fields: fieldsOf(revocation), recordedAt: now });
    try {
      await send();
    } catch (error) {
      unavailable(error, 'write');
    }
  }

  // Whole seconds, because `iat` is: the second of `at` and the margin after it are covered.
  const cutoffAfter = (at: Date) => Math.floor(at.getTime() / 1000) + 1 + RACE_MARGIN_SECONDS;

  return {
    async status(claims) {
      const now = Date.now();
      await readIfDue(now);
      if (sessions.has(claims.sessionId)) return 'ended';
      if (claims.issuedAt < (accounts.get(claims.userId)?.before ?? 0)) return 'ended';
      if (claims.vendorId && claims.issuedAt < (stores.get(claims.vendorId)?.before ?? 0)) return 'ended';
      return now - lastReadAt > STALE_AFTER_INTERVALS * settings.checkIntervalMs ? 'unconfirmed' : 'live';
    },
    endSession: (sessionId) => record({ kind: 'session', id: sessionId }),
    endAccountSessions: (userId, at) => record({ kind: 'account', id: userId, before: cutoffAfter(at) }),
    endStoreSessions: (vendorId, at) => record({ kind: 'store', id: vendorId, before: cutoffAfter(at) }),
  };
}

/** The revocation list on its own Redis connection (closed by `close`), as every process wires it. */
export function openSessionRevocations(settings: OpenSessionRevocationSettings, logger: Logger): SessionRevocations & { close(): Promise<void> } {
  const redis = createRedis(settings.redis, logger);
  return { ...createSessionRevocations(redis, settings, logger), close: () => closeRedis(redis) };
}
