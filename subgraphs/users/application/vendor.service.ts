import { z } from 'zod';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { UsersErrorCodes } from '../domain/error-codes.ts';
import { badUserInput, forbidden } from '../../../platform/errors/graphql-errors.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { pageRequest, toConnection, type Connection, type ConnectionArgs } from '../../../platform/pagination/connection.ts';
import type { User, Vendor } from '../domain/models.ts';
import { canSeeVendorInternals, isAdminViewer, ownerRoleFor } from '../domain/roles.ts';
import { parseSlug, parseStoreDescription, parseStoreName } from '../domain/vendor-slug.ts';
import { holdsSlug, isPublicVendorStatus, moveVendor, type VendorStatus } from '../domain/vendor.process.ts';
import type { VendorCache } from '../infra/vendor-cache.ts';
import type { VendorRepository } from '../infra/vendor.repository.ts';
import { requireAdmin, requireViewer } from './access.ts';
import type { UsersLoaders } from './loaders.ts';

export interface ApplyForVendorInput {
  name: string;
  slug: string;
  description?: string | null;
}

export interface ListVendorsArgs extends ConnectionArgs {
  status?: VendorStatus | null;
}

export interface VendorService {
  /** Public stores to everyone; any store to its owner and admins; null otherwise. */
  find(viewer: Viewer | null, by: { id?: string | null; slug?: string | null }, loaders: UsersLoaders): Promise<Vendor | null>;
  /** A federated reference from another subgraph (e.g. a product's vendor), batched. */
  resolveReference(id: string, loaders: UsersLoaders): Promise<Vendor | null>;
  /** The store a user owns or last applied for; FORBIDDEN unless it is the viewer or an admin. */
  ownedBy(viewer: Viewer | null, user: User, loaders: UsersLoaders, signedInNow?: ReadonlySet<string>): Promise<Vendor | null>;
  /** The rejection or suspension reason, for the owner and admins only (null for others). */
  statusReason(viewer: Viewer | null, vendor: Vendor, signedInNow?: ReadonlySet<string>): string | null;
  /** Approved stores for everyone; admins may see every status, filtered by `status`. */
  list(viewer: Viewer | null, args: ListVendorsArgs): Promise<Connection<Vendor>>;
  apply(viewer: Viewer | null, input: ApplyForVendorInput): Promise<Result<Vendor>>;
  approve(viewer: Viewer | null, id: string): Promise<Result<Vendor>>;
  reject(viewer: Viewer | null, id: string, reason: string): Promise<Result<Vendor>>;
  suspend(viewer: Viewer | null, id: string, reason: string | null): Promise<Result<Vendor>>;
}

const vendorCursor = z.object({ name: z.string(), id: z.string().uuid() });
// Built once: building a zod schema per call was ~7% of the users CPU when resolving references.
const uuidSchema = z.string().uuid();
const isUuid = (id: string) => uuidSchema.safeParse(id).success;

/**
 * `cache` (null: none) is the Redis vendor cache the loaders read through; every write to a store
 * drops its entry once the write has committed, so each instance sees the change at once.
 */
