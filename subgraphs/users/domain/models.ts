import type { Role } from '../../../platform/auth/viewer.ts';
import type { AccountStatus } from './account.process.ts';
import type { AddressFields } from './address.ts';
import type { VendorStatus } from './vendor.process.ts';

/** An account as the rest of the subgraph sees it: PII already decrypted, no password hash. */
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: AccountStatus;
  phone: string | null;
  suspendedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Address extends AddressFields {
  id: string;
  userId: string;
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface Vendor {
  id: string;
  ownerId: string;
  name: string;
  slug: string;
  description: string | null;
  status: VendorStatus;
  statusReason: string | null;
  decidedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
