import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { payload } from './payloads.ts';

export const applyForVendor: NonNullable<MutationResolvers['applyForVendor']> = async (_parent, { input }, context) =>
  payload('vendor', await context.services.vendors.apply(context.viewer, input));

export const approveVendor: NonNullable<MutationResolvers['approveVendor']> = async (_parent, { id }, context) =>
  payload('vendor', await context.services.vendors.approve(context.viewer, id));

export const rejectVendor: NonNullable<MutationResolvers['rejectVendor']> = async (_parent, { id, reason }, context) =>
  payload('vendor', await context.services.vendors.reject(context.viewer, id, reason));

export const suspendVendor: NonNullable<MutationResolvers['suspendVendor']> = async (_parent, { id, reason }, context) =>
  payload('vendor', await context.services.vendors.suspend(context.viewer, id, reason ?? null));
