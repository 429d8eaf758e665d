import { availableParallelism } from 'node:os'

/**
 * Two projects: `unit` (functions and the client against the stand-in, in-process) and `e2e` (the bundle,
 * run as the runner runs it). The e2e project builds dist/ from src/ first (unless dist/BUILT-FROM shows it is
 * already built from today's src/), so it always tests today's code.
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
  // The end-to-end tests spend their time waiting on child processes, stand-ins and timers, not on the CPU:
  // two workers per core, at least four and at most eight, keep a machine busy (jest's default on two cores: one).
  maxWorkers: Math.min(8, Math.max(4, 2 * availableParallelism())),
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
