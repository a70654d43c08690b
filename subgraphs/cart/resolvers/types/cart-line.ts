import type { CartLineResolvers } from '../../__generated__/resolvers-types.ts';

export const CartLine: CartLineResolvers = {
  // A reference the gateway resolves at catalog (names, images, options).
  variant: (line) => ({ id: line.variantId }),
};
