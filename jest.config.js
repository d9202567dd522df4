/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/lib',
    '<rootDir>/clients',
    '<rootDir>/inference-grpc',
    '<rootDir>/subgraphs',
    '<rootDir>/supergraph',
    '<rootDir>/scripts',
    '<rootDir>/stack',
    '<rootDir>/test',
  ],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 30000,
  // Tests start real servers on port 0; several at once crowd two cores.
  maxWorkers: 1,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
