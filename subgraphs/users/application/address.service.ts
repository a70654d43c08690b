import { z } from 'zod';
import type { Viewer } from '../../../platform/auth/viewer.ts';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { UsersErrorCodes } from '../domain/error-codes.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { MAX_ADDRESSES_PER_USER, parseAddress, type AddressInput } from '../domain/address.ts';
import type { Address, User } from '../domain/models.ts';
import type { AddressRepository } from '../infra/address.repository.ts';
import { requireViewer } from './access.ts';
import type { UsersLoaders } from './loaders.ts';
import type { UserService } from './user.service.ts';

export interface AddressChange extends AddressInput {
  /** true: make this the default; false: stop it being the default; absent: unchanged (create: first one is default). */
  isDefault?: boolean | null;
}

export interface AddressService {
  /** A user's addresses, default first; FORBIDDEN unless it is the viewer's own account or an admin. */
  listFor(viewer: Viewer | null, user: User, loaders: UsersLoaders, signedInNow?: ReadonlySet<string>): Promise<Address[]>;
  add(viewer: Viewer | null, input: AddressChange): Promise<Result<Address>>;
  update(viewer: Viewer | null, id: string, input: AddressChange): Promise<Result<Address>>;
  remove(viewer: Viewer | null, id: string): Promise<Result<string>>;
}

const notFound = () => userError(UsersErrorCodes.ADDRESS_NOT_FOUND, 'You have no address with this id.', ['id']);
const isUuid = (id: string) => z.string().uuid().safeParse(id).success;

/** Addresses belong to the signed-in account only: another user's id reads as "not found". */
export function createAddressService(deps: { addresses: AddressRepository; users: UserService }): AddressService {
  return {
    async listFor(viewer, user, loaders, signedInNow) {
      deps.users.assertCanSeePrivate(viewer, user, signedInNow);
      return loaders.addressesByUserId.load(user.id);
    },
    async add(viewer, input) {
      const signedIn = requireViewer(viewer);
      const fields = parseAddress(input, ['input']);
      if (!fields.ok) return fields;
      if ((await deps.addresses.countByUser(signedIn.userId)) >= MAX_ADDRESSES_PER_USER) {
        return fail(
          userError(ErrorCodes.VALIDATION_FAILED, `You can keep at most ${MAX_ADDRESSES_PER_USER} addresses; delete one first.`),
        );
      }
      return ok(await deps.addresses.create(signedIn.userId, fields.value, input.isDefault ?? null));
    },
    async update(viewer, id, input) {
      const signedIn = requireViewer(viewer);
      if (!isUuid(id)) return fail(notFound());
      const fields = parseAddress(input, ['input']);
      if (!fields.ok) return fields;
      const updated = await deps.addresses.update(signedIn.userId, id, fields.value, input.isDefault ?? null);
      return updated ? ok(updated) : fail(notFound());
    },
    async remove(viewer, id) {
      const signedIn = requireViewer(viewer);
      if (!isUuid(id) || !(await deps.addresses.delete(signedIn.userId, id))) return fail(notFound());
      return ok(id);
    },
  };
}
