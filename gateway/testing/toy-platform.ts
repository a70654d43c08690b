import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'graphql';
import { JWKS_PATH } from '../../platform/auth/access-token.ts';
import { forbidden, unauthenticated } from '../../platform/errors/graphql-errors.ts';
import { startSubgraphServer, type RunningSubgraph } from '../../platform/graphql/subgraph-server.ts';
import type { BaseRequestContext } from '../../platform/graphql/request-context.ts';
import { sendJson } from '../../platform/http/http-server.ts';
import { createLogger, type Logger } from '../../platform/logging/logger.ts';
import { createTestTokenIssuer, type TestSignOptions, type TestTokenClaims, type TestTokenIssuer } from '../../platform/testing/access-tokens.ts';
import { createTestGatewaySigning, testServiceSettings } from '../../platform/testing/gateway-signing.ts';
import { startGateway, type RunningGateway } from '../app.ts';
import { loadGatewayConfig } from '../config.ts';
import { composeSupergraph } from '../supergraph/compose.ts';

/**
 * Two small subgraphs standing in for users and catalog in the gateway's own specs: `accounts`
 * (users, the JWKS, request echoes, coded failures) and `shelf` (products referencing users, a
 * self-nesting type for depth limits, a mutation whose count proves refused documents never ran).
 */
export const ACCOUNTS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  """A person."""
  type User @key(fields: "id") {
    """Stable id."""
    id: ID!
    """Display name."""
    name: String!
  }
  """What a subgraph received from the gateway."""
  type RequestEcho {
    """x-request-id as received."""
    requestId: String!
    """x-client-ip as received."""
    clientIp: String!
    """The verified caller, if any."""
    viewerId: ID
    """Whether an Authorization header arrived."""
    sawToken: Boolean!
  }
  type Query {
    """The signed-in user; UNAUTHENTICATED without a token."""
    me: User
    """Echoes the forwarded headers."""
    echo: RequestEcho!
    """Always refused with FORBIDDEN."""
    forbiddenThing: String
    """Always fails unexpectedly."""
    brokenThing: String
    """Answers once the test opens the gate (for in-flight shutdown tests)."""
    slow: String!
  }
`;

export const SHELF_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  """A person, owned by accounts."""
  type User @key(fields: "id", resolvable: false) {
    """Stable id."""
    id: ID!
  }
  """Something for sale."""
  type Product @key(fields: "id") {
    """Stable id."""
    id: ID!
    """Display name."""
    name: String!
    """Who sells it."""
    vendor: User!
  }
  """A link in an endless chain, for depth limits."""
  type Chain {
    """How far down this link is."""
    level: Int!
    """The next link."""
    next: Chain!
  }
  type Query {
    """Products on the shelf."""
    products: [Product!]!
    """The first link of the chain."""
    chain: Chain!
    """How many times bump ran."""
    bumps: Int!
  }
  type Mutation {
    """Counts one call and returns the chain."""
    bump: Chain!
  }
`;

export const TOY_USERS = [
  { id: '6f1c2b1e-7d2a-4c53-9a8e-0b6f4f1d2a01', name: 'Ada' },
  { id: '6f1c2b1e-7d2a-4c53-9a8e-0b6f4f1d2a02', name: 'Grace' },
];

export interface ToySubgraphs {
  accounts: RunningSubgraph;
  shelf: RunningSubgraph;
  jwksUrl: string;
  /** The key pair the toy subgraphs trust (accounts publishes its JWKS). */
  tokens: TestTokenIssuer;
  /** What a gateway in front of them needs besides its URLs: the signing secret they accept. */
  gatewayEnv: Record<string, string>;
  /** The supergraph SDL composed from both (with their real URLs). */
  supergraphSdl: string;
  /** Resolves the `slow` field's pending requests. */
  slowGate: { entered: number; release(): void };
  bumps(): number;
  signToken(claims: TestTokenClaims, options?: TestSignOptions): Promise<string>;
  close(): Promise<void>;
}

export function quietLogger(): Logger {
  return createLogger({ service: 'gateway-spec', level: 'silent', pretty: false });
}

