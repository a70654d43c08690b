// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Where the environment may be read: each process' config module, test and script settings, Prisma's CLI configs. */
const CONFIG_MODULES = [
  'platform/config/load-config.ts',
  'gateway/config.ts',
  'subgraphs/*/config.ts',
  'workers/*/config.ts',
  'scripts/lib/scripts-config.ts',
  'test/support/test-env.ts',
  'prisma/*/prisma.config.ts',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '**/__generated__/', 'coverage/', 'bench-results/', '.logs/', '.dev-secrets/'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      // Off: an async method without await is how an interface that returns promises is met
      // (Apollo plugin hooks, the Fetch API's Response), and making it non-async hides nothing.
      '@typescript-eslint/require-await': 'off',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment only in a config module (see eslint.config.js CONFIG_MODULES).' },
      ],
    },
  },
  { files: CONFIG_MODULES, rules: { 'no-restricted-properties': 'off' } },
  {
    // Matchers such as `expect.any(String)` are typed `any` by design.
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.js'],
    extends: [js.configs.recommended],
  },
);
