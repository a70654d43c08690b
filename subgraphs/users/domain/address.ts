import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { textError } from '../../../platform/validation/text.ts';
import { isCountryCode } from './country-codes.ts';
import { parsePhone } from './user.ts';

/** The personal part of an address: stored only inside the encrypted envelope. */
export interface AddressFields {
  label: string | null;
  recipientName: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  /** ISO 3166-1 alpha-2, upper-case. */
  countryCode: string;
  phone: string | null;
}

/** A saved delivery address of one account. */
export interface Address extends AddressFields {
  id: string;
  userId: string;
  /** Exactly one address of an account with addresses is its default. */
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface AddressInput {
  label?: string | null;
  recipientName: string;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  countryCode: string;
  phone?: string | null;
}

/** Keeps one account from growing an unbounded list of encrypted blobs. */
export const MAX_ADDRESSES_PER_USER = 20;

/** Validates an address, returning every problem at once with its input path (`[...base, 'city']`). */
export function parseAddress(input: AddressInput, base: string[]): Result<AddressFields> {
  const errors: UserError[] = [];
  const text = (key: keyof AddressInput, value: string | null | undefined, required: boolean, max: number): string | null => {
    const trimmed = (value ?? '').trim().replace(/\s+/g, ' ');
    if (trimmed === '') {
      if (required) errors.push(userError(ErrorCodes.VALIDATION_FAILED, 'This field is required.', [...base, key]));
      return null;
    }
    const error = textError(trimmed, 'line', [...base, key]);
    if ([...trimmed].length > max) {
      errors.push(userError(ErrorCodes.VALIDATION_FAILED, `Use at most ${max} characters.`, [...base, key]));
    } else if (error) {
      errors.push(error);
    }
    return trimmed;
  };
  const label = text('label', input.label, false, 40);
  const recipientName = text('recipientName', input.recipientName, true, 100);
  const line1 = text('line1', input.line1, true, 200);
  const line2 = text('line2', input.line2, false, 200);
  const city = text('city', input.city, true, 100);
  const region = text('region', input.region, false, 100);
  const postalCode = text('postalCode', input.postalCode, true, 20);
  const countryCode = input.countryCode.trim().toUpperCase();
  if (!isCountryCode(countryCode)) {
    errors.push(userError(ErrorCodes.VALIDATION_FAILED, 'Use the two-letter ISO 3166 country code, e.g. FR.', [...base, 'countryCode']));
  }
  const phone = parsePhone(input.phone, [...base, 'phone']);
  if (!phone.ok) errors.push(...phone.errors);
  if (errors.length > 0 || !phone.ok) return fail(...errors);
  return ok({
    label,
    recipientName: recipientName ?? '',
    line1: line1 ?? '',
    line2,
    city: city ?? '',
    region,
    postalCode: postalCode ?? '',
    countryCode,
    phone: phone.value,
  });
}
