import { subgraphPrismaConfig } from '../subgraph-prisma-config.ts';

// The migrate script sets DATABASE_URL (the dev or test database); the CLI reads nothing else.
export default subgraphPrismaConfig(import.meta.dirname, process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/shop_cart');
