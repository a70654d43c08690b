import { z } from 'zod';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { forbidden } from '../../../platform/errors/graphql-errors.ts';
import { UsersErrorCodes } from '../domain/error-codes.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { pageRequest, toConnection, type Connection, type ConnectionArgs } from '../../../platform/pagination/connection.ts';
import { moveAccount, type AccountStatus } from '../domain/account.process.ts';
import type { User } from '../domain/models.ts';
import { parseName, parsePhone } from '../domain/profile.ts';
import { canSeePrivateProfile } from '../domain/roles.ts';
import type { UserRepository } from '../infra/user.repository.ts';
import { requireAdmin, requireViewer } from './access.ts';
import type { UsersLoaders } from './loaders.ts';

export interface UpdateProfileInput {
  /** Absent: unchanged. */
  name?: string | null;
  /** Absent: unchanged; null or "": removed. */
  phone?: string | null;
}

export interface ListUsersArgs extends ConnectionArgs {
  search?: string | null;
  status?: AccountStatus | null;
}

export interface UserService {
  /** The signed-in account, or null when anonymous. */
  me(viewer: Viewer | null, loaders: UsersLoaders): Promise<User | null>;
  /** A federated reference: any account by id (its private fields stay guarded). */
  byId(id: string, loaders: UsersLoaders): Promise<User | null>;
  /** Admins only. */
  adminGet(viewer: Viewer | null, id: string, loaders: UsersLoaders): Promise<User | null>;
  /** Throws FORBIDDEN unless the viewer is this account (or just signed in as it) or an admin. */
  assertCanSeePrivate(viewer: Viewer | null, user: User, signedInNow?: ReadonlySet<string>): void;
  updateProfile(viewer: Viewer | null, input: UpdateProfileInput): Promise<Result<User>>;
  list(viewer: Viewer | null, args: ListUsersArgs): Promise<Connection<User>>;
  suspend(viewer: Viewer | null, id: string, reason: string | null): Promise<Result<User>>;
  reactivate(viewer: Viewer | null, id: string): Promise<Result<User>>;
}

const userCursor = z.object({ createdAt: z.string().datetime(), id: z.string().uuid() });
const MAX_SEARCH_LENGTH = 100;

export function createUserService(deps: { users: UserRepository; logger: Logger; now?: () => Date }): UserService {
  const log = deps.logger.child({ component: 'UserService' });
  const now = deps.now ?? (() => new Date());

  async function move(viewer: Viewer | null, id: string, to: AccountStatus, reason: string | null): Promise<Result<User>> {
    const admin = requireAdmin(viewer);
    if (to === 'SUSPENDED' && id === admin.userId) {
      return fail(userError(UsersErrorCodes.ACCOUNT_ILLEGAL_TRANSITION, 'You cannot suspend your own account.', ['id']));
    }
    const user = z.string().uuid().safeParse(id).success ? await deps.users.findById(id) : null;
    if (!user) return fail(userError(UsersErrorCodes.USER_NOT_FOUND, 'No account has this id.', ['id']));
    const allowed = moveAccount(user.status, to);
    if (!allowed.ok) return allowed;
    const moved = await deps.users.changeStatus(id, user.status, to, reason, now());
    if (!moved) return fail(userError(UsersErrorCodes.ACCOUNT_ILLEGAL_TRANSITION, 'The account changed meanwhile; reload and retry.'));
    log.info({ userId: id, by: admin.userId, status: to }, 'account status changed');
    return ok(moved);
  }

  return {
    async me(viewer, loaders) {
      return viewer ? loaders.userById.load(viewer.userId) : null;
    },
    async byId(id, loaders) {
      return z.string().uuid().safeParse(id).success ? loaders.userById.load(id) : null;
    },
    async adminGet(viewer, id, loaders) {
      requireAdmin(viewer);
      return z.string().uuid().safeParse(id).success ? loaders.userById.load(id) : null;
    },
    assertCanSeePrivate(viewer, user, signedInNow) {
      if (!canSeePrivateProfile(viewer, user.id, signedInNow)) throw forbidden('Only this account and administrators can see this.');
    },
    async updateProfile(viewer, input) {
      const signedIn = requireViewer(viewer);
      const errors: UserError[] = [];
      const changes: { name?: string; phone?: string | null } = {};
      if (input.name !== undefined && input.name !== null) {
        const name = parseName(input.name, ['input', 'name']);
        if (name.ok) changes.name = name.value;
        else errors.push(...name.errors);
      }
      if (input.phone !== undefined) {
        const phone = parsePhone(input.phone, ['input', 'phone']);
        if (phone.ok) changes.phone = phone.value;
        else errors.push(...phone.errors);
      }
      if (errors.length > 0) return fail(...errors);
      const user = await deps.users.findById(signedIn.userId);
      if (!user) return fail(userError(UsersErrorCodes.USER_NOT_FOUND, 'Your account no longer exists.'));
      return ok(await deps.users.updateProfile(user.id, changes));
    },
    async list(viewer, args) {
      requireAdmin(viewer);
      const page = pageRequest(args, userCursor);
      const search = args.search?.trim() ? args.search.trim().slice(0, MAX_SEARCH_LENGTH) : null;
      const { rows, totalCount } = await deps.users.list({ search, status: args.status ?? null, limit: page.limit, after: page.after });
      return toConnection(rows, page, totalCount, (user) => ({ createdAt: user.createdAt.toISOString(), id: user.id }));
    },
    suspend: (viewer, id, reason) => move(viewer, id, 'SUSPENDED', reason?.trim() ? reason.trim().slice(0, 500) : null),
    reactivate: (viewer, id) => move(viewer, id, 'ACTIVE', null),
  };
}
