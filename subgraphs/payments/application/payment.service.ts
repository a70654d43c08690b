import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import {
  paymentAuthorizedV1,
  paymentCancelledV1,
  paymentCapturedV1,
  paymentCaptureFailedV1,
  paymentDeclinedV1,
  paymentRefundedV1,
  paymentRefundFailedV1,
  type authorizePaymentV1,
} from '../../../contracts/payments.ts';
import type { PayloadOf } from '../../../contracts/envelope.ts';
import { valueOrThrow } from '../../../platform/errors/graphql-errors.ts';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { outboxEntry, writeOutbox } from '../../../platform/messaging/outbox.ts';
import type { SqlClient } from '../../../platform/messaging/sql.ts';
import { money } from '../../../platform/money/money.ts';
import { canLookUpPayments, canOperatePayments, canReadPayment } from '../domain/access.ts';
import { PaymentsErrorCodes } from '../domain/error-codes.ts';
import { captureEntries, refundEntries, sharesFit, type VendorShare } from '../domain/ledger.ts';
import { validateCapture, validateRefund, type CaptureRequest, type Payment, type RefundRequest } from '../domain/payment.ts';
import { statusAfterRefund } from '../domain/payment.process.ts';
import type { NewPayment, PaymentPatch, PaymentRepository, StartedAuthorization, StoredPayment, StoredRefund } from '../infra/payment.repository.ts';
import { ProviderTimeoutError, type PaymentProvider } from './payment-provider.ts';
import type { PaymentsScope } from './scope.ts';

/** What a saga step needs besides its transaction: the message's correlation id and a logger. */
export interface SagaContext {
  correlationId: string;
  logger: Logger;
}

export type AuthorizeCommand = PayloadOf<typeof authorizePaymentV1>;

/** A provider event as the webhook received it (already signature-checked). */
export interface ProviderEvent {
  id: string;
  type: string;
  data: { authorizationKey?: unknown; refundId?: unknown; amount?: unknown };
}

export type ProviderEventOutcome = 'applied' | 'ignored' | 'replayed';

/**
 * Money movements. The saga's steps (`authorize`, `capture`, `cancel`, `refund`) run inside the
 * consumer's inbox transaction `tx` and answer through the outbox in it. The admin's
 * `capturePayment`/`refundPayment` share the same steps in a transaction of their own.
 *
 * The rule for every step: the network is never asked inside a transaction of ours. What is
 * about to happen is committed first (the AUTHORIZING payment, the PENDING refund, the order's
 * cancellation), then the network is asked with an idempotency key derived from the order (or
 * refund), then the outcome is recorded with its outbox row under the payment's row lock. A crash
 * in between is repaired by the redelivered command asking again: the network answers the same.
 */
export interface PaymentService {
  authorize(tx: SqlClient, command: AuthorizeCommand, saga: SagaContext): Promise<void>;
  capture(tx: SqlClient, orderId: string, saga: SagaContext): Promise<void>;
  cancel(tx: SqlClient, orderId: string, reason: string, saga: SagaContext): Promise<void>;
  refund(tx: SqlClient, command: { orderId: string; refundId: string; amount: { amount: number; currency: string }; reason: string }, saga: SagaContext): Promise<void>;
  /** Admins only (thrown otherwise). */
  capturePayment(scope: PaymentsScope, input: CaptureRequest): Promise<Result<Payment>>;
  /** Admins only (thrown otherwise). */
  refundPayment(scope: PaymentsScope, input: RefundRequest): Promise<Result<Payment>>;
  /** The customer who pays, a vendor with a share, admins (thrown otherwise); null when there is none. */
  paymentForOrder(scope: PaymentsScope, orderId: string): Promise<Payment | null>;
  /** A signed provider event (webhook): applied at most once per event id. */
  applyProviderEvent(event: ProviderEvent, logger: Logger): Promise<ProviderEventOutcome>;
}

