import { z } from 'zod';
import { signedIn } from '../../../platform/auth/access.ts';
import type { SessionRevoker } from '../../../platform/auth/session-revocations.ts';
import { valueOrThrow } from '../../../platform/errors/graphql-errors.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError, type UserError } from '../../../platform/errors/user-error.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import type { Logger } from '../../../platform/logging/logger.ts';
import { pageRequest, toConnection, type Connection, type ConnectionArgs } from '../../../platform/pagination/connection.ts';
import { cursorField } from '../../../platform/pagination/cursor-fields.ts';
import { textArgument } from '../../../platform/validation/text.ts';
import { asAdmin, canSeePrivateProfile } from '../domain/access.ts';
import { moveAccount, type AccountStatus } from '../domain/account.process.ts';
import { UsersErrorCodes } from '../domain/error-codes.ts';
import { parseStatusReason } from '../domain/status-reason.ts';
import { parseName, parsePhone, type User } from '../domain/user.ts';
import type { UserRepository } from '../infra/user.repository.ts';
import type { UsersScope } from './scope.ts';

export interface UpdateProfileCommand {
  /** Absent: unchanged. */
  name?: string | null;
  /** Absent: unchanged; null or "": removed. */
  phone?: string | null;
}

export interface UserListArgs extends ConnectionArgs {
  search?: string | null;
  status?: AccountStatus | null;
}

export interface SuspendUserCommand {
  id: string;
  /** Kept for the record; trimmed, at most 500 characters. */
  reason?: string | null;
}

export interface ReactivateUserCommand {
  id: string;
}

export interface UserService {
  /** The signed-in account, or null when anonymous. */
  me(scope: UsersScope): Promise<User | null>;
  /** A federated reference: any account by id (its private fields stay guarded). */
  byId(scope: UsersScope, id: string): Promise<User | null>;
  /** Any account by id, for admins (FORBIDDEN otherwise). */
  adminGet(scope: UsersScope, id: string): Promise<User | null>;
  /** The account with its private fields, for itself (or whoever just signed in as it) and admins; FORBIDDEN otherwise. */
  privateProfile(scope: UsersScope, user: User): User;
  updateProfile(scope: UsersScope, input: UpdateProfileCommand): Promise<Result<User>>;
  /** Admins only; newest first. */
  list(scope: UsersScope, args: UserListArgs): Promise<Connection<User>>;
  /** Admins only; ends every session of the account at once, access tokens included. */
  suspend(scope: UsersScope, input: SuspendUserCommand): Promise<Result<User>>;
  /** Admins only. */
  reactivate(scope: UsersScope, input: ReactivateUserCommand): Promise<Result<User>>;
}

const userCursor = z.object({ createdAt: cursorField.timestamp(), id: cursorField.id() });
const MAX_SEARCH_LENGTH = 100;
const MAX_REASON_LENGTH = 500;
const notFound = () => userError(UsersErrorCodes.USER_NOT_FOUND, 'No account has this id.', ['input', 'id']);
const logger = (scope: UsersScope): Logger => scope.logger.child({ component: 'UserService' });

export function createUserService(deps: { users: UserRepository; revocations: SessionRevoker; now: () => Date }): UserService {
  async function move(scope: UsersScope, id: string, to: AccountStatus, reason: string | null): Promise<Result<User>> {
    const admin = valueOrThrow(asAdmin(scope.viewer));
    if (to === 'SUSPENDED' && id === admin.userId) {
      return fail(userError(UsersErrorCodes.ACCOUNT_ILLEGAL_TRANSITION, 'You cannot suspend your own account.', ['input', 'id']));
    }
    const user = isUuid(id) ? await deps.users.findById(id) : null;
    if (!user) return fail(notFound());
    const allowed = moveAccount(user.status, to);
    if (!allowed.ok) return allowed;
    const at = deps.now();
    const moved = await deps.users.changeStatus(id, user.status, to, reason, at);
    if (!moved) return fail(userError(UsersErrorCodes.ACCOUNT_ILLEGAL_TRANSITION, 'The account changed meanwhile; reload and retry.'));
    if (to === 'SUSPENDED') await deps.revocations.endAccountSessions(id, at);
    logger(scope).info({ userId: id, by: admin.userId, from: user.status, to }, 'account status changed');
    return ok(moved);
  }

  return {
    async me(scope) {
      return scope.viewer ? scope.loaders.userById.load(scope.viewer.userId) : null;
    },
    async byId(scope, id) {
      return isUuid(id) ? scope.loaders.userById.load(id) : null;
    },
    async adminGet(scope, id) {
      valueOrThrow(asAdmin(scope.viewer));
      return isUuid(id) ? scope.loaders.userById.load(id) : null;
    },
    privateProfile(scope, user) {
      valueOrThrow(canSeePrivateProfile(scope.viewer, user.id, scope.signedInNow));
      return user;
    },
    async updateProfile(scope, input) {
      const viewer = valueOrThrow(signedIn(scope.viewer));
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
      const user = await deps.users.findById(viewer.userId);
      if (!user) return fail(userError(UsersErrorCodes.USER_NOT_FOUND, 'Your account no longer exists.'));
      return ok(await deps.users.updateProfile(user.id, changes));
    },
    async list(scope, args) {
      scope.signal.throwIfAborted();
      valueOrThrow(asAdmin(scope.viewer));
      const page = valueOrThrow(pageRequest(args, userCursor));
      const text = args.search?.trim() ? valueOrThrow(textArgument(args.search.trim(), 'search')) : null;
      // Cut at whole characters: half of a surrogate pair is text PostgreSQL refuses.
      const search = text ? [...text].slice(0, MAX_SEARCH_LENGTH).join('') : null;
      const { rows, totalCount } = await deps.users.list({ search, status: args.status ?? null, limit: page.limit, after: page.after });
      return toConnection(rows, page, totalCount, (user) => ({ createdAt: user.createdAt.toISOString(), id: user.id }));
    },
    async suspend(scope, input) {
      valueOrThrow(asAdmin(scope.viewer));
      const reason = parseStatusReason(input.reason, ['input', 'reason'], { max: MAX_REASON_LENGTH, required: false });
      return reason.ok ? move(scope, input.id, 'SUSPENDED', reason.value) : reason;
    },
    reactivate: (scope, input) => move(scope, input.id, 'ACTIVE', null),
  };
}
