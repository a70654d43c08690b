import { payload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const tokenizeCard: NonNullable<MutationResolvers['tokenizeCard']> = async (_parent, { input }, ctx) => payload('card', await ctx.services.cards.tokenize(ctx, input));
