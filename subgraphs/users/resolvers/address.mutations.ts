import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { payload } from './payloads.ts';

export const addAddress: NonNullable<MutationResolvers['addAddress']> = async (_parent, { input }, context) =>
  payload('address', await context.services.addresses.add(context.viewer, input));

export const updateAddress: NonNullable<MutationResolvers['updateAddress']> = async (_parent, { id, input }, context) =>
  payload('address', await context.services.addresses.update(context.viewer, id, input));

export const deleteAddress: NonNullable<MutationResolvers['deleteAddress']> = async (_parent, { id }, context) =>
  payload('deletedAddressId', await context.services.addresses.remove(context.viewer, id));
