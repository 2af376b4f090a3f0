/**
 * Test tiers by file suffix: unit (pure), int (real DynamoDB Local), e2e (the running service over
 * HTTP), fuzz (generated hostile requests against the running service), chaos (the running
 * service under faults, with figures).
 */
// The SDK's notice about its future Node 22 floor is noise in test output; Node 20 works today.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias}$`,
    `<rootDir>/${target}`,
  ]),
);

const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    },
  ],
};

// ESM-only packages reached through @fastify/static (the /docs UI): compiled to CommonJS for Jest.
const ESM_ONLY = ['content-disposition'];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    ...transform,
    [`node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: transform['^.+\\.ts$'],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  moduleNameMapper,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.data/'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.unit.spec.ts'],
    },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int.spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/slow-tests.setup.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/slow-tests.setup.ts'],
    },
    {
      ...common,
      displayName: 'fuzz',
      testMatch: ['<rootDir>/test/**/*.fuzz.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/slow-tests.setup.ts'],
    },
    {
      ...common,
      // Faults against the built service (CHAOS_SIZE=ci|full); see docs/reliability.md.
      displayName: 'chaos',
      testMatch: ['<rootDir>/test/chaos/**/*.chaos.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/chaos/support/chaos.setup.ts'],
    },
  ],
};
