import js from '@eslint/js';
import tseslint from 'typescript-eslint';

import boundaries from './scripts/lint/boundaries.mjs';

export default tseslint.config(
  { ignores: ['tmp/', 'node_modules/', 'dist/', 'ui/dist/', 'lib/grpc/generated/', 'coverage/', 'bench/results/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', 'test/*.js', 'scripts/lint/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      eqeqeq: 'error',
    },
  },
  {
    // What may import what: lib knows no service, services meet only over the network, clients and ui import
    // no server code, generated gRPC types only in adapters (scripts/lint/boundaries.mjs).
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    plugins: { infergraph: boundaries },
    rules: { 'infergraph/boundaries': ['error', { root: import.meta.dirname }] },
  },
  {
    // Settings are read once, in a config module (lib/config.ts); the launcher forwards its environment to the
    // services it starts.
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    ignores: ['**/src/config.ts', 'lib/config.ts', 'stack/config.ts', 'clients/config.ts', 'scripts/start.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: "Read settings in the service's config module (lib/config.ts)." },
      ],
    },
  },
  {
    // Jest's asymmetric matchers (expect.any, expect.stringContaining) are typed `any`.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    // The client generator starts each file with /* eslint-disable */ whether or not it is needed:
    // its graphql() fallback is typed `any`, the rest passes every rule here.
    files: ['clients/generated/**'],
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly' } },
  },
);
