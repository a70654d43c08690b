import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const createLocation: NonNullable<MutationResolvers['createLocation']> = async (_parent, { input }, ctx) =>
  payload('location', await ctx.services.stock.createLocation(ctx, input));
