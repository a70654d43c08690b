import { afterEach, describe, expect, it, vi } from 'vitest';
import { ok } from '../../../platform/errors/result.ts';
import { createLogger } from '../../../platform/logging/logger.ts';
import type { ReservationRepository } from '../infra/reservation.repository.ts';
import { createReservationSweeper, SWEEPER_ACTOR } from './reservation-sweeper.ts';

// The sweeper's timing, over a repository that records calls (releasing expired reservations for
// real is spec'd on the database in reservation.service.spec.ts).
function recordingRepository() {
  const calls: { expired: Date[]; released: { reference: string; command: string; actor: string; expiredBy?: Date }[] } = { expired: [], released: [] };
  const repository: Pick<ReservationRepository, 'expiredReferences' | 'apply'> = {
    expiredReferences: (now) => {
      calls.expired.push(now);
      return Promise.resolve(calls.expired.length === 1 ? ['order-1', 'order-2'] : []);
    },
    apply: (reference, command, actor, options) => {
      calls.released.push({ reference, command, actor, expiredBy: options?.expiredBy });
      const reservation = { id: reference, reference, status: 'RELEASED' as const, expiresAt: new Date(0), lines: [], allocations: [] };
      return Promise.resolve(ok({ reservation, from: 'ACTIVE' as const, changed: true }));
    },
  };
  return { calls, repository: repository as unknown as ReservationRepository };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the reservation sweeper', () => {
  it('releases what expired by the clock, as itself, guarded by that time', async () => {
    const { calls, repository } = recordingRepository();
    const now = new Date('2026-01-01T00:00:00Z');
    const sweeper = createReservationSweeper({ reservations: repository, clock: () => now, logger: createLogger({ service: 'spec', level: 'silent', pretty: false }) });
    expect(await sweeper.sweep()).toBe(2);
    expect(calls.released).toEqual([
      { reference: 'order-1', command: 'expire', actor: SWEEPER_ACTOR, expiredBy: now },
      { reference: 'order-2', command: 'expire', actor: SWEEPER_ACTOR, expiredBy: now },
    ]);
  });

  it('sweeps every interval once started, and never again once stopped', async () => {
    vi.useFakeTimers();
    const { calls, repository } = recordingRepository();
    const sweeper = createReservationSweeper({ reservations: repository, clock: () => new Date(), logger: createLogger({ service: 'spec', level: 'silent', pretty: false }) });
    sweeper.start(1_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls.expired).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.expired).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls.expired).toHaveLength(3);
    await sweeper.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.expired).toHaveLength(3);
  });
});
