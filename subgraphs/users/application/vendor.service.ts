import { z } from 'zod';
import { signedIn } from '../../../platform/auth/access.ts';
import type { SessionRevoker } from '../../../platform/auth/session-revocations.ts';
import { valueOrThrow } from '../../../platform/errors/graphql-errors.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { lookupKey } from '../../../platform/ids/lookup-key.ts';
import { outboxEntry, type OutboxEntry } from '../../../platform/messaging/outbox.ts';
import { vendorReinstatedV1, vendorSuspendedV1 } from '../../../contracts/vendor.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { pageRequest, toConnection, type Connection, type ConnectionArgs } from '../../../platform/pagination/connection.ts';
import { cursorField } from '../../../platform/pagination/cursor-fields.ts';
import { asAdmin, canSeeVendorInternals, listableVendorStatuses, ownerRoleFor } from '../domain/access.ts';
import { UsersErrorCodes } from '../domain/error-codes.ts';
import type { User } from '../domain/user.ts';
import { holdsSlug, isPublicVendorStatus, moveVendor, vendorStatusAnnouncement, type VendorStatus } from '../domain/vendor.process.ts';
import { parseStatusReason } from '../domain/status-reason.ts';
import { parseSlug, parseStoreDescription, parseStoreName, type Vendor } from '../domain/vendor.ts';
import type { VendorCache } from '../infra/vendor-cache.ts';
import type { VendorRepository } from '../infra/vendor.repository.ts';
import type { UsersScope } from './scope.ts';

export interface ApplyForVendorCommand {
  name: string;
  slug: string;
  description?: string | null;
}

export interface VendorListArgs extends ConnectionArgs {
  status?: VendorStatus | null;
}

export interface ApproveVendorCommand {
  id: string;
}

export interface RejectVendorCommand {
  id: string;
  /** Shown to the applicant: 1 to 1000 characters. */
  reason: string;
}

export interface SuspendVendorCommand {
  id: string;
  /** Shown to the owner; trimmed, at most 1000 characters. */
  reason?: string | null;
}

export interface VendorService {
  /** Public stores to everyone; any store to its owner and admins; null otherwise. BAD_USER_INPUT unless exactly one key. */
  find(scope: UsersScope, by: { id?: string | null; slug?: string | null }): Promise<Vendor | null>;
  /** A federated reference from another subgraph (e.g. a product's vendor), batched. */
  resolveReference(scope: UsersScope, id: string): Promise<Vendor | null>;
  /** The store a user owns or last applied for; FORBIDDEN unless it is the viewer or an admin. */
  ownedBy(scope: UsersScope, user: User): Promise<Vendor | null>;
  /** The rejection or suspension reason, for the owner and admins only (null for others). */
  statusReason(scope: UsersScope, vendor: Vendor): string | null;
  /** Approved stores for everyone; admins may see every status, filtered by `status`. */
  list(scope: UsersScope, args: VendorListArgs): Promise<Connection<Vendor>>;
  apply(scope: UsersScope, input: ApplyForVendorCommand): Promise<Result<Vendor>>;
  approve(scope: UsersScope, input: ApproveVendorCommand): Promise<Result<Vendor>>;
  reject(scope: UsersScope, input: RejectVendorCommand): Promise<Result<Vendor>>;
  /** Ends the owner's vendor rights at once: every token acting for the store is refused. */
  suspend(scope: UsersScope, input: SuspendVendorCommand): Promise<Result<Vendor>>;
}

const vendorCursor = z.object({ name: cursorField.text(1000), id: cursorField.id() });
const MAX_REASON_LENGTH = 1000;
const logger = (scope: UsersScope): Logger => scope.logger.child({ component: 'VendorService' });

/**
 * `cache` is the Redis vendor cache the loaders read through; every write to a store drops its
 * entry once the write has committed, so each instance sees the change at once. `revocations`
 * ends the tokens that act for a suspended store.
 */