export async function startToySubgraphs(logger: Logger = quietLogger()): Promise<ToySubgraphs> {
  const tokens = await createTestTokenIssuer();
  const { jwks, verifier } = tokens;
  const signing = createTestGatewaySigning();
  const settings = testServiceSettings(signing.env);

  let waiting: (() => void)[] = [];
  const slowGate = {
    entered: 0,
    release() {
      for (const resolve of waiting) resolve();
      waiting = [];
    },
  };
  const accounts = await startSubgraphServer<BaseRequestContext>({
    name: 'accounts',
    typeDefs: parse(ACCOUNTS_SDL),
    resolvers: {
      Query: {
        me: (_: unknown, __: unknown, context: BaseRequestContext) => {
          if (!context.viewer) throw unauthenticated();
          return TOY_USERS.find((user) => user.id === context.viewer?.userId) ?? { id: context.viewer.userId, name: 'Someone' };
        },
        echo: (_: unknown, __: unknown, context: BaseRequestContext) => ({
          requestId: context.requestId,
          clientIp: context.clientIp,
          viewerId: context.viewer?.userId ?? null,
          sawToken: context.accessToken !== null,
        }),
        forbiddenThing: () => {
          throw forbidden('Only admins may see this.');
        },
        brokenThing: () => {
          throw new Error('connect ECONNREFUSED 10.0.0.7:5432 at db.ts:12 SELECT secret FROM users');
        },
        slow: () =>
          new Promise<string>((resolve) => {
            slowGate.entered += 1;
            waiting.push(() => resolve('done'));
          }),
      },
      User: {
        __resolveReference: (reference: { id: string }) =>
          TOY_USERS.find((user) => user.id === reference.id) ?? null,
      },
    },
    settings,
    logger,
    verifier,
    readiness: [],
    createContext: (base) => base,
    internalRoutes: { [JWKS_PATH]: (_req, res) => sendJson(res, 200, jwks) },
  });

  let bumps = 0;
  const chain = (level: number): { level: number; next: () => unknown } => ({ level, next: () => chain(level + 1) });
  const shelf = await startSubgraphServer<BaseRequestContext>({
    name: 'shelf',
    typeDefs: parse(SHELF_SDL),
    resolvers: {
      Query: {
        products: () =>
          TOY_USERS.map((user, index) => ({ id: `p${index + 1}`, name: `Product ${index + 1}`, vendor: { id: user.id } })),
        chain: () => chain(1),
        bumps: () => bumps,
      },
      Mutation: {
        bump: () => {
          bumps += 1;
          return chain(1);
        },
      },
    },
    settings,
    logger,
    verifier,
    readiness: [],
    createContext: (base) => base,
  });

  const supergraphSdl = composeSupergraph([
    { name: 'accounts', url: accounts.graphqlUrl, typeDefs: ACCOUNTS_SDL },
    { name: 'shelf', url: shelf.graphqlUrl, typeDefs: SHELF_SDL },
  ]);

  return {
    accounts,
    shelf,
    jwksUrl: `${accounts.internalUrl}${JWKS_PATH}`,
    tokens,
    gatewayEnv: signing.env,
    supergraphSdl,
    slowGate,
    bumps: () => bumps,
    signToken: (claims, options) => tokens.sign(claims, options),
    async close() {
      slowGate.release();
      await Promise.all([accounts.close(), shelf.close()]);
    },
  };
}

export interface ToyGateway {
  gateway: RunningGateway;
  supergraphPath: string;
  close(): Promise<void>;
}

/** A gateway on an ephemeral port in front of the toy subgraphs; `env` overrides its settings. */
export async function startToyGateway(toys: ToySubgraphs, env: Record<string, string> = {}, logger: Logger = quietLogger()): Promise<ToyGateway> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gateway-spec-'));
  const supergraphPath = path.join(dir, 'supergraph.graphql');
  writeFileSync(supergraphPath, toys.supergraphSdl);
  let gateway: RunningGateway;
  try {
    gateway = await startGateway(
      loadGatewayConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        HOST: '127.0.0.1',
        PORT: '0',
        SUPERGRAPH_PATH: supergraphPath,
        JWKS_URL: toys.jwksUrl,
        // The specs send from one address far faster than any budget allows; budgets have their own e2e test.
        RATE_LIMITS_ENABLED: 'false',
        ...toys.gatewayEnv,
        ...env,
      }),
      logger,
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    gateway,
    supergraphPath,
    async close() {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POSTs a GraphQL request the way an app does and returns status, headers and parsed body. */
export async function postGraphQL(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as never };
}
