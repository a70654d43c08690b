import type { StockMovementResolvers } from '../../__generated__/resolvers-types.ts';

export const StockMovement: StockMovementResolvers = {
  location: (movement, _args, ctx) => ctx.services.stock.location(ctx, movement.locationId),
};
