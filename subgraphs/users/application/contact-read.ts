import { z } from 'zod';
import type { ContactRepository } from '../infra/contact.repository.ts';

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
 * encrypted PII, never leave through it. One statement per request whatever its size.
 */
export function createContactReadService(deps: { contacts: ContactRepository }): ContactReadService {
  return {
    async contacts(request) {
      const rows = await deps.contacts.find(request.userIds, request.vendorIds);
      return {
        users: rows.filter((row) => row.kind === 'USER').map((row) => ({ id: row.id, email: row.email, name: row.name })),
        vendors: rows.filter((row) => row.kind === 'VENDOR').map((row) => ({ id: row.id, name: row.name, ownerEmail: row.email })),
      };
    },
  };
}