export function createVendorService(deps: { vendors: VendorRepository; cache: VendorCache | null; logger: Logger; now?: () => Date }): VendorService {
  const log = deps.logger.child({ component: 'VendorService' });
  const now = deps.now ?? (() => new Date());
  const visible = (viewer: Viewer | null, vendor: Vendor | null): Vendor | null =>
    vendor && (isPublicVendorStatus(vendor.status) || canSeeVendorInternals(viewer, vendor.ownerId)) ? vendor : null;

  async function move(viewer: Viewer | null, id: string, to: VendorStatus, reason: string | null): Promise<Result<Vendor>> {
    const admin = requireAdmin(viewer);
    const vendor = isUuid(id) ? await deps.vendors.findById(id) : null;
    if (!vendor) return fail(userError(UsersErrorCodes.VENDOR_NOT_FOUND, 'No store has this id.', ['id']));
    const allowed = moveVendor(vendor.status, to);
    if (!allowed.ok) return allowed;
    const moved = await deps.vendors.changeStatus(id, {
      from: vendor.status,
      to,
      reason,
      decidedBy: admin.userId,
      at: now(),
      ownerRole: (role) => ownerRoleFor(role, to),
    });
    if (!moved) return fail(userError(UsersErrorCodes.VENDOR_ILLEGAL_TRANSITION, 'The store changed meanwhile; reload and retry.'));
    await deps.cache?.invalidate([id]);
    log.info({ vendorId: id, by: admin.userId, from: vendor.status, to }, 'store status changed');
    return ok(moved);
  }

  return {
    async find(viewer, by, loaders) {
      const hasId = by.id !== undefined && by.id !== null;
      const hasSlug = by.slug !== undefined && by.slug !== null;
      if (hasId === hasSlug) throw badUserInput('Pass exactly one of `id` or `slug`.');
      if (hasId) return isUuid(by.id as string) ? visible(viewer, await loaders.vendorById.load(by.id as string)) : null;
      return visible(viewer, await deps.vendors.findBySlug((by.slug as string).trim().toLowerCase()));
    },
    async resolveReference(id, loaders) {
      return isUuid(id) ? loaders.vendorById.load(id) : null;
    },
    async ownedBy(viewer, user, loaders, signedInNow) {
      if (!canSeeVendorInternals(viewer, user.id, signedInNow)) throw forbidden('Only this account and administrators can see this.');
      return loaders.vendorByOwnerId.load(user.id);
    },
    statusReason(viewer, vendor, signedInNow) {
      return canSeeVendorInternals(viewer, vendor.ownerId, signedInNow) ? vendor.statusReason : null;
    },
    async list(viewer, args) {
      const page = pageRequest(args, vendorCursor);
      let statuses: VendorStatus[] | null;
      if (isAdminViewer(viewer)) statuses = args.status ? [args.status] : null;
      else if (!args.status || args.status === 'APPROVED') statuses = ['APPROVED'];
      else throw forbidden('Only administrators can list stores that are not approved.');
      const { rows, totalCount } = await deps.vendors.list({ statuses, limit: page.limit, after: page.after });
      return toConnection(rows, page, totalCount, (vendor) => ({ name: vendor.name, id: vendor.id }));
    },
    async apply(viewer, input) {
      const signedIn = requireViewer(viewer);
      const errors: UserError[] = [];
      const name = parseStoreName(input.name, ['input', 'name']);
      const slug = parseSlug(input.slug, ['input', 'slug']);
      const description = parseStoreDescription(input.description, ['input', 'description']);
      for (const result of [name, slug, description]) if (!result.ok) errors.push(...result.errors);
      if (errors.length > 0 || !name.ok || !slug.ok || !description.ok) return fail(...errors);

      const [current] = await deps.vendors.findLatestByOwners([signedIn.userId]);
      const exists = () =>
        fail(userError(UsersErrorCodes.VENDOR_APPLICATION_EXISTS, 'You already have a store or an application under review.'));
      const taken = () => fail(userError(UsersErrorCodes.VENDOR_SLUG_TAKEN, 'Another store already uses this address.', ['input', 'slug']));
      if (current && holdsSlug(current.status)) return exists();
      if (await deps.vendors.findBySlug(slug.value)) return taken();
      // The partial unique indexes settle races the checks above cannot see.
      const created = await deps.vendors.create({ ownerId: signedIn.userId, name: name.value, slug: slug.value, description: description.value });
      if (created === 'SLUG_TAKEN') return taken();
      if (created === 'APPLICATION_EXISTS') return exists();
      // Nothing can be cached under a new id yet (misses are not cached); dropped anyway so the
      // rule "every store write invalidates" holds without that reasoning.
      await deps.cache?.invalidate([created.id]);
      log.info({ vendorId: created.id, ownerId: signedIn.userId }, 'store application received');
      return ok(created);
    },
    approve: (viewer, id) => move(viewer, id, 'APPROVED', null),
    async reject(viewer, id, reason) {
      requireAdmin(viewer);
      const trimmed = reason.trim();
      if (trimmed.length === 0 || trimmed.length > 1000) {
        return fail(userError(ErrorCodes.VALIDATION_FAILED, 'Give the applicant a reason (1 to 1000 characters).', ['reason']));
      }
      return move(viewer, id, 'REJECTED', trimmed);
    },
    suspend: (viewer, id, reason) => move(viewer, id, 'SUSPENDED', reason?.trim() ? reason.trim().slice(0, 1000) : null),
  };
}
