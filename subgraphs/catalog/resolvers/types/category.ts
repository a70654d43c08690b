import type { CategoryResolvers } from '../../__generated__/resolvers-types.ts';

export const Category: CategoryResolvers = {
  __resolveReference: (reference, ctx) => ctx.services.categories.byId(ctx, reference.id),
  parent: (category, _args, ctx) => ctx.services.categories.byId(ctx, category.parentId),
  children: (category, _args, ctx) => ctx.services.categories.children(ctx, category),
  path: (category, _args, ctx) => ctx.services.categories.path(ctx, category),
  products: (category, args, ctx) => ctx.services.queries.categoryProducts(ctx, category.id, args),
};
