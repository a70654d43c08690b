/** The subgraphs this repository runs, in start order (users first: others verify tokens with its JWKS). */
export const SUBGRAPHS = [
  { name: 'users', port: 4001 },
  { name: 'catalog', port: 4002 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export const GATEWAY_PORT = 4000;
