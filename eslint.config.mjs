// Type-checked linting: exhaustive switches, type-only imports, no floating promises; and the
// layering's boundaries (docs/architecture.md, "Import boundaries"), proved by
// test/lint-boundaries.unit.spec.ts.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import js from '@eslint/js';
import nodePlugin from 'eslint-plugin-n';
import tseslint from 'typescript-eslint';

/**
 * tsconfig.json's path aliases, each matching its exact name only (`@ledger/bus` must not swallow
 * `@ledger/bus/in-memory`), for eslint-plugin-n's resolver; a folder import resolves to its index.
 */
const { compilerOptions } = JSON.parse(
  readFileSync(resolve(import.meta.dirname, 'tsconfig.json'), 'utf8'),
);
const RESOLVER_CONFIG = {
  mainFiles: ['index'],
  alias: Object.entries(compilerOptions.paths).map(([name, [target]]) => ({
    name,
    alias: resolve(import.meta.dirname, target),
    onlyModule: true,
  })),
};

/** (a) A lib is imported through its entries only, never by a path into it. */
const ENTRIES_ONLY = [
  {
    group: ['@ledger/*/**', '!@ledger/*/in-memory', '!@ledger/*/aws', '!@ledger/*/testing'],
    message:
      'Import a lib through one of its entries: @ledger/<lib>, @ledger/<lib>/in-memory, @ledger/<lib>/aws or @ledger/<lib>/testing.',
  },
  {
    // The chaos tier drives the bench's workloads: test/ may import bench/src by path.
    regex: '^(\\.\\./)+(apps|libs)(/|$)|^(\\.\\./)+(?!bench/)[^./][^/]*/src(/|$)',
    message:
      'A relative import may not reach into another lib or app: import it through its @ledger alias.',
  },
];

/** (b) What domain and port code may not load: SDK clients, Nest, Fastify, another lib's adapters. */
const infrastructure = (allowTypeImports) => [
  {
    group: ['@aws-sdk/*', '@smithy/*'],
    allowTypeImports,
    message: 'Domain and port code imports no AWS SDK: put the adapter under infrastructure/.',
  },
  {
    group: ['@nestjs/*'],
    allowTypeImports,
    message: 'Domain and port code imports nothing from NestJS: Nest stays in apps/.',
  },
  {
    group: ['fastify', 'fastify/**', '@fastify/*'],
    allowTypeImports,
    message: 'Domain and port code imports no Fastify: HTTP servers live in apps/.',
  },
  {
    group: ['@ledger/*/aws'],
    allowTypeImports,
    message:
      "Domain and port code takes adapters through ports: only composition roots import '@ledger/<lib>/aws'.",
  },
];

/** libs/config sits below every feature lib: it may import only @ledger/errors. */
const NO_FEATURE_LIBS = [
  {
    group: ['@ledger/*', '!@ledger/errors'],
    message:
      'libs/config imports no feature lib: the feature lib imports the configuration instead.',
  },
];

/** Files of libs/ outside (b): adapters, whole libs that are infrastructure, and tests. */
const ADAPTER_FILES = [
  'libs/*/src/aws.ts',
  'libs/*/src/**/infrastructure/**',
  // Specs are not shipped: int specs run the adapters, unit specs may build a DynamoDB image.
  'libs/**/*.spec.ts',
  // The DynamoDB Local engine and the test harness over it are infrastructure as a whole.
  'libs/local-engine/**',
  'libs/testing/**',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.data/**',
      'coverage/**',
      'bench/results/**',
      'test/chaos/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Nest injects by the runtime class of a constructor parameter: those imports must stay values.
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { n: nodePlugin },
    settings: {
      n: { tryExtensions: ['.ts', '.js', '.json', '.node'], resolverConfig: RESOLVER_CONFIG },
    },
    rules: {
      // (c) Every package imported is declared in package.json: an installed but undeclared one is
      // extraneous, one not installed at all is missing.
      'n/no-extraneous-import': 'error',
      // aws-lambda is types only, from @types/aws-lambda: there is no module to resolve.
      'n/no-missing-import': ['error', { allowModules: ['aws-lambda'] }],
      'no-restricted-imports': ['error', { patterns: ENTRIES_ONLY }],
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ADAPTER_FILES,
    rules: {
      'no-restricted-imports': ['error', { patterns: [...ENTRIES_ONLY, ...infrastructure(true)] }],
    },
  },
  {
    files: ['libs/config/**/*.ts'],
    ignores: ['libs/config/src/aws.ts', 'libs/config/src/**/infrastructure/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...ENTRIES_ONLY, ...infrastructure(true), ...NO_FEATURE_LIBS] },
      ],
    },
  },
  {
    // Its adapters (where a deployed configuration is read from) may load SDK clients, still no lib.
    files: ['libs/config/src/aws.ts', 'libs/config/src/**/infrastructure/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...ENTRIES_ONLY, ...NO_FEATURE_LIBS] }],
    },
  },
  {
    // The pure domain and the libs every other lib shares: not even a type from the SDK or Nest.
    files: ['libs/ledger/**/*.ts', 'libs/contracts/**/*.ts', 'libs/errors/**/*.ts'],
    ignores: ADAPTER_FILES,
    rules: {
      'no-restricted-imports': ['error', { patterns: [...ENTRIES_ONLY, ...infrastructure(false)] }],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Tests read JSON wire bodies and assert their shape directly.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    plugins: { n: nodePlugin },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      '@typescript-eslint/no-require-imports': 'off',
      'n/no-extraneous-require': 'error',
      'n/no-missing-require': 'error',
      'n/no-extraneous-import': 'error',
      'n/no-missing-import': 'error',
    },
  },
);
