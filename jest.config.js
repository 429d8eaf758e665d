/**
 * Two projects: `unit` (functions and the client against the stand-in, in-process) and `e2e` (the bundle,
 * run as the runner runs it). The e2e project rebuilds dist/ from src/ first, so it always tests today's code.
 *   npm test            both
 *   npm run test:unit   the quick half alone
 *   npm run test:e2e    the bundle alone
 * @type {import('jest').Config}
 */
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  }
}

export default {
  testTimeout: 60000,
  verbose: false,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/e2e-']
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/e2e-*.test.ts'],
      globalSetup: '<rootDir>/__tests__/setup/build-dist.js',
      setupFilesAfterEnv: ['<rootDir>/__tests__/setup/end-children.ts']
    }
  ]
}
