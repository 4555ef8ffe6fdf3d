/** Jest: `unit` = pure code beside the sources and the client-rule checkers;
 *  `e2e` = real HTTP against the real application and real databases;
 *  `thunderbird` = Thunderbird's own account-setup code reading our documents
 *  (needs scripts/fetch-thunderbird.sh). */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
    },
    {
      ...common,
      displayName: 'thunderbird',
      testMatch: ['<rootDir>/test/thunderbird/**/*.conformance-spec.ts'],
    },
  ],
};
