import { spreadPayload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const mergeGuestCart: NonNullable<MutationResolvers['mergeGuestCart']> = async (_parent, { input }, ctx) =>
  spreadPayload(await ctx.services.carts.mergeGuestCart(ctx, input), ['cart', 'cartToken']);