export function createVendorService(deps: {
  vendors: VendorRepository;
  cache: VendorCache;
  revocations: SessionRevoker;
  now: () => Date;
  /** The outbox relay, told to look now after a status event was written (null: it polls). */
  outbox: { nudge(): void } | null;
}): VendorService {
  const visible = (scope: UsersScope, vendor: Vendor | null): Vendor | null =>
    vendor && (isPublicVendorStatus(vendor.status) || canSeeVendorInternals(scope.viewer, vendor.ownerId, scope.signedInNow).ok) ? vendor : null;

  async function move(scope: UsersScope, id: string, to: VendorStatus, reason: string | null): Promise<Result<Vendor>> {
    const admin = valueOrThrow(asAdmin(scope.viewer));
    const vendor = isUuid(id) ? await deps.vendors.findById(id) : null;
    if (!vendor) return fail(userError(UsersErrorCodes.VENDOR_NOT_FOUND, 'No store has this id.', ['input', 'id']));
    const allowed = moveVendor(vendor.status, to);
    if (!allowed.ok) return allowed;
    const at = deps.now();
    const announcement = vendorStatusAnnouncement(vendor.status, to);
    const payload = { vendorId: id, reason, changedBy: admin.userId };
    const announce: OutboxEntry | null =
      announcement === 'SUSPENDED'
        ? outboxEntry(vendorSuspendedV1, payload, scope.requestId)
        : announcement === 'REINSTATED'
          ? outboxEntry(vendorReinstatedV1, payload, scope.requestId)
          : null;
    const moved = await deps.vendors.changeStatus(id, {
      from: vendor.status,
      to,
      reason,
      decidedBy: admin.userId,
      at,
      ownerRole: (role) => ownerRoleFor(role, to),
      announce,
    });
    if (!moved) return fail(userError(UsersErrorCodes.VENDOR_ILLEGAL_TRANSITION, 'The store changed meanwhile; reload and retry.'));
    if (announce) deps.outbox?.nudge();
    await deps.cache.invalidate([id]);
    if (to === 'SUSPENDED') await deps.revocations.endStoreSessions(id, at);
    logger(scope).info({ vendorId: id, by: admin.userId, from: vendor.status, to }, 'store status changed');
    return ok(moved);
  }

  return {
    async find(scope, by) {
      const lookup = valueOrThrow(lookupKey(by, 'store'));
      if (lookup.by === 'id') return isUuid(lookup.id) ? visible(scope, await scope.loaders.vendorById.load(lookup.id)) : null;
      return visible(scope, await deps.vendors.findBySlug(lookup.slug.toLowerCase()));
    },
    async resolveReference(scope, id) {
      return isUuid(id) ? scope.loaders.vendorById.load(id) : null;
    },
    async ownedBy(scope, user) {
      valueOrThrow(canSeeVendorInternals(scope.viewer, user.id, scope.signedInNow));
      return scope.loaders.vendorByOwnerId.load(user.id);
    },
    statusReason(scope, vendor) {
      return canSeeVendorInternals(scope.viewer, vendor.ownerId, scope.signedInNow).ok ? vendor.statusReason : null;
    },
    async list(scope, args) {
      scope.signal.throwIfAborted();
      const statuses = valueOrThrow(listableVendorStatuses(scope.viewer, args.status ?? null));
      const page = valueOrThrow(pageRequest(args, vendorCursor));
      const { rows, totalCount } = await deps.vendors.list({ statuses, limit: page.limit, after: page.after });
      return toConnection(rows, page, totalCount, (vendor) => ({ name: vendor.name, id: vendor.id }));
    },
    async apply(scope, input) {
      const viewer = valueOrThrow(signedIn(scope.viewer));
      const errors: UserError[] = [];
      const name = parseStoreName(input.name, ['input', 'name']);
      const slug = parseSlug(input.slug, ['input', 'slug']);
      const description = parseStoreDescription(input.description, ['input', 'description']);
      for (const result of [name, slug, description]) if (!result.ok) errors.push(...result.errors);
      if (errors.length > 0 || !name.ok || !slug.ok || !description.ok) return fail(...errors);

      const [current] = await deps.vendors.findLatestByOwners([viewer.userId]);
      const exists = () =>
        fail(userError(UsersErrorCodes.VENDOR_APPLICATION_EXISTS, 'You already have a store or an application under review.'));
      const taken = () => fail(userError(UsersErrorCodes.VENDOR_SLUG_TAKEN, 'Another store already uses this address.', ['input', 'slug']));
      if (current && holdsSlug(current.status)) return exists();
      if (await deps.vendors.findBySlug(slug.value)) return taken();
      // The partial unique indexes settle races the checks above cannot see.
      const created = await deps.vendors.create({ ownerId: viewer.userId, name: name.value, slug: slug.value, description: description.value });
      if (!created.ok) return created.errors.includes('SLUG_TAKEN') ? taken() : exists();
      // Nothing can be cached under a new id yet (misses are not cached); dropped anyway so the
      // rule "every store write invalidates" holds without that reasoning.
      await deps.cache.invalidate([created.value.id]);
      logger(scope).info({ vendorId: created.value.id, ownerId: viewer.userId }, 'store application received');
      return ok(created.value);
    },
    approve: (scope, input) => move(scope, input.id, 'APPROVED', null),
    async reject(scope, input) {
      valueOrThrow(asAdmin(scope.viewer));
      const reason = parseStatusReason(input.reason, ['input', 'reason'], { max: MAX_REASON_LENGTH, required: true });
      return reason.ok ? move(scope, input.id, 'REJECTED', reason.value) : reason;
    },
    async suspend(scope, input) {
      valueOrThrow(asAdmin(scope.viewer));
      const reason = parseStatusReason(input.reason, ['input', 'reason'], { max: MAX_REASON_LENGTH, required: false });
      return reason.ok ? move(scope, input.id, 'SUSPENDED', reason.value) : reason;
    },
  };
}
