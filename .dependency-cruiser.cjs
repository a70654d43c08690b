/**
 * The boundaries of docs/architecture.md, checked by `npm run lint` and by test/lint.test.ts
 * (so `npm test` fails when one is crossed).
 */
module.exports = {
  forbidden: [
    {
      name: 'contracts-are-pure',
      comment: 'Message contracts are shared by every service: zod schemas only, no runtime, no service code.',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { pathNot: ['^contracts/', '(^|/)node_modules/(zod|vitest|@vitest)/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-cross-subgraph-imports',
      comment: 'A subgraph never imports another subgraph (code or Prisma client); shared code goes to platform/.',
      severity: 'error',
      from: { path: '^subgraphs/([^/]+)/' },
      to: { path: '^(subgraphs|workers)/', pathNot: '^subgraphs/$1/' },
    },
    {
      name: 'no-cross-worker-imports',
      comment: 'A worker is a service like a subgraph: it never imports another service (code or Prisma client).',
      severity: 'error',
      from: { path: '^workers/([^/]+)/' },
      to: { path: '^(subgraphs|workers)/', pathNot: ['^workers/$1/'] },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ holds rules only: no GraphQL, Prisma, Redis, HTTP or other layers.',
      severity: 'error',
      from: { path: '^(subgraphs|workers)/[^/]+/domain/' },
      to: {
        path: [
          '^node_modules/(graphql|@apollo|@prisma|prisma|ioredis|pg|amqplib|dataloader|jose|@node-rs|nodemailer)/',
          '^(subgraphs|workers)/[^/]+/(resolvers|application|infra|__generated__)/',
          '^(subgraphs|workers)/[^/]+/(app|main|context)\\.ts$',
          '^platform/(graphql|http|redis|prisma|metrics|lifecycle|cache|testing)/',
          '^platform/errors/graphql-errors\\.ts$',
        ],
      },
    },
    {
      name: 'platform-has-no-domain',
      comment: 'platform/ is shared runtime; it never reaches into a service.',
      severity: 'error',
      from: { path: '^platform/' },
      to: { path: '^(subgraphs|workers|gateway|scripts|test)/' },
    },
    {
      name: 'gateway-knows-no-subgraph-code',
      comment: 'The gateway sees subgraphs only through the composed supergraph.',
      severity: 'error',
      from: { path: '^gateway/' },
      to: { path: '^(subgraphs|workers)/' },
    },
    {
      name: 'services-do-not-import-scripts-or-tests',
      comment: 'Specs and testing/ helpers are test code and may use test/support; nothing that runs in production may.',
      severity: 'error',
      from: { path: '^(platform|gateway|subgraphs|workers)/', pathNot: '(\\.spec\\.ts$|/testing/)' },
      to: { path: '^(scripts|test)/' },
    },
    {
      name: 'test-helpers-stay-in-tests',
      comment: 'platform/testing/ (test token issuer, forged tokens) is for specs, testing/ helpers and test/ only.',
      severity: 'error',
      from: { path: '^(platform|gateway|subgraphs|workers|scripts)/', pathNot: '(\\.spec\\.ts$|/testing/)' },
      to: { path: '^platform/testing/' },
    },
    {
      name: 'resolvers-do-not-import-infra',
      comment: 'Resolvers translate and call services; repositories, caches and clients are wired in app.ts.',
      severity: 'error',
      from: { path: '^subgraphs/([^/]+)/resolvers/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^subgraphs/$1/infra/' },
    },
    {
      name: 'infra-does-not-import-application',
      comment: 'Infrastructure implements what the application needs; it never calls back into services or loaders.',
      severity: 'error',
      from: { path: '^(subgraphs|workers)/([^/]+)/infra/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^$1/$2/(application|resolvers)/' },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports and that imports nothing is dead code (entry points, specs and configs import something).',
      severity: 'error',
      from: { orphan: true, pathNot: ['(^|/)\\.[^/]+\\.(js|cjs|mjs|ts)$', '\\.d\\.ts$', '(^|/)(eslint|vitest|codegen)\\.config\\.', '^test/fixtures/'] },
      to: {},
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { pathNot: '__generated__' },
      to: { circular: true, pathNot: '__generated__' },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules', '__generated__'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs', '.cjs'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
