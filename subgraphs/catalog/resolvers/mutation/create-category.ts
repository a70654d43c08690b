import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';
import { payload } from '../payload.ts';

export const createCategory: NonNullable<MutationResolvers['createCategory']> = async (_parent, { input }, ctx) =>
  payload(await ctx.services.categories.create(input), 'category');
