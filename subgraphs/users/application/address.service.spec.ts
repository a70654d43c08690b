import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { piiContext, PiiDecryptionError } from '../infra/pii-cipher.ts';
import { createUsersHarness, type UsersHarness } from '../testing/harness.ts';
import type { AddressChange } from './address.service.ts';

let h: UsersHarness;
beforeAll(async () => {
  h = await createUsersHarness({ scope: 'address' });
});
afterAll(async () => {
  await h?.close();
});

const home: AddressChange = {
  label: 'Home',
  recipientName: 'Ada Lovelace',
  line1: '12 Rue de Rivoli',
  city: 'Paris',
  postalCode: '75004',
  countryCode: 'fr',
  phone: '+33 6 12 34 56 78',
};
const value = <T>(result: { ok: true; value: T } | { ok: false }): T => {
  if (!result.ok) throw new Error('expected success');
  return result.value;
};
const codeOf = (error: unknown) => (error as { extensions?: { code?: string } }).extensions?.code;

/** What a stored column reveals to whoever reads it as text, base64, base64url or hex, whole or by its dot-separated parts. */
function readings(stored: string): string[] {
  const pieces = [stored, ...stored.split('.')];
  return [stored, ...pieces.flatMap((piece) => (['base64', 'base64url', 'hex'] as const).map((encoding) => Buffer.from(piece, encoding).toString('latin1')))];
}

describe('addresses', () => {
  it('adds, lists (default first), updates and deletes, promoting a new default', async () => {
    const account = await h.createAccount();
    const first = value(await h.services.addresses.add(h.scope(account), home));
    expect(first).toMatchObject({ countryCode: 'FR', phone: '+33612345678', isDefault: true });
    const second = value(await h.services.addresses.add(h.scope(account), { ...home, label: 'Work', line1: '1 Avenue Foch' }));
    expect(second.isDefault).toBe(false);
    const third = value(await h.services.addresses.add(h.scope(account), { ...home, label: 'Parents', isDefault: true }));
    expect(third.isDefault).toBe(true);

    const user = await h.services.users.byId(h.scope(), account.userId);
    if (!user) throw new Error('missing user');
    const listed = await h.services.addresses.listFor(h.scope(account), user);
    expect(listed.map((address) => [address.label, address.isDefault])).toEqual([
      ['Parents', true],
      ['Home', false],
      ['Work', false],
    ]);

    const updated = value(
      await h.services.addresses.update(h.scope(account), { id: second.id, address: { ...home, label: 'Office', city: 'Lyon', isDefault: true } }),
    );
    expect(updated).toMatchObject({ label: 'Office', city: 'Lyon', isDefault: true });
    expect(value(await h.services.addresses.remove(h.scope(account), { id: updated.id }))).toBe(updated.id);
    const remaining = await h.services.addresses.listFor(h.scope(account), user);
    // The oldest remaining address becomes the default.
    expect(remaining.map((address) => [address.label, address.isDefault])).toEqual([
      ['Home', true],
      ['Parents', false],
    ]);
  });

  it('stores nothing personal in clear or merely encoded, and binds each envelope to its row', async () => {
    const account = await h.createAccount();
    const address = value(await h.services.addresses.add(h.scope(account), home));
    const other = value(await h.services.addresses.add(h.scope(account), { ...home, label: 'Work' }));
    const row = await h.prisma.address.findUniqueOrThrow({ where: { id: address.id } });

    expect(row.ciphertext).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    for (const reading of readings(row.ciphertext)) {
      for (const secret of ['Rivoli', 'Lovelace', 'Paris', '75004', '612345678']) expect(reading).not.toContain(secret);
    }
    expect(JSON.parse(h.cipher.decrypt(row.ciphertext, piiContext.address(address.id)))).toMatchObject({ line1: '12 Rue de Rivoli' });
    expect(() => h.cipher.decrypt(row.ciphertext, piiContext.address(other.id))).toThrow(PiiDecryptionError);

    // Copied into another row, the envelope no longer opens: one customer's address never shows as another's.
    await h.prisma.address.update({ where: { id: other.id }, data: { ciphertext: row.ciphertext } });
    const user = await h.services.users.byId(h.scope(), account.userId);
    if (!user) throw new Error('missing user');
    await expect(h.services.addresses.listFor(h.scope(account), user)).rejects.toThrow(PiiDecryptionError);
  });

  it("treats another account's address as not found and leaves it unchanged", async () => {
    const owner = await h.createAccount();
    const intruder = await h.createAccount();
    const address = value(await h.services.addresses.add(h.scope(owner), home));
    const before = await h.prisma.address.findUniqueOrThrow({ where: { id: address.id } });
    const update = await h.services.addresses.update(h.scope(intruder), { id: address.id, address: { ...home, city: 'Nice' } });
    expect(!update.ok && update.errors[0]).toMatchObject({ code: 'ADDRESS_NOT_FOUND', field: ['input', 'id'] });
    const removal = await h.services.addresses.remove(h.scope(intruder), { id: address.id });
    expect(!removal.ok && removal.errors[0]?.code).toBe('ADDRESS_NOT_FOUND');
    expect(await h.prisma.address.findUniqueOrThrow({ where: { id: address.id } })).toEqual(before);
    const user = await h.services.users.byId(h.scope(), owner.userId);
    if (!user) throw new Error('missing user');
    await expect(h.services.addresses.listFor(h.scope(intruder), user)).rejects.toSatisfy((e) => codeOf(e) === 'FORBIDDEN');
  });

  it('validates input without writing anything', async () => {
    const account = await h.createAccount();
    const result = await h.services.addresses.add(h.scope(account), { ...home, countryCode: 'France', postalCode: ' ' });
    expect(!result.ok && result.errors.map((e) => e.field)).toEqual([
      ['input', 'postalCode'],
      ['input', 'countryCode'],
    ]);
    await expect(h.services.addresses.add(h.scope(null), home)).rejects.toSatisfy((e) => codeOf(e) === 'UNAUTHENTICATED');
    expect(await h.prisma.address.count({ where: { userId: account.userId } })).toBe(0);

    const saved = value(await h.services.addresses.add(h.scope(account), home));
    const before = await h.prisma.address.findUniqueOrThrow({ where: { id: saved.id } });
    const update = await h.services.addresses.update(h.scope(account), { id: saved.id, address: { ...home, city: ' ' } });
    expect(!update.ok && update.errors.map((e) => e.field)).toEqual([['input', 'address', 'city']]);
    expect(await h.prisma.address.findUniqueOrThrow({ where: { id: saved.id } })).toEqual(before);
  });

  it('keeps exactly one default when first addresses are added concurrently', async () => {
    const account = await h.createAccount();
    const results = await Promise.all(Array.from({ length: 4 }, () => h.services.addresses.add(h.scope(account), home)));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(await h.prisma.address.count({ where: { userId: account.userId, isDefault: true } })).toBe(1);
  });

  it('caps the number of addresses', async () => {
    const account = await h.createAccount();
    for (let i = 0; i < 20; i += 1) expect((await h.services.addresses.add(h.scope(account), home)).ok).toBe(true);
    const result = await h.services.addresses.add(h.scope(account), home);
    expect(!result.ok && result.errors[0]?.code).toBe('VALIDATION_FAILED');
    expect(await h.prisma.address.count({ where: { userId: account.userId } })).toBe(20);
  });
});
