import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';
import { payload } from '../payload.ts';

export const updateProduct: NonNullable<MutationResolvers['updateProduct']> = async (_parent, { input }, ctx) =>
  payload(await ctx.services.products.update(input), 'product');
