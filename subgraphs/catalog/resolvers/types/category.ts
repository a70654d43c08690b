import type { CategoryResolvers } from '../../__generated__/resolvers-types.ts';

export const Category: CategoryResolvers = {
  __resolveReference: (reference, ctx) => ctx.services.categories.byId(reference.id),
  parent: (category, _args, ctx) => ctx.services.categories.byId(category.parentId),
  children: (category, _args, ctx) => ctx.services.categories.children(category),
  path: (category, _args, ctx) => ctx.services.categories.path(category),
  products: (category, args, ctx) => ctx.services.queries.categoryProducts(category.id, args),
};
