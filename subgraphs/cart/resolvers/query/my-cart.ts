import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const myCart: NonNullable<QueryResolvers['myCart']> = (_parent, _args, ctx) => ctx.services.carts.myCart(ctx);
