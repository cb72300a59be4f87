/** The dependency direction of DESIGN.md, enforced in `npm test`. */
module.exports = {
  forbidden: [
    {
      name: 'src-is-the-core',
      comment: 'src/ runs in any Node process: no Lambda, HTTP, CDK or local runtime code.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(client|lambdas|local|infra|bench|test)/' },
    },
    {
      name: 'src-has-no-lambda-or-cdk-packages',
      severity: 'error',
      from: { path: '^src/' },
      to: {
        path: 'node_modules/(@aws-lambda-powertools|aws-cdk-lib|constructs|@types/aws-lambda)/',
      },
    },
    {
      name: 'src-needs-no-framework-adapter',
      comment:
        'Emmett and Castore are optional peers: the SDK core imports neither them nor the adapters/ built on them.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: ['^adapters/', 'node_modules/(@event-driven-io|@castore)/'] },
    },
    {
      name: 'adapters-use-the-public-sdk-only',
      comment:
        'adapters/ (Emmett, Castore) are consumers of the SDK: they import src/index.ts, never its internals.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: {
        path: '^(src|lambdas|local|infra|bench|test|examples)/',
        pathNot: '^src/index[.]ts$',
      },
    },
    {
      name: 'lambdas-only-use-src',
      severity: 'error',
      from: { path: '^lambdas/' },
      to: { path: '^(client|local|infra|bench|test)/' },
    },
    {
      name: 'client-uses-src-only',
      comment:
        'client/ calls the API over HTTP: it shares src/ (errors, the API contract), never the handler, the runtime or the construct.',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^(lambdas|local|infra|bench|test|examples)/' },
    },
    {
      name: 'client-has-no-lambda-or-cdk-packages',
      severity: 'error',
      from: { path: '^client/' },
      to: {
        path: 'node_modules/(@aws-lambda-powertools|aws-cdk-lib|constructs|@types/aws-lambda|@aws-sdk/(client|lib|util)-dynamodb)',
      },
    },
    {
      name: 'local-does-not-use-infra',
      severity: 'error',
      from: { path: '^local/' },
      to: { path: '^(infra|bench|test)/' },
    },
    {
      name: 'infra-uses-lambdas-as-entry-paths-only',
      comment:
        'infra/ names lambdas/ files as bundling entries; it imports src/ for table definitions.',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^(lambdas|local|bench|test)/' },
    },
    {
      name: 'cli-is-an-edge',
      comment:
        'cli/ runs the SDK from a terminal: it uses src/, the local runtime only to find it (runtime-file, the local client), and the app-module checks of lambdas/.',
      severity: 'error',
      from: { path: '^cli/' },
      to: {
        path: '^(lambdas|local|infra|bench|test|examples)/',
        pathNot:
          '^(local/(runtime-file|data-lock|dynamodb-local)|lambdas/entries/app-module)[.]ts$',
      },
    },
    {
      name: 'nothing-uses-the-cli',
      severity: 'error',
      from: { path: '^(src|lambdas|local|infra|examples)/' },
      to: { path: '^cli/' },
    },
    {
      name: 'examples-use-the-package-only',
      comment:
        'examples/ are consumers: they import dynamo-event-store and its subpaths, never the files behind them.',
      severity: 'error',
      from: { path: '^examples/' },
      to: {
        path: '^(src|lambdas|local|infra|bench|test)/',
        pathNot:
          '^(src/index|src/testing/index|client/index|adapters/emmett/index|adapters/castore/index|lambdas/index|infra/index|local/index)[.]ts$',
      },
    },
    {
      name: 'examples-import-by-package-name',
      comment: 'A relative path into the library would not survive copying the example out.',
      severity: 'error',
      from: { path: '^examples/' },
      to: {
        path: '^(src|client|lambdas|local|infra)/',
        dependencyTypes: ['local'],
      },
    },
    {
      name: 'library-does-not-use-examples',
      severity: 'error',
      from: { path: '^(src|client|lambdas|local|infra)/' },
      to: { path: '^examples/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['event-store-source', 'import', 'require', 'node', 'default', 'types'],
    },
  },
};
