import { z } from 'zod';
import type { UserRepository } from '../infra/user.repository.ts';
import type { VendorRepository } from '../infra/vendor.repository.ts';

/** The most ids of each kind one request may name. */
export const MAX_CONTACT_IDS = 100;

/** POST /internal/contacts: the accounts and stores whose contact the caller needs. */
export const contactsRequestSchema = z.object({
  userIds: z.array(z.uuid()).max(MAX_CONTACT_IDS).default([]),
  vendorIds: z.array(z.uuid()).max(MAX_CONTACT_IDS).default([]),
});

export type ContactsRequest = z.infer<typeof contactsRequestSchema>;

export interface ContactsAnswer {
  users: { id: string; email: string; name: string }[];
  /** A store's name and its owner's address: stores have no mailbox of their own. */
  vendors: { id: string; name: string; ownerEmail: string }[];
}

export interface ContactReadService {
  /** Ids this subgraph does not know are left out; the caller decides what that means. */
  contacts(request: ContactsRequest): Promise<ContactsAnswer>;
}

/**
 * Names and email addresses for the notifications worker, on users' internal listener (a signed
 * service read: platform/http/internal-read.ts). Email and name only: phones and addresses, the
 * encrypted PII, never leave through it. Two batched reads per request whatever its size
 * (plus one for the stores' owners).
 */
export function createContactReadService(deps: { users: Pick<UserRepository, 'findByIds'>; vendors: Pick<VendorRepository, 'findByIds'> }): ContactReadService {
  return {
    async contacts(request) {
      const [users, vendors] = await Promise.all([
        request.userIds.length > 0 ? deps.users.findByIds([...new Set(request.userIds)]) : [],
        request.vendorIds.length > 0 ? deps.vendors.findByIds([...new Set(request.vendorIds)]) : [],
      ]);
      const ownerIds = [...new Set(vendors.map((vendor) => vendor.ownerId))];
      const owners = new Map((ownerIds.length > 0 ? await deps.users.findByIds(ownerIds) : []).map((owner) => [owner.id, owner]));
      return {
        users: users.map((user) => ({ id: user.id, email: user.email, name: user.name })),
        vendors: vendors.flatMap((vendor) => {
          const owner = owners.get(vendor.ownerId);
          return owner ? [{ id: vendor.id, name: vendor.name, ownerEmail: owner.email }] : [];
        }),
      };
    },
  };
}
