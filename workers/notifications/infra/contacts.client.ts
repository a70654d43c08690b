import { z } from 'zod';
import type { InternalReadClient } from '../../../platform/http/internal-read.ts';

/** A customer as users gives it to the worker: where to write and how to greet. */
export interface UserContact {
  id: string;
  email: string;
  name: string;
}

/** A store as users gives it: its name and its owner's address. */
export interface VendorContact {
  id: string;
  name: string;
  ownerEmail: string;
}

/** The most ids of each kind one lookup may carry (users' internal route refuses more). */
export const MAX_CONTACT_IDS = 100;

/**
 * The port to the owner of names and addresses (the users subgraph's POST /internal/contacts).
 * Ids it does not know are left out of the answer; a failure to answer throws.
 */
export interface ContactDirectory {
  lookup(request: { userIds: string[]; vendorIds: string[] }, options?: { requestId?: string }): Promise<{ users: UserContact[]; vendors: VendorContact[] }>;
}

/** Users' answer to POST /internal/contacts, checked before use (subgraphs/users/application/contact-read.ts). */
const contactsAnswer = z.object({
  users: z.array(z.object({ id: z.string(), email: z.string().min(3), name: z.string() })).max(MAX_CONTACT_IDS),
  vendors: z.array(z.object({ id: z.string(), name: z.string(), ownerEmail: z.string().min(3) })).max(MAX_CONTACT_IDS),
});

export const CONTACTS_PATH = '/internal/contacts';

/** The contact directory over users' internal route (a signed read; never users' database). */
export function createContactsClient(users: InternalReadClient): ContactDirectory {
  return {
    async lookup(request, options) {
      if (request.userIds.length === 0 && request.vendorIds.length === 0) return { users: [], vendors: [] };
      return users.post(CONTACTS_PATH, request, { schema: contactsAnswer, requestId: options?.requestId });
    },
  };
}