export interface PaymentServiceDeps {
  payments: PaymentRepository;
  provider: PaymentProvider;
  /** The platform's commission in basis points of each vendor share. */
  commissionBps: number;
  /** After a commit that wrote to the outbox outside a consumer (the relay publishes sooner). */
  nudgeRelay?: () => void;
}

/** A stable UUID for a string (refund ids of admin requests and of cancellations). */
function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

const DECLINE_REASONS = ['CARD_DECLINED', 'INSUFFICIENT_FUNDS', 'INVALID_PAYMENT_METHOD', 'PROVIDER_UNAVAILABLE', 'PAYMENT_TIMED_OUT'] as const;

const CAPTURED_STATES = new Set(['CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED']);

type AuthorizeResult =
  | { kind: 'AUTHORIZED'; authorizationId: string; last4: string; brand: string }
  | { kind: 'DECLINED'; reason: PayloadOf<typeof paymentDeclinedV1>['reason']; authorizationId: string | null };

type CaptureAttempt = { kind: 'captured' } | { kind: 'expired' } | { kind: 'refused' };
type CaptureRecord =
  | { kind: 'captured'; payment: StoredPayment }
  | { kind: 'already'; payment: StoredPayment }
  | { kind: 'not-authorized'; payment: StoredPayment }
  | { kind: 'expired'; payment: StoredPayment }
  | { kind: 'refused'; payment: StoredPayment };

type RefundRecord = { kind: 'refunded'; payment: StoredPayment; refund: StoredRefund; fresh: boolean } | { kind: 'refused'; refund: StoredRefund };

const notFound = () => fail(userError(PaymentsErrorCodes.PAYMENT_NOT_FOUND, 'No payment exists for this order.', ['input', 'orderId']));
const keyReused = () =>
  fail(userError(PaymentsErrorCodes.PAYMENT_IDEMPOTENCY_KEY_REUSED, 'This idempotency key was already used for a different payment request.', ['input', 'idempotencyKey']));
const unavailable = () => fail(userError(PaymentsErrorCodes.PAYMENT_PROVIDER_UNAVAILABLE, 'The card network did not answer; retry with the same idempotency key.'));
const refusedByNetwork = () => fail(userError(PaymentsErrorCodes.PAYMENT_PROVIDER_REFUSED, 'The card network refused this request.'));

