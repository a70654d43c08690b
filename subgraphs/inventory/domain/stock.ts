import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import { textError } from '../../../platform/validation/text.ts';

/** A catalog variant as inventory knows it: only its id (catalog owns the rest). */
export interface VariantRef {
  id: string;
}

/** A warehouse. */
export interface Location {
  id: string;
  code: string;
  name: string;
}

/** The stock of one variant in one warehouse. `available` is derived, never stored. */
export interface StockLevel {
  variantId: string;
  sku: string | null;
  location: Location;
  onHand: number;
  reserved: number;
  available: number;
}

export const StockMovementKinds = ['RECEIVED', 'ADJUSTED', 'RESERVED', 'RELEASED', 'COMMITTED'] as const;
export type StockMovementKind = (typeof StockMovementKinds)[number];

/** One line of the audit trail. */
export interface StockMovement {
  id: string;
  variantId: string;
  locationId: string;
  kind: StockMovementKind;
  quantity: number;
  reason: string;
  actor: string;
  at: Date;
}

/** What shoppers see of a variant's stock, summed over warehouses. */
export interface Availability {
  available: number;
  inStock: boolean;
}

export const LIMITS = {
  /** The most units one receipt, adjustment or reservation line may move: anything above is a typo. */
  quantity: 1_000_000,
  reason: 200,
  locationName: 100,
  /** Lines of one reservation (one per variant). */
  reservationLines: 100,
} as const;

const SKU = /^[A-Za-z0-9._-]{1,64}$/;
const LOCATION_CODE = /^[A-Za-z0-9-]{2,20}$/;

const invalid = (message: string, field: string[]): UserError => userError(ErrorCodes.VALIDATION_FAILED, message, field);

export interface ReceiveStockInput {
  variantId: string;
  sku?: string | null;
  locationCode: string;
  quantity: number;
  reason: string;
  vendorId?: string | null;
  idempotencyKey?: string | null;
}

export interface AdjustStockInput {
  variantId: string;
  locationCode: string;
  delta: number;
  reason: string;
  idempotencyKey?: string | null;
}

export interface ValidReceipt {
  variantId: string;
  sku: string | null;
  locationCode: string;
  quantity: number;
  reason: string;
  idempotencyKey: string | null;
}

export interface ValidAdjustment {
  variantId: string;
  locationCode: string;
  delta: number;
  reason: string;
  idempotencyKey: string | null;
}

function reasonError(reason: string): UserError | null {
  const trimmed = reason.trim();
  if (trimmed.length === 0 || trimmed.length > LIMITS.reason) return invalid(`Give a reason of 1 to ${LIMITS.reason} characters.`, ['input', 'reason']);
  return textError(trimmed, 'line', ['input', 'reason'], 'The reason');
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,100}$/;

function idempotencyKeyError(key: string | null | undefined): UserError | null {
  if (key == null) return null;
  return IDEMPOTENCY_KEY.test(key) ? null : invalid('An idempotency key is 8 to 100 visible ASCII characters (a UUID is a good one).', ['input', 'idempotencyKey']);
}

function variantError(variantId: string): UserError | null {
  return isUuid(variantId) ? null : invalid('The variant id is not a valid id.', ['input', 'variantId']);
}

function locationCodeError(code: string): UserError | null {
  return LOCATION_CODE.test(code.trim()) ? null : invalid('A warehouse code is 2 to 20 letters, digits or "-".', ['input', 'locationCode']);
}

export const normaliseLocationCode = (code: string): string => code.trim().toUpperCase();

/** Every problem of a receipt at once; quantities are whole units from 1 to LIMITS.quantity. */
export function validateReceipt(input: ReceiveStockInput): Result<ValidReceipt> {
  const errors: UserError[] = [];
  const variant = variantError(input.variantId);
  if (variant) errors.push(variant);
  const sku = input.sku?.trim() || null;
  if (sku !== null && !SKU.test(sku)) errors.push(invalid('A SKU is 1 to 64 letters, digits, ".", "-" or "_".', ['input', 'sku']));
  const location = locationCodeError(input.locationCode);
  if (location) errors.push(location);
  if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > LIMITS.quantity) {
    errors.push(invalid(`Receive between 1 and ${LIMITS.quantity.toLocaleString('en')} units.`, ['input', 'quantity']));
  }
  const reason = reasonError(input.reason);
  if (reason) errors.push(reason);
  if (input.vendorId != null && !isUuid(input.vendorId)) errors.push(invalid('The vendor id is not a valid id.', ['input', 'vendorId']));
  const key = idempotencyKeyError(input.idempotencyKey);
  if (key) errors.push(key);
  if (errors.length > 0) return fail(...errors);
  return ok({
    variantId: input.variantId.toLowerCase(),
    sku: sku?.toUpperCase() ?? null,
    locationCode: normaliseLocationCode(input.locationCode),
    quantity: input.quantity,
    reason: input.reason.trim(),
    idempotencyKey: input.idempotencyKey ?? null,
  });
}

/** Every problem of an adjustment at once: a whole, non-zero delta within ±LIMITS.quantity. */
export function validateAdjustment(input: AdjustStockInput): Result<ValidAdjustment> {
  const errors: UserError[] = [];
  const variant = variantError(input.variantId);
  if (variant) errors.push(variant);
  const location = locationCodeError(input.locationCode);
  if (location) errors.push(location);
  if (!Number.isInteger(input.delta) || input.delta === 0 || Math.abs(input.delta) > LIMITS.quantity) {
    errors.push(invalid(`Adjust by a whole number of units other than 0, at most ${LIMITS.quantity.toLocaleString('en')} either way.`, ['input', 'delta']));
  }
  const reason = reasonError(input.reason);
  if (reason) errors.push(reason);
  const key = idempotencyKeyError(input.idempotencyKey);
  if (key) errors.push(key);
  if (errors.length > 0) return fail(...errors);
  return ok({
    variantId: input.variantId.toLowerCase(),
    locationCode: normaliseLocationCode(input.locationCode),
    delta: input.delta,
    reason: input.reason.trim(),
    idempotencyKey: input.idempotencyKey ?? null,
  });
}

/** A new warehouse: a short code (stored upper-case) and a name. */
export function validateLocation(input: { code: string; name: string }): Result<{ code: string; name: string }> {
  const errors: UserError[] = [];
  if (!LOCATION_CODE.test(input.code.trim())) errors.push(invalid('A warehouse code is 2 to 20 letters, digits or "-".', ['input', 'code']));
  const name = input.name.trim();
  if (name.length === 0 || name.length > LIMITS.locationName) errors.push(invalid(`Give a name of 1 to ${LIMITS.locationName} characters.`, ['input', 'name']));
  else {
    const text = textError(name, 'line', ['input', 'name'], 'The name');
    if (text) errors.push(text);
  }
  return errors.length > 0 ? fail(...errors) : ok({ code: normaliseLocationCode(input.code), name });
}
