/** The dependency direction of DESIGN.md, enforced in `npm test`. */
module.exports = {
  forbidden: [
    {
      name: 'src-is-the-core',
      comment: 'src/ runs in any Node process: no Lambda, HTTP, CDK or local runtime code.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(lambdas|local|infra|bench|test)/' },
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
      name: 'lambdas-only-use-src',
      severity: 'error',
      from: { path: '^lambdas/' },
      to: { path: '^(local|infra|bench|test)/' },
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
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