export function createPaymentService(deps: PaymentServiceDeps): PaymentService {
  const { payments, provider } = deps;
  const nudge = () => deps.nudgeRelay?.();

  /**
   * The attempts of the authorize commands handled together (an inbox batch starts its handlers in
   * one tick) committed in one transaction: a BEGIN, the locks, the payments and a COMMIT per
   * batch, not per command. If that fails, each is started alone, so a bad command fails alone.
   */
  const authorizationStarts = new DataLoader<NewPayment, StartedAuthorization>(
    async (records) => {
      try {
        return await payments.startAuthorizations(records);
      } catch (error) {
        if (records.length === 1) throw error;
        return Promise.all(records.map((record) => payments.startAuthorizations([record]).then(([started]) => started ?? new Error('no start returned'), toError)));
      }
    },
    { cache: false },
  );

  /**
   * The payments of the capture commands handled together, read in one statement. On the pool,
   * not in the inbox transaction: a plain read sees the same there (the capture re-checks the
   * status under the row lock when it records).
   */
  const paymentsToCapture = new DataLoader<string, StoredPayment | null>((orderIds) => payments.byOrderIds(orderIds), { cache: false });

  /** Asks the network to authorize; on no answer, voids by the same key so nothing stays held. */
  async function authorizeAtNetwork(payment: StoredPayment, log: Logger): Promise<AuthorizeResult> {
    try {
      const answer = await provider.authorize({ token: payment.paymentMethodToken, amount: payment.amount, idempotencyKey: payment.orderId });
      if (answer.status === 'AUTHORIZED') return { kind: 'AUTHORIZED', authorizationId: answer.authorizationId, last4: answer.last4, brand: answer.brand };
      return { kind: 'DECLINED', reason: answer.code, authorizationId: answer.authorizationId };
    } catch (error) {
      const reason = error instanceof ProviderTimeoutError ? 'PAYMENT_TIMED_OUT' : 'PROVIDER_UNAVAILABLE';
      log.warn({ orderId: payment.orderId, reason, err: error instanceof Error ? error.message : String(error) }, 'authorization not answered; voiding it');
      // If this throws too, the command is retried and asks again (same key, same answer).
      const voided = await provider.void({ authorizationKey: payment.orderId, idempotencyKey: `void:${payment.orderId}` });
      if (voided.status !== 'VOIDED') throw new Error(`could not void an unanswered authorization: ${voided.code}`, { cause: error });
      return { kind: 'DECLINED', reason, authorizationId: null };
    }
  }

  async function answerDecided(tx: SqlClient, payment: StoredPayment, saga: SagaContext) {
    const meta = { correlationId: saga.correlationId };
    if (payment.status === 'AUTHORIZED') await writeOutbox(tx, paymentAuthorizedV1, { orderId: payment.orderId, paymentId: payment.id, amount: payment.amount }, meta);
    if (payment.status === 'DECLINED') {
      const reason = DECLINE_REASONS.find((known) => known === payment.reason) ?? 'CARD_DECLINED';
      await writeOutbox(tx, paymentDeclinedV1, { orderId: payment.orderId, paymentId: payment.id, reason }, meta);
    }
  }

  /** Asks the network to capture the whole authorized amount (one capture per payment: its key is the order's). */
  async function captureAtNetwork(payment: StoredPayment): Promise<CaptureAttempt> {
    const answer = await provider.capture({ authorizationKey: payment.orderId, amount: payment.amount.amount, idempotencyKey: `capture:${payment.orderId}` });
    if (answer.status === 'CAPTURED') return { kind: 'captured' };
    return answer.code === 'AUTHORIZATION_EXPIRED' ? { kind: 'expired' } : { kind: 'refused' };
  }

  /**
   * Records a capture's outcome under the row lock: status, ledger and payment.captured together.
   * `payment` is as read before the network was asked: its amount and vendor shares never change.
   */
  async function recordCapture(tx: SqlClient, payment: StoredPayment, attempt: CaptureAttempt, request: string, saga: SagaContext): Promise<CaptureRecord> {
    const { orderId } = payment;
    if (attempt.kind === 'captured') {
      // The usual case in one statement (its UPDATE takes the row lock and moves only an AUTHORIZED payment).
      // The order's advisory lock is not needed here: it orders the authorization with the order's
      // cancellation, and a capture reads no cancellation (a cancel meets a capture at the network).
      const lines = captureEntries(payment.amount.amount, payment.vendorShares, deps.commissionBps);
      const answer = outboxEntry(paymentCapturedV1, { orderId, paymentId: payment.id, amount: payment.amount }, saga.correlationId);
      const captured = await payments.capture(tx, payment, lines, request, answer);
      if (captured) {
        saga.logger.child({ component: 'PaymentService' }).info({ orderId, paymentId: captured.id, amount: captured.amount.amount }, 'payment captured');
        return { kind: 'captured', payment: captured };
      }
    }
    const locked = await payments.lockByOrderId(tx, orderId);
    if (!locked) throw new Error('a payment vanished while capturing');
    if (CAPTURED_STATES.has(locked.status)) return { kind: 'already', payment: locked };
    if (locked.status !== 'AUTHORIZED') return { kind: locked.reason === 'AUTHORIZATION_EXPIRED' ? 'expired' : 'not-authorized', payment: locked };
    // A payment never returns to AUTHORIZED, so the capture above would have moved it.
    if (attempt.kind === 'captured') throw new Error('a payment was AUTHORIZED again while capturing');
    if (attempt.kind === 'expired') {
      await payments.update(tx, locked.id, { status: 'VOIDED', reason: 'AUTHORIZATION_EXPIRED' });
      return { kind: 'expired', payment: locked };
    }
    return { kind: 'refused', payment: locked };
  }

  /** A refund: reserve it, ask the network, record it (ledger reversal, amounts, status) under the row lock. */
  async function refundAtNetwork(refund: StoredRefund, orderId: string): Promise<'REFUNDED' | 'REFUSED'> {
    const answer = await provider.refund({ authorizationKey: orderId, amount: refund.amount, idempotencyKey: `refund:${refund.id}` });
    return answer.status;
  }

  async function recordRefund(tx: SqlClient, orderId: string, refundId: string, answer: 'REFUNDED' | 'REFUSED'): Promise<RefundRecord> {
    const payment = await payments.lockByOrderId(tx, orderId);
    const refund = await payments.lockRefund(tx, refundId);
    if (!payment || !refund) throw new Error('a refund vanished while it was made');
    if (refund.status === 'SUCCEEDED') return { kind: 'refunded', payment, refund, fresh: false };
    if (refund.status === 'FAILED') return { kind: 'refused', refund };
    if (answer === 'REFUSED') {
      await payments.setRefundStatus(tx, refund.id, 'FAILED');
      return { kind: 'refused', refund: { ...refund, status: 'FAILED' } };
    }
    await applyRefund(tx, payment, refund.id, refund.amount);
    await payments.setRefundStatus(tx, refund.id, 'SUCCEEDED');
    const after = await payments.byOrderId(orderId, tx);
    if (!after) throw new Error('a payment vanished while refunding');
    return { kind: 'refunded', payment: after, refund: { ...refund, status: 'SUCCEEDED' }, fresh: true };
  }

  /** Ledger reversal pro rata and the payment's refunded amount and status. */
  async function applyRefund(tx: SqlClient, payment: StoredPayment, refundId: string, amount: number) {
    const lines = await payments.captureLines(tx, payment.id);
    await payments.insertLedger(tx, payment, refundEntries(lines, payment.captured.amount, payment.refunded.amount, amount), refundId);
    const refundedInAll = payment.refunded.amount + amount;
    await payments.update(tx, payment.id, { status: statusAfterRefund(payment.captured.amount, refundedInAll), refundedAmount: refundedInAll });
  }

  return {
    async authorize(tx, command, saga) {
      const log = saga.logger.child({ component: 'PaymentService' });
      const shares: VendorShare[] = command.vendorShares.map((share) => ({ vendorOrderId: share.vendorOrderId, vendorId: share.vendorId, amount: share.amount.amount }));
      // A command the ledger could not split is a producer bug: retrying cannot fix it (dead-letter queue).
      if (!sharesFit(command.amount.amount, shares) || command.vendorShares.some((share) => share.amount.currency !== command.amount.currency)) {
        throw new Error('payments.authorize: vendor shares do not fit the amount or its currency');
      }
      const started = await authorizationStarts.load({
        orderId: command.orderId,
        orderNumber: command.orderNumber,
        customerId: command.customerId,
        amount: money(command.amount.amount, command.amount.currency),
        paymentMethodToken: command.paymentMethodToken,
        vendorShares: shares,
      });
      const payment = started.payment;
      if (!payment) {
        log.info({ orderId: command.orderId }, 'authorize after the order was cancelled: not authorized');
        return;
      }
      if (payment.status !== 'AUTHORIZING') {
        // A repeated command (a new message, the same order): answer with what was decided.
        await answerDecided(tx, payment, saga);
        return;
      }
      const result = await authorizeAtNetwork(payment, log);
      const meta = { correlationId: saga.correlationId };
      const { orderId, id: paymentId } = payment;
      const patch: PaymentPatch =
        result.kind === 'AUTHORIZED'
          ? { status: 'AUTHORIZED', authorizationId: result.authorizationId, cardLast4: result.last4, cardBrand: result.brand }
          : { status: 'DECLINED', reason: result.reason, authorizationId: result.authorizationId };
      const answer =
        result.kind === 'AUTHORIZED'
          ? outboxEntry(paymentAuthorizedV1, { orderId, paymentId, amount: payment.amount }, saga.correlationId)
          : outboxEntry(paymentDeclinedV1, { orderId, paymentId, reason: result.reason }, saga.correlationId);
      // The usual case, the order not cancelled: the move and its answer in one statement.
      if (await payments.settleAuthorization(tx, payment, patch, answer)) {
        log.info({ orderId, paymentId, outcome: result.kind }, 'authorization recorded');
        return;
      }
      const outcome = await payments.lockForOutcome(tx, orderId);
      if (!outcome) throw new Error('a payment vanished while authorizing');
      const { payment: locked, cancelled } = outcome;
      // Settled by another attempt (a repeated command): it answered.
      if (locked.status !== 'AUTHORIZING') return;
      if (!cancelled) throw new Error('an authorization could not be recorded');
      // The order was cancelled after this attempt started (while the network answered, or before
      // a retried attempt): the cancel found the payment AUTHORIZING and left the answer to this
      // step. A decline holds nothing: recorded, and answered NOTHING_TO_CANCEL.
      if (result.kind === 'DECLINED') {
        await payments.update(tx, paymentId, patch);
        await writeOutbox(tx, paymentCancelledV1, { orderId, paymentId, outcome: 'NOTHING_TO_CANCEL', refunded: null }, meta);
        log.info({ orderId, paymentId, outcome: result.kind }, 'authorization recorded');
        return;
      }
      // An authorization is voided, holding the order's lock, which only another message of this
      // order (a repeated cancel or authorize) waits for. If the void fails, the transaction rolls
      // back and the command is retried (same keys, same answers).
      const voided = await provider.void({ authorizationKey: orderId, idempotencyKey: `void:${orderId}` });
      if (voided.status !== 'VOIDED') throw new Error(`could not void the authorization of a cancelled order: ${voided.code}`);
      await payments.update(tx, paymentId, { status: 'VOIDED', reason: 'ORDER_CANCELLED' });
      await writeOutbox(tx, paymentCancelledV1, { orderId, paymentId, outcome: 'VOIDED', refunded: null }, meta);
      log.info({ orderId, paymentId, outcome: 'VOIDED' }, 'authorization recorded');
    },

    async capture(tx, orderId, saga) {
      const meta = { correlationId: saga.correlationId };
      const payment = await paymentsToCapture.load(orderId);
      if (!payment) {
        await writeOutbox(tx, paymentCaptureFailedV1, { orderId, paymentId: null, reason: 'PAYMENT_NOT_AUTHORIZED' }, meta);
        return;
      }
      // Network failures throw: the command is retried (the capture's key makes that safe).
      const attempt = payment.status === 'AUTHORIZED' ? await captureAtNetwork(payment) : ({ kind: 'refused' } as const);
      const recorded = await recordCapture(tx, payment, attempt, 'saga', saga);
      if (recorded.kind === 'captured') return;
      if (recorded.kind === 'already') {
        await writeOutbox(tx, paymentCapturedV1, { orderId, paymentId: recorded.payment.id, amount: recorded.payment.captured }, meta);
        return;
      }
      const reason = recorded.kind === 'expired' ? 'AUTHORIZATION_EXPIRED' : recorded.kind === 'refused' && payment.status === 'AUTHORIZED' ? 'PROVIDER_REFUSED' : 'PAYMENT_NOT_AUTHORIZED';
      await writeOutbox(tx, paymentCaptureFailedV1, { orderId, paymentId: recorded.payment.id, reason }, meta);
    },

    async cancel(tx, orderId, reason, saga) {
      const log = saga.logger.child({ component: 'PaymentService' });
      const meta = { correlationId: saga.correlationId };
      // Recorded first, committed: an authorize arriving later will not authorize.
      const payment = await payments.recordCancellation(orderId, reason);
      const answer = (outcome: 'VOIDED' | 'REFUNDED' | 'NOTHING_TO_CANCEL', refunded: { amount: number; currency: string } | null = null) =>
        writeOutbox(tx, paymentCancelledV1, { orderId, paymentId: payment?.id ?? null, outcome, refunded }, meta);
      if (!payment || payment.status === 'DECLINED') return void (await answer('NOTHING_TO_CANCEL'));
      if (payment.status === 'VOIDED') return void (await answer('VOIDED'));
      if (payment.status === 'REFUNDED') return void (await answer('REFUNDED', payment.refunded));
      if (payment.status === 'AUTHORIZING') {
        // The authorize in flight sees the cancellation, voids what it got and answers payment.cancelled.
        log.info({ orderId }, 'cancel while authorizing: the authorization step will void and answer');
        return;
      }
      if (payment.status === 'AUTHORIZED') {
        const voided = await provider.void({ authorizationKey: orderId, idempotencyKey: `void:${orderId}` });
        // Captured meanwhile: retry, and the next try refunds.
        if (voided.status !== 'VOIDED') throw new Error('the payment was captured while cancelling; retrying to refund');
        const locked = await payments.lockByOrderId(tx, orderId);
        if (locked?.status === 'AUTHORIZED') await payments.update(tx, locked.id, { status: 'VOIDED', reason: 'ORDER_CANCELLED' });
        else if (locked?.status !== 'VOIDED') throw new Error(`the payment became ${locked?.status ?? 'missing'} while cancelling; retrying`);
        log.info({ orderId, paymentId: payment.id }, 'authorization voided for a cancelled order');
        return void (await answer('VOIDED'));
      }
      // Captured: give back everything not yet refunded, as one refund with an id of its own.
      const remaining = payment.captured.amount - payment.refunded.amount;
      const reserved = await payments.reserveRefund({
        id: uuidFrom(`cancel:${orderId}`),
        orderId,
        amount: money(remaining, payment.amount.currency),
        reason: `order cancelled: ${reason}`.slice(0, 200),
        requestedBy: 'saga:cancel',
        requestHash: null,
      });
      if (!reserved.ok) throw new Error(`cannot refund the cancelled order in full (${reserved.errors[0] ?? 'unknown'}); retrying`);
      const { refund } = reserved.value;
      const answerOfNetwork = refund.status === 'PENDING' ? await refundAtNetwork(refund, orderId) : 'REFUNDED';
      const recorded = await recordRefund(tx, orderId, refund.id, answerOfNetwork);
      if (recorded.kind === 'refused') throw new Error('the network refused the refund of a cancelled order');
      log.info({ orderId, paymentId: payment.id, refunded: refund.amount }, 'captured payment refunded for a cancelled order');
      await answer('REFUNDED', money(refund.amount, payment.amount.currency));
    },

    async refund(tx, command, saga) {
      const meta = { correlationId: saga.correlationId };
      const failed = (reason: 'REFUND_EXCEEDS_CAPTURED' | 'PAYMENT_NOT_CAPTURED' | 'PROVIDER_REFUSED') =>
        writeOutbox(tx, paymentRefundFailedV1, { orderId: command.orderId, refundId: command.refundId, reason }, meta);
      const reserved = await payments.reserveRefund({
        id: command.refundId,
        orderId: command.orderId,
        amount: money(command.amount.amount, command.amount.currency),
        reason: command.reason,
        requestedBy: `saga:${command.refundId}`,
        requestHash: null,
      });
      if (!reserved.ok) return void (await failed(reserved.errors[0] === 'EXCEEDS' ? 'REFUND_EXCEEDS_CAPTURED' : 'PAYMENT_NOT_CAPTURED'));
      const { refund } = reserved.value;
      const answer = refund.status === 'PENDING' ? await refundAtNetwork(refund, command.orderId) : 'REFUNDED';
      const recorded = await recordRefund(tx, command.orderId, refund.id, answer);
      if (recorded.kind === 'refused') return void (await failed('PROVIDER_REFUSED'));
      await writeOutbox(tx, paymentRefundedV1, { orderId: command.orderId, paymentId: recorded.payment.id, refundId: refund.id, amount: money(refund.amount, recorded.payment.amount.currency) }, meta);
    },

    async capturePayment(scope, input) {
      const caller = valueOrThrow(canOperatePayments(scope.viewer));
      const valid = validateCapture(input);
      if (!valid.ok) return valid;
      const request = valid.value;
      const hash = digest({ op: 'capturePayment', orderId: request.orderId });
      const earlier = await payments.requestHash(caller.userId, request.idempotencyKey);
      if (earlier !== null && earlier !== hash) return keyReused();
      const payment = await payments.byOrderId(request.orderId);
      if (!payment) return notFound();
      // A retry of a capture that succeeded: its first result (the payment as it is now).
      if (earlier === hash) return ok(payment);
      if (CAPTURED_STATES.has(payment.status)) return fail(userError(PaymentsErrorCodes.PAYMENT_ALREADY_CAPTURED, 'This payment was already captured.', ['input', 'orderId']));
      if (payment.status !== 'AUTHORIZED') {
        return fail(userError(PaymentsErrorCodes.PAYMENT_ILLEGAL_TRANSITION, `This payment is ${payment.status.toLowerCase()}; only an authorized payment can be captured.`, ['input', 'orderId']));
      }
      let attempt: CaptureAttempt;
      try {
        attempt = await captureAtNetwork(payment);
      } catch (error) {
        scope.logger.warn({ orderId: request.orderId, err: error instanceof Error ? error.message : String(error) }, 'capture not answered by the network');
        return unavailable();
      }
      const by = `${caller.userId}:${request.idempotencyKey}`;
      let recorded: CaptureRecord;
      try {
        recorded = await payments.transaction(async (tx) => {
          const outcome = await recordCapture(tx, payment, attempt, by, { correlationId: scope.requestId, logger: scope.logger });
          // The key is claimed with the capture only: a refused request leaves nothing behind.
          if (outcome.kind === 'captured' && !(await payments.claimRequestKey(tx, caller.userId, request.idempotencyKey, hash))) throw new KeyRaced();
          return outcome;
        });
      } catch (error) {
        if (error instanceof KeyRaced) return keyReused();
        throw error;
      }
      nudge();
      if (recorded.kind === 'captured') return ok(recorded.payment);
      if (recorded.kind === 'already') {
        return recorded.payment.captureRequest === by ? ok(recorded.payment) : fail(userError(PaymentsErrorCodes.PAYMENT_ALREADY_CAPTURED, 'This payment was already captured.', ['input', 'orderId']));
      }
      return refusedByNetwork();
    },

    async refundPayment(scope, input) {
      const caller = valueOrThrow(canOperatePayments(scope.viewer));
      const valid = validateRefund(input);
      if (!valid.ok) return valid;
      const request = valid.value;
      const hash = digest({ op: 'refundPayment', orderId: request.orderId, amount: request.amount, reason: request.reason });
      const reserved = await payments.reserveRefund({
        // The refund's id is the caller's key: a retry finds its refund, a twin cannot make a second.
        id: uuidFrom(`admin:${caller.userId}:${request.idempotencyKey}`),
        orderId: request.orderId,
        amount: request.amount,
        reason: request.reason,
        requestedBy: `${caller.userId}:${request.idempotencyKey}`,
        requestHash: hash,
      });
      if (!reserved.ok) {
        const [refusal] = reserved.errors;
        if (refusal === 'NOT_FOUND') return notFound();
        if (refusal === 'EXCEEDS') {
          return fail(userError(PaymentsErrorCodes.PAYMENT_REFUND_EXCEEDS_CAPTURED, 'The refund is more than what is captured and not yet refunded.', ['input', 'amount']));
        }
        if (refusal === 'CURRENCY') return fail(userError(ErrorCodes.VALIDATION_FAILED, 'The refund must be in the payment’s currency.', ['input', 'amount']));
        return fail(userError(PaymentsErrorCodes.PAYMENT_ILLEGAL_TRANSITION, 'Only a captured payment can be refunded.', ['input', 'orderId']));
      }
      const { refund, payment } = reserved.value;
      if (reserved.value.existing && refund.requestHash !== hash) return keyReused();
      if (refund.status === 'FAILED') return refusedByNetwork();
      let answer: 'REFUNDED' | 'REFUSED' = 'REFUNDED';
      if (refund.status === 'PENDING') {
        try {
          answer = await refundAtNetwork(refund, payment.orderId);
        } catch (error) {
          scope.logger.warn({ orderId: payment.orderId, refundId: refund.id, err: error instanceof Error ? error.message : String(error) }, 'refund not answered by the network');
          return unavailable();
        }
      }
      const recorded = await payments.transaction(async (tx) => {
        const outcome = await recordRefund(tx, payment.orderId, refund.id, answer);
        if (outcome.kind === 'refunded' && outcome.fresh) {
          await writeOutbox(tx, paymentRefundedV1, { orderId: payment.orderId, paymentId: payment.id, refundId: refund.id, amount: money(refund.amount, payment.amount.currency) }, { correlationId: scope.requestId });
        }
        return outcome;
      });
      nudge();
      if (recorded.kind === 'refused') return refusedByNetwork();
      scope.logger.child({ component: 'PaymentService' }).info({ orderId: payment.orderId, refundId: refund.id, amount: refund.amount, userId: caller.userId }, 'payment refunded');
      return ok(recorded.payment);
    },

    async paymentForOrder(scope, orderId) {
      if (!isUuid(orderId)) return null;
      const payment = await payments.byOrderId(orderId.toLowerCase());
      if (!payment) {
        valueOrThrow(canLookUpPayments(scope.viewer));
        return null;
      }
      valueOrThrow(canReadPayment(scope.viewer, payment));
      return payment;
    },

    async applyProviderEvent(event, logger) {
      const log = logger.child({ component: 'PaymentService' });
      const orderId = typeof event.data.authorizationKey === 'string' && isUuid(event.data.authorizationKey) ? event.data.authorizationKey : null;
      const outcome = await payments.transaction(async (tx): Promise<ProviderEventOutcome> => {
        if (!(await payments.recordWebhookEvent(tx, event.id, event.type))) return 'replayed';
        if (!orderId) return 'ignored';
        const payment = await payments.lockByOrderId(tx, orderId);
        if (!payment) return 'ignored';
        if (event.type === 'authorization.expired') {
          if (payment.status !== 'AUTHORIZED') return 'ignored';
          await payments.update(tx, payment.id, { status: 'VOIDED', reason: 'AUTHORIZATION_EXPIRED' });
          return 'applied';
        }
        if (event.type === 'charge.refunded') {
          const { refundId, amount } = event.data;
          if (typeof refundId !== 'string' || !isUuid(refundId) || typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) return 'ignored';
          if (await payments.lockRefund(tx, refundId)) return 'ignored';
          if (!CAPTURED_STATES.has(payment.status) || payment.refunded.amount + amount > payment.captured.amount) {
            log.warn({ orderId, refundId, amount }, 'the network reports a refund this payment cannot hold; not recorded');
            return 'ignored';
          }
          await payments.insertSucceededRefund(tx, { id: refundId, paymentId: payment.id, amount: money(amount, payment.amount.currency), reason: 'refunded at the provider', requestedBy: 'provider' });
          await applyRefund(tx, payment, refundId, amount);
          await writeOutbox(tx, paymentRefundedV1, { orderId, paymentId: payment.id, refundId, amount: money(amount, payment.amount.currency) }, { correlationId: event.id });
          return 'applied';
        }
        return 'ignored';
      });
      if (outcome === 'applied') nudge();
      log.info({ eventId: event.id, type: event.type, orderId, outcome }, 'provider event handled');
      return outcome;
    },
  };
}

const toError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/** A different request claimed the idempotency key between the look and the commit. */
class KeyRaced extends Error {
  override name = 'KeyRaced';
}
