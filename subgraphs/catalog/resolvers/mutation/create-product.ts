import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';
import { payload } from '../payload.ts';

export const createProduct: NonNullable<MutationResolvers['createProduct']> = async (_parent, { input }, ctx) =>
  payload(await ctx.services.products.create(input), 'product');
