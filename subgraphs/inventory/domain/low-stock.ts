import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';

/** The highest threshold a variant may have: beyond it "low" means nothing. */
export const MAX_LOW_STOCK_THRESHOLD = 1_000_000;

/**
 * What a change to a variant's total availability does to its low-stock alert:
 * - `raise`: it went from above the threshold to at or below it (or the alert was armed and it is
 *   at or below now): raise inventory.low_stock, once, and remember it is low.
 * - `rearm`: it is above the threshold again: the next fall raises again.
 * - `none`: no crossing (still low, or still above).
 */
export type LowStockChange = 'raise' | 'rearm' | 'none';

export function lowStockChange(wasLow: boolean, available: number, threshold: number): LowStockChange {
  const low = available <= threshold;
  if (low && !wasLow) return 'raise';
  if (!low && wasLow) return 'rearm';
  return 'none';
}

export interface LowStockThresholdInput {
  variantId: string;
  threshold: number;
}

/** A threshold is a whole number of units from 0 (alert only when sold out) to MAX_LOW_STOCK_THRESHOLD. */
export function validateLowStockThreshold(input: LowStockThresholdInput): Result<LowStockThresholdInput> {
  const errors = [];
  if (!isUuid(input.variantId)) errors.push(userError(ErrorCodes.VALIDATION_FAILED, 'The variant id is not a valid id.', ['input', 'variantId']));
  if (!Number.isInteger(input.threshold) || input.threshold < 0 || input.threshold > MAX_LOW_STOCK_THRESHOLD) {
    errors.push(userError(ErrorCodes.VALIDATION_FAILED, `A threshold is a whole number of units from 0 to ${MAX_LOW_STOCK_THRESHOLD.toLocaleString('en')}.`, ['input', 'threshold']));
  }
  if (errors.length > 0) return fail(...errors);
  return ok({ variantId: input.variantId.toLowerCase(), threshold: input.threshold });
}
