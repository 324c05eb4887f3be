// The AWS SDK warns on Node 20 that its releases after January 2027 need Node 22. The package
// declares engines >=22, so users on a supported Node never see it; the repository's own suite
// still runs on Node 20 machines (devEngines), where the warning is known and only noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/cdk.out/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: 'tsconfig.dev.json' }],
  },
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  testTimeout: 120000,
  // Jest's default leaves one core to its parent process, which idles while the suites synthesize:
  // on the 2-core CI machine one worker per core ran `test/identity test/models` in 48 s instead of 68 s.
  maxWorkers: '100%',
};
