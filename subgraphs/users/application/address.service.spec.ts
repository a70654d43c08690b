import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsersHarness, type UsersHarness } from '../testing/harness.ts';
import type { AddressChange } from './address.service.ts';

let h: UsersHarness;
beforeAll(async () => {
  h = await createUsersHarness({
    scope: 'address',
  });
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

describe('addresses', () => {
  it('adds, lists (default first), updates and deletes, promoting a new default', async () => {
    const account = await h.createAccount();
    const first = value(await h.services.addresses.add(account, home));
    expect(first).toMatchObject({ countryCode: 'FR', phone: '+33612345678', isDefault: true });
    const second = value(await h.services.addresses.add(account, { ...home, label: 'Work', line1: '1 Avenue Foch' }));
    expect(second.isDefault).toBe(false);
    const third = value(await h.services.addresses.add(account, { ...home, label: 'Parents', isDefault: true }));
    expect(third.isDefault).toBe(true);

    const user = await h.services.users.byId(account.userId, h.loaders());
    if (!user) throw new Error('missing user');
    const listed = await h.services.addresses.listFor(account, user, h.loaders());
    expect(listed.map((address) => [address.label, address.isDefault])).toEqual([
      ['Parents', true],
      ['Home', false],
      ['Work', false],
    ]);

    const updated = value(await h.services.addresses.update(account, second.id, { ...home, label: 'Office', city: 'Lyon', isDefault: true }));
    expect(updated).toMatchObject({ label: 'Office', city: 'Lyon', isDefault: true });
    expect(value(await h.services.addresses.remove(account, updated.id))).toBe(updated.id);
    const remaining = await h.services.addresses.listFor(account, user, h.loaders());
    // The oldest remaining address becomes the default.
    expect(remaining.map((address) => [address.label, address.isDefault])).toEqual([
      ['Home', true],
      ['Parents', false],
    ]);
  });

  it('stores nothing personal in clear', async () => {
    const account = await h.createAccount();
    const address = value(await h.services.addresses.add(account, home));
    const row = await h.prisma.address.findUniqueOrThrow({ where: { id: address.id } });
    for (const secret of ['Rivoli', 'Lovelace', 'Paris', '75004', '612345678']) expect(row.ciphertext).not.toContain(secret);
  });

  it("treats another account's address as not found and leaves it unchanged", async () => {
    const owner = await h.createAccount();
    const intruder = await h.createAccount();
    const address = value(await h.services.addresses.add(owner, home));
    const before = await h.prisma.address.findUniqueOrThrow({ where: { id: address.id } });
    const update = await h.services.addresses.update(intruder, address.id, { ...home, city: 'Nice' });
    expect(!update.ok && update.errors[0]).toMatchObject({ code: 'ADDRESS_NOT_FOUND', field: ['id'] });
    const removal = await h.services.addresses.remove(intruder, address.id);
    expect(!removal.ok && removal.errors[0]?.code).toBe('ADDRESS_NOT_FOUND');
    expect(await h.prisma.address.findUniqueOrThrow({ where: { id: address.id } })).toEqual(before);
    const user = await h.services.users.byId(owner.userId, h.loaders());
    if (!user) throw new Error('missing user');
    await expect(h.services.addresses.listFor(intruder, user, h.loaders())).rejects.toThrow(/Only this account/);
  });

  it('validates input without writing anything', async () => {
    const account = await h.createAccount();
    const result = await h.services.addresses.add(account, { ...home, countryCode: 'France', postalCode: ' ' });
    expect(!result.ok && result.errors.map((e) => e.field)).toEqual([
      ['input', 'postalCode'],
      ['input', 'countryCode'],
    ]);
    expect(await h.prisma.address.count({ where: { userId: account.userId } })).toBe(0);
    await expect(h.services.addresses.add(null, home)).rejects.toThrow(/signed in/);
  });

  it('keeps exactly one default when first addresses are added concurrently', async () => {
    const account = await h.createAccount();
    const results = await Promise.all(Array.from({ length: 4 }, () => h.services.addresses.add(account, home)));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(await h.prisma.address.count({ where: { userId: account.userId, isDefault: true } })).toBe(1);
  });

  it('caps the number of addresses', async () => {
    const account = await h.createAccount();
    for (let i = 0; i < 20; i += 1) expect((await h.services.addresses.add(account, home)).ok).toBe(true);
    const result = await h.services.addresses.add(account, home);
    expect(!result.ok && result.errors[0]?.code).toBe('VALIDATION_FAILED');
    expect(await h.prisma.address.count({ where: { userId: account.userId } })).toBe(20);
  });
});
