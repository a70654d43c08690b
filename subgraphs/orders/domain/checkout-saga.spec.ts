import { describe, expect, it } from 'vitest';
import { CHECKOUT_SAGA, decideReply, decideTimeout, SagaReplies } from './checkout-saga.ts';
import { orderProcess, OrderStatuses } from './order.process.ts';

describe('the checkout saga table', () => {
  it('has a step for every reply, each a move the order table allows', () => {
    expect(Object.keys(CHECKOUT_SAGA).sort()).toEqual([...SagaReplies].sort());
    for (const step of Object.values(CHECKOUT_SAGA)) if (step.to) expect(orderProcess.canMove(step.when, step.to)).toBe(true);
  });

  it.each([
    ['inventory.stock_reserved', 'PENDING', 'STOCK_RESERVED', ['payments.authorize']],
    ['inventory.reservation_failed', 'PENDING', 'CANCELLED', []],
    ['payment.authorized', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED', ['inventory.commit']],
    ['payment.declined', 'STOCK_RESERVED', 'CANCELLED', ['inventory.release']],
    ['inventory.stock_committed', 'PAYMENT_AUTHORIZED', null, ['payments.capture']],
    ['inventory.commit_failed', 'PAYMENT_AUTHORIZED', 'CANCELLED', ['payments.cancel', 'inventory.release']],
    ['payment.captured', 'PAYMENT_AUTHORIZED', 'CONFIRMED', []],
    ['payment.capture_failed', 'PAYMENT_AUTHORIZED', 'CANCELLED', ['inventory.release', 'payments.cancel']],
  ] as const)('%s in %s → %s, sending %j', (reply, when, to, send) => {
    const decision = decideReply(reply, when, false);
    expect(decision).toMatchObject({ kind: 'advance', step: { to, send } });
  });

  it.each([
    ['inventory.stock_reserved', ['inventory.release']],
    ['payment.authorized', ['payments.cancel']],
    ['inventory.stock_committed', ['inventory.release']],
    ['payment.captured', ['payments.cancel']],
  ] as const)('a late %s for a cancelled or refunded order gives back what it holds: %j', (reply, send) => {
    expect(decideReply(reply, 'CANCELLED', false)).toEqual({ kind: 'late', send });
    expect(decideReply(reply, 'REFUNDED', true)).toEqual({ kind: 'late', send });
  });

  it('ignores a reply in any other status (a duplicate or an out-of-date one)', () => {
    for (const reply of SagaReplies) {
      for (const status of OrderStatuses) {
        if (status === CHECKOUT_SAGA[reply].when || status === 'CANCELLED' || status === 'REFUNDED') continue;
        expect(decideReply(reply, status, false)).toEqual({ kind: 'ignore' });
      }
    }
    expect(decideReply('inventory.stock_committed', 'PAYMENT_AUTHORIZED', true)).toEqual({ kind: 'ignore' });
  });

  it('times out every pre-confirmation step with both compensations, except the wait for a capture reply', () => {
    for (const status of ['PENDING', 'STOCK_RESERVED', 'PAYMENT_AUTHORIZED'] as const) {
      expect(decideTimeout(status, false)).toEqual({ kind: 'cancel', send: ['inventory.release', 'payments.cancel'] });
    }
    expect(decideTimeout('PAYMENT_AUTHORIZED', true)).toEqual({ kind: 'retry-capture' });
    for (const status of ['CONFIRMED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED'] as const) expect(decideTimeout(status, false)).toEqual({ kind: 'ignore' });
  });
});
