import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';
import { payload } from '../payload.ts';

export const setProductStatus: NonNullable<MutationResolvers['setProductStatus']> = async (_parent, { input }, ctx) =>
  payload(await ctx.services.products.setStatus(input), 'product');
