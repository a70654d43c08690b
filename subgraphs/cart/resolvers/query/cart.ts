import type { QueryResolvers } from '../../__generated__/resolvers-types.ts';

export const cart: NonNullable<QueryResolvers['cart']> = (_parent, args, ctx) => ctx.services.carts.guestCart(ctx, args.cartToken);
