import { DateTime } from '../../../platform/graphql/scalars.ts';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { addCartLine } from './mutation/add-cart-line.ts';
import { mergeGuestCart } from './mutation/merge-guest-cart.ts';
import { removeCartLine } from './mutation/remove-cart-line.ts';
import { updateCartLine } from './mutation/update-cart-line.ts';
import { cart } from './query/cart.ts';
import { myCart } from './query/my-cart.ts';
import { CartLine } from './types/cart-line.ts';
import { CartVendorTotal } from './types/cart-vendor-total.ts';
import { Money } from './types/money.ts';

/** The cart's resolver map, typed by codegen against schema.graphql. */
export const resolvers: Resolvers = {
  DateTime,
  Query: { myCart, cart },
  Mutation: { addCartLine, updateCartLine, removeCartLine, mergeGuestCart },
  CartLine,
  CartVendorTotal,
  Money,
};
