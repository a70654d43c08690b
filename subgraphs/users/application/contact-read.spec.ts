import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaAdapter } from '../../../platform/prisma/pg-adapter.ts';
import { testDatabaseUrl } from '../../../test/support/test-env.ts';
import { PrismaClient } from '../__generated__/prisma/client.ts';
import { createContactRepository } from '../infra/contact.repository.ts';
import { createUsersHarness, type UsersHarness } from '../testing/harness.ts';
import { createContactReadService } from './contact-read.ts';

let h: UsersHarness;
/** A client of its own that reports each statement it sends. */
let counted: PrismaClient<'query'>;
let statements = 0;
beforeAll(async () => {
  h = await createUsersHarness({ scope: 'contacts' });
  counted = new PrismaClient({ adapter: createPrismaAdapter(testDatabaseUrl('users'), 1), log: [{ emit: 'event', level: 'query' }] });
  counted.$on('query', () => (statements += 1));
});
afterAll(async () => {
  await counted?.$disconnect();
  await h?.close();
});

describe('contacts for the notifications worker', () => {
  it('answers accounts and stores (with their owner’s address) in one statement, leaving out unknown ids', async () => {
    const customer = await h.createAccount();
    const owner = await h.createAccount();
    const store = await h.prisma.vendor.create({ data: { ownerId: owner.userId, name: 'Quasar Lamps', slug: `quasar-${randomUUID().slice(0, 8)}`, status: 'APPROVED' } });
    const unknown = randomUUID();
    const service = createContactReadService({ contacts: createContactRepository(counted) });

    statements = 0;
    const answer = await service.contacts({ userIds: [customer.userId, unknown, customer.userId], vendorIds: [store.id, unknown] });

    expect(statements).toBe(1);
    expect(answer).toEqual({
      users: [{ id: customer.userId, email: customer.email, name: 'Spec User' }],
      vendors: [{ id: store.id, name: 'Quasar Lamps', ownerEmail: owner.email }],
    });
    expect(await service.contacts({ userIds: [], vendorIds: [] })).toEqual({ users: [], vendors: [] });
  });
});
