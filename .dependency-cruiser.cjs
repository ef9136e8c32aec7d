/**
 * The layers of functions/ and who may import whom (`npm run boundaries`, run by .ci/run):
 *
 *   core  <-  schemas  <-  app  <-  adapters  <-  main (AWS composition root, Lambda entries)
 *                            ^-- handlers (middy chains) <-/         local/ (embedded root), infra/
 *
 * core is the pure domain (no AWS, no middy, no zod at run time); schemas are the zod contracts; app
 * holds the services and their ports; adapters implement the ports; handlers wrap services for Lambda
 * and know no adapter; main and local/ wire adapters into services. Nothing points backwards.
 */
const layer = (name) => `^functions/${name}/`;
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: split them or move the shared part down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment:
        'core depends on nothing of ours but itself; the types inferred from the zod schemas it may name (type-only).',
      from: { path: layer('core') },
      to: { path: '^functions/', pathNot: [layer('core'), layer('schemas')] },
    },
    {
      name: 'core-uses-schemas-for-types-only',
      severity: 'error',
      from: { path: layer('core') },
      to: { path: layer('schemas'), dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'core-has-no-runtime-libraries',
      severity: 'error',
      comment: 'The domain runs anywhere: no AWS SDK, middy, Powertools or zod (libphonenumber is data).',
      from: { path: layer('core') },
      to: { dependencyTypes: ['npm'], pathNot: '^node_modules/libphonenumber-js/' },
    },
    {
      name: 'schemas-on-core-only',
      severity: 'error',
      from: { path: layer('schemas') },
      to: { path: '^functions/', pathNot: [layer('core'), layer('schemas')] },
    },
    {
      name: 'reference-on-schemas-and-core',
      severity: 'error',
      from: { path: layer('reference') },
      to: { path: '^functions/', pathNot: [layer('core'), layer('schemas'), layer('reference')] },
    },
    {
      name: 'app-knows-ports-not-adapters',
      severity: 'error',
      comment:
        'Services reach the outside through their ports (functions/app/ports.ts), never an adapter, a handler or a root.',
      from: { path: layer('app') },
      to: { path: '^(functions/(adapters|handlers|main)|local|infra|bench|tests)/' },
    },
    {
      name: 'app-has-no-aws-or-middleware',
      severity: 'error',
      from: { path: layer('app') },
      to: { dependencyTypes: ['npm'], path: '^node_modules/(@aws-sdk|@middy|@aws-lambda-powertools|@smithy)/' },
    },
    {
      name: 'adapters-implement-ports',
      severity: 'error',
      from: { path: layer('adapters') },
      to: { path: '^(functions/(handlers|main)|local|infra|bench|tests)/' },
    },
    {
      name: 'handlers-know-no-adapter',
      severity: 'error',
      comment: "A handler wraps a service for Lambda; which adapters it runs on is the composition root's choice.",
      from: { path: layer('handlers') },
      to: { path: '^(functions/(adapters|main)|local|infra|bench|tests)/' },
    },
    {
      name: 'functions-stand-alone',
      severity: 'error',
      comment: 'What is deployed never imports the embedded runtime, the CDK app, benches or tests.',
      from: { path: '^functions/' },
      to: { path: '^(local|infra|bench|tests)/' },
    },
    {
      name: 'workflows-stand-alone',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^(functions|local|infra|bench|tests)/' },
    },
    {
      name: 'local-is-not-infra',
      severity: 'error',
      from: { path: '^local/' },
      to: { path: '^(infra|bench|tests)/' },
    },
    {
      name: 'dashboard-runs-in-the-browser',
      severity: 'error',
      comment: 'The dashboard is browser code: it calls the API over HTTP and shares only the pure core (and types).',
      from: { path: '^dashboard/' },
      to: {
        path: '^(functions|local|infra|bench|tests|workflows)/',
        pathNot: ['^functions/core/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'infra-deploys-entries-only',
      severity: 'error',
      comment: 'The CDK app names the entry files by path; it imports only the table definition and the workflow.',
      from: { path: '^infra/' },
      to: { path: '^(functions|local)/', pathNot: ['^functions/adapters/dynamodb/table\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // TypeScript 7 (the native compiler) has no JS API for dependency-cruiser yet: swc parses the sources.
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
