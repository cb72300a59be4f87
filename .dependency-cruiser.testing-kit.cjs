/**
 * `dynamo-event-store/testing` runs a domain without DynamoDB: nothing it
 * loads at run time, directly or not, may load the AWS SDK. Type-only
 * imports (the client's type in EventStoreOptions) load nothing, so this
 * cruise looks at the compiled imports only, which the main one cannot.
 */
const base = require('./.dependency-cruiser.cjs');

module.exports = {
  forbidden: [
    {
      name: 'testing-kit-loads-no-aws-sdk',
      severity: 'error',
      from: { path: '^src/testing/' },
      to: { path: 'node_modules/@aws-sdk/', reachable: true },
    },
  ],
  options: { ...base.options, tsPreCompilationDeps: false },
};
