import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import { money, type Money } from '../../../platform/money/money.ts';
import type { LedgerEntryKind, VendorShare } from './ledger.ts';
import type { PaymentStatus } from './payment.process.ts';

/** One order's payment as the services and the API see it. */
export interface Payment {
  id: string;
  orderId: string;
  orderNumber: string;
  customerId: string;
  status: PaymentStatus;
  amount: Money;
  captured: Money;
  refunded: Money;
  cardLast4: string | null;
  cardBrand: string | null;
  /** Why it was declined or voided; null otherwise. */
  reason: string | null;
  vendorShares: VendorShare[];
  createdAt: Date;
  updatedAt: Date;
}

/** One stored ledger entry. */
export interface LedgerEntry {
  id: string;
  paymentId: string;
  orderId: string;
  vendorId: string | null;
  vendorOrderId: string | null;
  refundId: string | null;
  kind: LedgerEntryKind;
  amount: Money;
  createdAt: Date;
}

/** An admin's request to capture an order's authorized payment. */
export interface CaptureRequest {
  orderId: string;
  idempotencyKey: string;
}

/** An admin's request to refund part or all of an order's captured payment. */
export interface RefundRequest {
  orderId: string;
  amount: { amount: number; currency: string };
  reason: string;
  idempotencyKey: string;
}

/** 8 to 100 visible ASCII characters (a UUID is a good one), like every idempotency key of the API. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,100}$/;

const invalid = (message: string, field: string) => userError(ErrorCodes.VALIDATION_FAILED, message, ['input', field]);

function checkCommon(input: { orderId: string; idempotencyKey: string }, errors: UserError[]) {
  if (!isUuid(input.orderId)) errors.push(invalid('The order id is a UUID.', 'orderId'));
  if (!IDEMPOTENCY_KEY.test(input.idempotencyKey)) errors.push(invalid('The idempotency key is 8 to 100 visible ASCII characters.', 'idempotencyKey'));
}

export function validateCapture(input: CaptureRequest): Result<CaptureRequest> {
  const errors: UserError[] = [];
  checkCommon(input, errors);
  return errors.length > 0 ? fail(...errors) : ok({ orderId: input.orderId.toLowerCase(), idempotencyKey: input.idempotencyKey });
}

/** A refund request that passed validation: its amount is Money. */
export type ValidRefundRequest = Omit<RefundRequest, 'amount'> & { amount: Money };

export function validateRefund(input: RefundRequest): Result<ValidRefundRequest> {
  const errors: UserError[] = [];
  checkCommon(input, errors);
  if (!Number.isSafeInteger(input.amount.amount) || input.amount.amount <= 0) errors.push(invalid('The refund is a positive whole number of minor units.', 'amount'));
  if (!/^[A-Z]{3}$/.test(input.amount.currency)) errors.push(invalid('The currency is an ISO 4217 code, e.g. "EUR".', 'amount'));
  const reason = input.reason.trim();
  if (reason.length < 1 || reason.length > 200) errors.push(invalid('Say why, in 1 to 200 characters.', 'reason'));
  if (errors.length > 0) return fail(...errors);
  return ok({ ...input, orderId: input.orderId.toLowerCase(), reason, amount: money(input.amount.amount, input.amount.currency) });
}
