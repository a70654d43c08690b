import { spreadPayload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const updateCartLine: NonNullable<MutationResolvers['updateCartLine']> = async (_parent, { input }, ctx) =>
  spreadPayload(await ctx.services.carts.updateLine(ctx, input), ['cart', 'cartToken']);
