import type { Config } from 'jest';

// One run covers unit tests (beside the code, no database) and integration tests (test/, real database).
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup/block-network.ts'],
  testTimeout: 30_000,
  maxWorkers: 2,
};

export default config;
