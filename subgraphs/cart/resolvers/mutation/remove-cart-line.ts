import { spreadPayload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const removeCartLine: NonNullable<MutationResolvers['removeCartLine']> = async (_parent, { input }, ctx) =>
  spreadPayload(await ctx.services.carts.removeLine(ctx, input), ['cart', 'cartToken']);
