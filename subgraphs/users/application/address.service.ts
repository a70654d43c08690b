import { signedIn } from '../../../platform/auth/access.ts';
import { ErrorCodes } from '../../../platform/errors/codes.ts';
import { valueOrThrow } from '../../../platform/errors/graphql-errors.ts';
import { fail, ok, type Result } from '../../../platform/errors/result.ts';
import { userError } from '../../../platform/errors/user-error.ts';
import { isUuid } from '../../../platform/ids/uuid.ts';
import { canSeePrivateProfile } from '../domain/access.ts';
import { MAX_ADDRESSES_PER_USER, parseAddress, type Address, type AddressInput } from '../domain/address.ts';
import { UsersErrorCodes } from '../domain/error-codes.ts';
import type { User } from '../domain/user.ts';
import type { AddressRepository } from '../infra/address.repository.ts';
import type { UsersScope } from './scope.ts';

export interface AddressChange extends AddressInput {
  /** true: make this the default; false: stop it being the default; absent: unchanged (create: first one is default). */
  isDefault?: boolean | null;
}

export interface UpdateAddressCommand {
  id: string;
  address: AddressChange;
}

export interface DeleteAddressCommand {
  id: string;
}

export interface AddressService {
  /** A user's addresses, default first; FORBIDDEN unless it is the viewer's own account or an admin. */
  listFor(scope: UsersScope, user: User): Promise<Address[]>;
  add(scope: UsersScope, input: AddressChange): Promise<Result<Address>>;
  update(scope: UsersScope, input: UpdateAddressCommand): Promise<Result<Address>>;
  /** The deleted address' id. */
  remove(scope: UsersScope, input: DeleteAddressCommand): Promise<Result<string>>;
}

const notFound = () => userError(UsersErrorCodes.ADDRESS_NOT_FOUND, 'You have no address with this id.', ['input', 'id']);

/** Addresses belong to the signed-in account only: another user's id reads as "not found". */
export function createAddressService(deps: { addresses: AddressRepository }): AddressService {
  return {
    async listFor(scope, user) {
      valueOrThrow(canSeePrivateProfile(scope.viewer, user.id, scope.signedInNow));
      return scope.loaders.addressesByUserId.load(user.id);
    },
    async add(scope, input) {
      const viewer = valueOrThrow(signedIn(scope.viewer));
      const fields = parseAddress(input, ['input']);
      if (!fields.ok) return fields;
      if ((await deps.addresses.countByUser(viewer.userId)) >= MAX_ADDRESSES_PER_USER) {
        return fail(userError(ErrorCodes.VALIDATION_FAILED, `You can keep at most ${MAX_ADDRESSES_PER_USER} addresses; delete one first.`));
      }
      return ok(await deps.addresses.create(viewer.userId, fields.value, input.isDefault ?? null));
    },
    async update(scope, input) {
      const viewer = valueOrThrow(signedIn(scope.viewer));
      if (!isUuid(input.id)) return fail(notFound());
      const fields = parseAddress(input.address, ['input', 'address']);
      if (!fields.ok) return fields;
      const updated = await deps.addresses.update(viewer.userId, input.id, fields.value, input.address.isDefault ?? null);
      return updated ? ok(updated) : fail(notFound());
    },
    async remove(scope, input) {
      const viewer = valueOrThrow(signedIn(scope.viewer));
      if (!isUuid(input.id) || !(await deps.addresses.delete(viewer.userId, input.id))) return fail(notFound());
      return ok(input.id);
    },
  };
}
