import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const createProduct: NonNullable<MutationResolvers['createProduct']> = async (_parent, { input }, ctx) =>
  payload('product', await ctx.services.products.create(ctx, input));
