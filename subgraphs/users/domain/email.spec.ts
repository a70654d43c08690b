import { describe, expect, it } from 'vitest';
import { normaliseEmail, parseEmail } from './email.ts';

const field = ['input', 'email'];

describe('email', () => {
  it('normalises case and surrounding spaces', () => {
    expect(normaliseEmail('  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
    expect(parseEmail(' Ada+shop@Mail.Example.org', field)).toEqual({ ok: true, value: 'ada+shop@mail.example.org' });
  });

  it.each([
    '',
    'plainaddress',
    '@example.com',
    'ada@',
    'ada@example',
    'ada@@example.com',
    'ada@exa mple.com',
    'ada lovelace@example.com',
    '.ada@example.com',
    'ada.@example.com',
    'ada..lovelace@example.com',
    'ada@-example.com',
    'ada@example.c0m',
    'ada@example..com',
    `${'a'.repeat(65)}@example.com`,
    `ada@${'a'.repeat(250)}.com`,
    'ada"quoted"@example.com',
  ])('refuses %j with INVALID_EMAIL on the field', (raw) => {
    expect(parseEmail(raw, field)).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'INVALID_EMAIL', field })] });
  });
});
