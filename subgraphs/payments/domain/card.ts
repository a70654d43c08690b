import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import type { CardDetails } from './payment-provider.ts';
import { PaymentsErrorCodes } from './error-codes.ts';

/** The Luhn checksum every card number carries in its last digit. */
export function passesLuhn(digits: string): boolean {
  let total = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    total += digit;
  }
  return total % 10 === 0;
}

/**
 * A card as typed, checked before it goes to the network: 12 to 19 digits (spaces and dashes
 * allowed) passing Luhn, a month 1–12, a four-digit year, a 3- or 4-digit security code, and an
 * expiry not in the past (a card is valid through the last day of its month). Messages never
 * repeat the number.
 */
export function validateCard(input: CardDetails, now: Date): Result<CardDetails> {
  const errors: UserError[] = [];
  const number = input.number.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number) || !passesLuhn(number)) errors.push(userError(PaymentsErrorCodes.PAYMENT_CARD_INVALID, 'This is not a valid card number.', ['input', 'number']));
  if (!Number.isInteger(input.expMonth) || input.expMonth < 1 || input.expMonth > 12) {
    errors.push(userError(PaymentsErrorCodes.PAYMENT_CARD_INVALID, 'The expiry month is 1 to 12.', ['input', 'expMonth']));
  }
  if (!Number.isInteger(input.expYear) || input.expYear < 2000 || input.expYear > 2100) {
    errors.push(userError(PaymentsErrorCodes.PAYMENT_CARD_INVALID, 'The expiry year has four digits.', ['input', 'expYear']));
  }
  if (!/^\d{3,4}$/.test(input.cvc)) errors.push(userError(PaymentsErrorCodes.PAYMENT_CARD_INVALID, 'The security code is 3 or 4 digits.', ['input', 'cvc']));
  if (errors.length > 0) return fail(...errors);
  const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
  if (input.expYear * 12 + (input.expMonth - 1) < thisMonth) {
    return fail(userError(PaymentsErrorCodes.PAYMENT_CARD_EXPIRED, 'This card has expired.', ['input', 'expYear']));
  }
  return ok({ ...input, number });
}
