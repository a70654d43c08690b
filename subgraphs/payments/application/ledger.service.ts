import { valueOrThrow } from '../../../platform/errors/graphql-errors.ts';
import { invalidArgument } from '../../../platform/errors/result.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import type { Money } from '../../../platform/money/money.ts';
import { pageRequest, toConnection, type Connection, type ConnectionArgs } from '../../../platform/pagination/connection.ts';
import { z } from 'zod';
import { ledgerVendorFor } from '../domain/access.ts';
import type { LedgerEntry } from '../domain/payment.ts';
import type { PaymentRepository } from '../infra/payment.repository.ts';
import type { PaymentsScope } from './scope.ts';

/** A vendor's balance: one amount per currency it has entries in (empty before its first sale). */
export interface VendorBalance {
  vendorId: string;
  amounts: Money[];
}

export type LedgerEntryConnection = Connection<LedgerEntry>;

const entryCursor = z.object({ at: z.string().datetime(), id: z.string().uuid() });
const cursorOf = (entry: LedgerEntry) => ({ at: entry.createdAt.toISOString(), id: entry.id });

/** Reads of the marketplace ledger: a vendor its own, admins any. */
export interface LedgerService {
  /** A vendor's own (naming another is FORBIDDEN); admins must name one. */
  balance(scope: PaymentsScope, vendorId: string | null | undefined): Promise<VendorBalance>;
  /** Newest first; a vendor's own; admins one vendor's, or everyone's (platform entries too) when none is named. */
  entries(scope: PaymentsScope, args: ConnectionArgs & { vendorId?: string | null }): Promise<LedgerEntryConnection>;
}

export function createLedgerService(deps: { payments: PaymentRepository }): LedgerService {
  const vendorArgument = (vendorId: string | null) => (vendorId === null || isUuid(vendorId) ? vendorId : valueOrThrow(invalidArgument<string>('`vendorId` is a UUID.')));
  return {
    async balance(scope, vendorId) {
      const owner = vendorArgument(valueOrThrow(ledgerVendorFor(scope.viewer, vendorId)));
      if (owner === null) return valueOrThrow(invalidArgument('Name the vendor whose balance to read (`vendorId`).'));
      return { vendorId: owner, amounts: await deps.payments.balances(owner) };
    },

    async entries(scope, args) {
      const owner = vendorArgument(valueOrThrow(ledgerVendorFor(scope.viewer, args.vendorId)));
      const page = valueOrThrow(pageRequest(args, entryCursor));
      scope.signal.throwIfAborted();
      const [rows, total] = await Promise.all([deps.payments.entries(owner, page.limit, page.after), deps.payments.countEntries(owner)]);
      return toConnection(rows, page, total, cursorOf);
    },
  };
}
