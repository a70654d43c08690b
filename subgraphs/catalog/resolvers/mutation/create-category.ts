import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const createCategory: NonNullable<MutationResolvers['createCategory']> = async (_parent, { input }, ctx) =>
  payload('category', await ctx.services.categories.create(ctx, input));
