import { spreadPayload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const addCartLine: NonNullable<MutationResolvers['addCartLine']> = async (_parent, { input }, ctx) =>
  spreadPayload(await ctx.services.carts.addLine(ctx, input), ['cart', 'cartToken']);
