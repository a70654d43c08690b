import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, MAX_PASSWORD_LENGTH } from './password-policy.ts';

const field = ['input', 'password'];
const codes = (password: string, email: string | null = 'ada@example.com') =>
  checkPasswordPolicy(password, email, field).map((error) => error.code);

describe('password policy', () => {
  it('refuses NUL and unpaired surrogates, which would hash like other passwords', () => {
    expect(codes('correct horse\u0000')).toEqual(['VALIDATION_FAILED']);
    expect(codes('correct horse\uD800')).toEqual(['VALIDATION_FAILED']);
  });

  it('accepts long passwords mixing at least two kinds of characters', () => {
    expect(codes('correct horse battery')).toEqual([]); // lower + space
    expect(codes('tr0ub4dor-and-3')).toEqual([]);
    expect(codes('Zebra-Crossing')).toEqual([]);
    expect(codes('é'.repeat(9) + '1')).toEqual([]);
  });

  it('refuses fewer than 10 characters, counting characters as people see them', () => {
    expect(codes('Abcdef12!')).toEqual(['WEAK_PASSWORD']);
    expect(codes('😀😀😀😀😀1')).toEqual(['WEAK_PASSWORD']); // 6 characters, 11 UTF-16 units
  });

  it('refuses more than 128 characters', () => {
    expect(codes('aB3'.repeat(43))).toEqual(['WEAK_PASSWORD']);
    expect(codes(`${'a'.repeat(MAX_PASSWORD_LENGTH - 1)}1`)).toEqual([]);
  });

  it('refuses a single character class', () => {
    expect(codes('abcdefghijkl')).toEqual(['WEAK_PASSWORD']);
    expect(codes('ABCDEFGHIJKL')).toEqual(['WEAK_PASSWORD']);
    expect(codes('123456789012')).toEqual(['WEAK_PASSWORD']);
    expect(codes('!@#$%^&*()_+')).toEqual(['WEAK_PASSWORD']);
  });

  it('refuses the email or its local part, whatever the case', () => {
    expect(codes('Ada@Example.com')).toEqual(['WEAK_PASSWORD']);
    expect(codes('ada.lovelace1', 'ADA.LOVELACE1@example.com')).toEqual(['WEAK_PASSWORD']);
    expect(codes('ada.lovelace1', null)).toEqual([]);
  });

  it('points the error at the field', () => {
    expect(checkPasswordPolicy('short', null, field)[0]).toMatchObject({ field, message: expect.stringContaining('10') });
  });
});
