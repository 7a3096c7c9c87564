// Issue: every mistake caught at synth time. One row per case: what the user writes, the stable id, and the
// offending value the message must name. Thrown errors for bad prop values; annotations for cross-construct ones.
import { Annotations, App, CfnParameter, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  PodIdentityAgentAddon, PodIdentityAssociation, PodIdentityBoundWorkload, PodIdentityBoundWorkloadProps, PodIdentityRole,
} from '../lib';
import { AnyCluster, importedEksV2Cluster, importedEksV2ClusterWithOidc, KUBECTL_LAYER_ARN, newEksV2Cluster } from './helpers/clusters';

const ENV = { account: '111111111111', region: 'us-east-1' };

function setup(env: { account?: string; region?: string } | undefined = ENV) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env });
  const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
  return { app, stack, cluster };
}

/** A new aws_eks_v2 cluster (of the given class) in a fresh stack; the layer ARN stands in for the kubectl asset. */
function withNewCluster(props: Partial<eksv2.ClusterProps> = {}, clusterClass: typeof eksv2.Cluster = eksv2.Cluster) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const cluster = new clusterClass(stack, 'Cluster', {
    version: eksv2.KubernetesVersion.V1_33,
    kubectlProviderOptions: { kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Layer', KUBECTL_LAYER_ARN) },
    ...props,
  });
  return { app, stack, cluster };
}

function workload(overrides: Partial<PodIdentityBoundWorkloadProps> = {}) {
  const { app, stack, cluster } = setup();
  const w = new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', serviceAccountName: 'carts', image: 'cart:1', ...overrides });
  return { app, stack, cluster, workload: w };
}

// Read from the cloud assembly: the same messages as assertions' Annotations.fromStack, without re-scanning.
function messagesOf(stack: Stack, level: string): string[] {
  return (stack.node.root as App).synth().getStackArtifact(stack.artifactId).messages
    .filter(m => m.level === level).map(m => String(m.entry.data));
}

function errorsOf(stack: Stack): string[] {
  return messagesOf(stack, 'error');
}

function warningsOf(stack: Stack): string[] {
  return messagesOf(stack, 'warning');
}

/** Asserts exactly one annotation with the id, naming the value. */
function expectAnnotation(messages: string[], id: string, value: string) {
  const matching = messages.filter(m => m.includes(`[cdk-eks-pod-identity:${id}]`));
  expect(matching).toHaveLength(1);
  expect(matching[0]).toContain(value);
  expect(matching[0]).toContain('Fix:');
}

describe('bad prop values throw at construct time, naming the value', () => {
  const longName = 'a'.repeat(64);
  test.each([
    // 1. namespace: DNS-1123 label
    ['namespace upper case', () => workload({ namespace: 'Carts' }), 'InvalidNamespace', '"Carts"'],
    ['namespace underscore', () => workload({ namespace: 'my_ns' }), 'InvalidNamespace', '"my_ns"'],
    ['namespace > 63 chars', () => workload({ namespace: longName }), 'InvalidNamespace', `"${longName}"`],
    ['namespace empty', () => workload({ namespace: '' }), 'InvalidNamespace', '""'],
    ['namespace leading dash', () => workload({ namespace: '-carts' }), 'InvalidNamespace', '"-carts"'],
    // 2. service account: DNS-1123 subdomain
    ['service account > 253 chars', () => workload({ serviceAccountName: 'a'.repeat(254) }), 'InvalidServiceAccountName', 'a'.repeat(254)],
    ['service account upper case', () => workload({ serviceAccountName: 'Carts' }), 'InvalidServiceAccountName', '"Carts"'],
    ['service account empty', () => {
      const { stack, cluster } = setup();
      new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'carts', serviceAccount: '' });
    }, 'InvalidServiceAccountName', '""'],
    // 3. the same service account twice in one stack
    ['duplicate association in one stack', () => {
      const { stack, cluster } = setup();
      new PodIdentityRole(stack, 'A').associate(cluster, { namespace: 'carts', serviceAccount: 'carts' });
      new PodIdentityRole(stack, 'B').associate(cluster, { namespace: 'carts', serviceAccount: 'carts' });
    }, 'DuplicateAssociation', 'Stack/A/Association0 and at Stack/B/Association0'],
    // 8. session policy needs session tags off
    ['session policy with session tags on', () => workload({
      associationSettings: { sessionPolicy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] }) },
    }), 'SessionPolicyRequiresDisabledSessionTags', 'disableSessionTags is false'],
    // 15. agent add-on
    ['second agent add-on for a cluster', () => {
      const { stack, cluster } = setup();
      new PodIdentityAgentAddon(stack, 'Agent1', { cluster });
      new PodIdentityAgentAddon(stack, 'Agent2', { cluster });
    }, 'DuplicateAgentAddon', 'Stack/Agent1'],
    ['add-on version not vX.Y.Z-eksbuild.N', () => {
      const { stack, cluster } = setup();
      new PodIdentityAgentAddon(stack, 'Agent', { cluster, addonVersion: '1.3.4' });
    }, 'InvalidAgentAddonVersion', '"1.3.4"'],
    // 16. role name and tags
    ['role name > 64 chars', () => workload({ role: new PodIdentityRole(new Stack(), 'R', { roleName: 'r'.repeat(65) }) }), 'InvalidRoleName', 'r'.repeat(65)],
    ['role name with a space', () => new PodIdentityRole(new Stack(), 'R', { roleName: 'carts role' }), 'InvalidRoleName', '"carts role"'],
    ['51 association tags', () => workload({
      associationSettings: { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
    }), 'TooManyTags', '51 tags'],
    ['tag key > 128 chars', () => workload({ associationSettings: { tags: { ['k'.repeat(129)]: 'v' } } }), 'InvalidTag', 'k'.repeat(129)],
    ['tag value > 256 chars', () => workload({ associationSettings: { tags: { team: 'v'.repeat(257) } } }), 'InvalidTag', '"team"'],
    ['tag key with aws: prefix', () => workload({ associationSettings: { tags: { 'aws:team': 'a' } } }), 'InvalidTag', '"aws:team"'],
    // 17. container and Deployment values
    ['replicas negative', () => workload({ replicas: -1 }), 'InvalidReplicas', '-1'],
    ['replicas not an integer', () => workload({ replicas: 1.5 }), 'InvalidReplicas', '1.5'],
    ['image empty', () => workload({ image: '' }), 'EmptyImage', '""'],
    ['image blank', () => workload({ image: '  ' }), 'EmptyImage', '"  "'],
    ['port 0', () => workload({ port: 0 }), 'InvalidPort', '0'],
    ['port 70000', () => workload({ port: 70000 }), 'InvalidPort', '70000'],
    ['env name starting with a digit', () => workload({ env: { '1BAD': 'x' } }), 'InvalidEnvName', '"1BAD"'],
    ['env name with a space', () => workload({ env: { 'MY VAR': 'x' } }), 'InvalidEnvName', '"MY VAR"'],
    ['env name set twice', () => workload({
      env: { TABLE: 'a' }, containerOptions: { envVariables: { TABLE: kplus.EnvValue.fromValue('b') } },
    }), 'DuplicateEnvName', '"TABLE"'],
  ])('%s', (_name, build, id, value) => {
    let error: Error | undefined;
    try {
      build();
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeDefined();
    expect(error!.message).toContain(`[cdk-eks-pod-identity:${id}]`);
    expect(error!.message).toContain(value);
    expect(error!.message).toContain('Fix:');
  });
});

describe('values that are tokens are never rejected', () => {
  test('namespace, service account, replicas, port, image, role name, add-on version and tags as tokens', () => {
    const { app, stack, cluster } = setup();
    const namespace = new CfnParameter(stack, 'Namespace').valueAsString;
    new PodIdentityAgentAddon(stack, 'Agent', { cluster, addonVersion: new CfnParameter(stack, 'AddonVersion').valueAsString });
    new PodIdentityBoundWorkload(stack, 'W', {
      cluster,
      namespace,
      serviceAccountName: new CfnParameter(stack, 'ServiceAccount').valueAsString,
      image: new CfnParameter(stack, 'Image').valueAsString,
      replicas: Token.asNumber(Lazy.number({ produce: () => 3 })),
      port: new CfnParameter(stack, 'Port', { type: 'Number' }).valueAsNumber,
      role: new PodIdentityRole(stack, 'Role', { roleName: new CfnParameter(stack, 'RoleName').valueAsString }),
      associationSettings: { tags: { team: new CfnParameter(stack, 'Team').valueAsString } },
    });
    app.synth();
    expect(errorsOf(stack)).toEqual([]);
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: { Ref: 'Namespace' } });
  });

  test('a region-agnostic stack is not reported as an unsupported region', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    new PodIdentityBoundWorkload(stack, 'W', { cluster: importedEksV2Cluster(stack), namespace: 'carts', image: 'cart:1' });
    app.synth();
    expect(errorsOf(stack)).toEqual([]);
  });
});

describe('cross-construct problems are annotation errors', () => {
  test('the same service account associated in two stacks names both paths', () => {
    const app = new App();
    const a = new Stack(app, 'TeamA', { env: ENV });
    const b = new Stack(app, 'TeamB', { env: ENV });
    new PodIdentityRole(a, 'Role').associate(importedEksV2Cluster(a, 'Cluster', 'prod'), { namespace: 'carts', serviceAccount: 'carts' });
    new PodIdentityRole(b, 'Role').associate(importedEksV2Cluster(b, 'Cluster', 'prod'), { namespace: 'carts', serviceAccount: 'carts' });
    app.synth();
    expectAnnotation(errorsOf(b), 'DuplicateAssociation', 'TeamA/Role/Association0 and at TeamB/Role/Association0');
    expect(errorsOf(a)).toEqual([]);
  });

  test('different clusters with the same namespace and service account are fine', () => {
    const { app, stack } = setup();
    const role = new PodIdentityRole(stack, 'Role');
    role.associate(importedEksV2Cluster(stack, 'Prod', 'prod'), { namespace: 'carts', serviceAccount: 'carts' });
    role.associate(importedEksV2Cluster(stack, 'Staging', 'staging'), { namespace: 'carts', serviceAccount: 'carts' });
    app.synth();
    expect(errorsOf(stack)).toEqual([]);
  });

  test('more than 5,000 associations on one cluster across the app', () => {
    const app = new App();
    const stacks: Stack[] = [];
    for (let s = 0; s < 11; s++) {
      const stack = new Stack(app, `Team${s}`, { env: ENV });
      stacks.push(stack);
      const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
      const role = PodIdentityRole.fromPodIdentityRoleArn(stack, 'Role', 'arn:aws:iam::111111111111:role/shared');
      for (let i = 0; i < 455; i++) role.associate(cluster, { namespace: 'default', serviceAccount: `sa-${s}-${i}` });
    }
    app.synth();
    const errors = stacks.flatMap(errorsOf);
    expect(errors.filter(e => e.includes('[cdk-eks-pod-identity:TooManyAssociations]'))).toHaveLength(1);
    expect(errors.find(e => e.includes('TooManyAssociations'))).toContain('5005 Pod Identity associations');
  });

  test('a workload on a FargateCluster', () => {
    const { app, stack, cluster } = withNewCluster({}, eksv2.FargateCluster);
    new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'cart:1' });
    app.synth();
    expectAnnotation(errorsOf(stack), 'FargateUnsupported', 'is a FargateCluster');
  });

  test('an aws_eks FargateCluster too', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = new eks.FargateCluster(stack, 'Fargate', {
      version: eks.KubernetesVersion.V1_33,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Layer', KUBECTL_LAYER_ARN),
    });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    app.synth();
    expectAnnotation(errorsOf(stack), 'FargateUnsupported', 'is a FargateCluster');
  });

  test.each(['eks-v2', 'eks'])('5. a Fargate profile selecting the namespace (%s)', (module) => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const layer = lambda.LayerVersion.fromLayerVersionArn(stack, 'Layer', KUBECTL_LAYER_ARN);
    const cluster = module === 'eks-v2'
      ? new eksv2.Cluster(stack, 'Cluster', { version: eksv2.KubernetesVersion.V1_33, kubectlProviderOptions: { kubectlLayer: layer } })
      : new eks.Cluster(stack, 'Cluster', { version: eks.KubernetesVersion.V1_33, kubectlLayer: layer, defaultCapacity: 0 });
    (cluster as any).addFargateProfile('Carts', { selectors: [{ namespace: 'carts' }] });
    (cluster as any).addFargateProfile('Labelled', { selectors: [{ namespace: 'orders', labels: { compute: 'fargate' } }] });
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1' });
    new PodIdentityBoundWorkload(stack, 'Orders', { cluster, namespace: 'orders', image: 'orders:1' });
    new PodIdentityBoundWorkload(stack, 'Ui', { cluster, namespace: 'ui', image: 'ui:1' });
    app.synth();
    expectAnnotation(errorsOf(stack), 'FargateUnsupported', 'namespace "carts"');
    expectAnnotation(warningsOf(stack), 'FargateProfileSelectsNamespace', '{"compute":"fargate"}');
  });

  test.each(['cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-gov-east-1'])('6. region %s', (region) => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region } });
    new PodIdentityBoundWorkload(stack, 'W', { cluster: importedEksV2Cluster(stack), namespace: 'carts', image: 'cart:1' });
    app.synth();
    expectAnnotation(errorsOf(stack), 'UnsupportedRegion', `"${region}"`);
  });

  test('a cluster below Kubernetes 1.24', () => {
    const { app, stack, cluster } = withNewCluster({ version: eksv2.KubernetesVersion.of('1.23') });
    new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'cart:1' });
    app.synth();
    expectAnnotation(errorsOf(stack), 'KubernetesVersionTooOld', 'Kubernetes 1.23');
  });

  test('1.24 itself is fine', () => {
    const { app, stack, cluster } = withNewCluster({ version: eksv2.KubernetesVersion.of('1.24') });
    new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'cart:1' });
    app.synth();
    expect(errorsOf(stack)).toEqual([]);
  });

  test('session-tag trust conditions with session tags turned off', () => {
    const { app, stack, cluster } = setup();
    const role = new PodIdentityRole(stack, 'Role');
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      principals: [new iam.ServicePrincipal('pods.eks.amazonaws.com')],
      conditions: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'carts' } },
    }));
    role.associate(cluster, { namespace: 'carts', serviceAccount: 'carts', disableSessionTags: true });
    app.synth();
    expectAnnotation(errorsOf(stack), 'SessionTagConditionsWithoutSessionTags', 'aws:RequestTag/kubernetes-namespace');
  });

  test('a bring-your-own role that does not trust Pod Identity for sts:TagSession', () => {
    const { app, stack } = workload({ role: undefined });
    const byo = new iam.Role(stack, 'Byo', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    new PodIdentityBoundWorkload(stack, 'Orders', { cluster: importedEksV2Cluster(stack, 'C2', 'prod'), namespace: 'orders', image: 'o:1', role: byo });
    app.synth();
    expectAnnotation(errorsOf(stack), 'RoleNotTrustedByPodIdentity', 'Stack/Byo');
    expect(errorsOf(stack)[0]).toContain('"Action":["sts:AssumeRole","sts:TagSession"]');
  });

  test('a role trusting another service', () => {
    const { app, stack, cluster } = setup();
    const byo = new iam.Role(stack, 'Byo', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    new PodIdentityAssociation(stack, 'A', { cluster, role: byo, namespace: 'default', serviceAccount: 'app' });
    app.synth();
    expectAnnotation(errorsOf(stack), 'RoleNotTrustedByPodIdentity', 'pods.eks.amazonaws.com');
  });

  test('an association role from another account', () => {
    const { app, stack, cluster } = setup();
    const role = iam.Role.fromRoleArn(stack, 'Other', 'arn:aws:iam::222222222222:role/carts');
    new PodIdentityAssociation(stack, 'A', { cluster, role, namespace: 'default', serviceAccount: 'app' });
    app.synth();
    expectAnnotation(errorsOf(stack), 'CrossAccountRole', 'account 222222222222');
    expect(errorsOf(stack)[0]).toContain('targetRole');
  });

  test('a target role in another account is the supported way', () => {
    const { app, stack, cluster } = setup();
    const target = iam.Role.fromRoleArn(stack, 'Other', 'arn:aws:iam::222222222222:role/carts');
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'default', serviceAccount: 'app', targetRole: target });
    app.synth();
    expect(errorsOf(stack)).toEqual([]);
  });

  test('the Deployment pod spec names another service account', () => {
    const { app, stack, workload: w } = workload();
    ApiObject.of(w.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/serviceAccountName', 'other'));
    app.synth();
    expectAnnotation(errorsOf(stack), 'ServiceAccountMismatch', '"other"');
  });
});

describe('risky setups are annotation warnings', () => {
  test.each(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN'])('12. env sets %s', (name) => {
    const { app, stack } = workload({ env: { [name]: 'x' } });
    app.synth();
    expectAnnotation(warningsOf(stack), 'CredentialEnvOverridesPodIdentity', name);
  });

  test('also when added to the container after construction', () => {
    const { app, stack, workload: w } = workload();
    w.deployment.containers[0].env.addVariable('AWS_PROFILE', kplus.EnvValue.fromValue('dev'));
    app.synth();
    expectAnnotation(warningsOf(stack), 'CredentialEnvOverridesPodIdentity', 'AWS_PROFILE');
  });

  test('the IRSA annotation on the workload ServiceAccount', () => {
    const { app, stack, workload: w } = workload();
    w.serviceAccount.metadata.addAnnotation('eks.amazonaws.com/role-arn', 'arn:aws:iam::111111111111:role/old');
    app.synth();
    expectAnnotation(warningsOf(stack), 'IrsaAnnotationPresent', 'arn:aws:iam::111111111111:role/old');
  });

  test('the IRSA annotation on a ServiceAccount the user added to the chart', () => {
    const { app, stack, workload: w } = workload();
    new kplus.ServiceAccount(w.chart, 'Extra', { metadata: { name: 'extra', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/x' } } });
    app.synth();
    expectAnnotation(warningsOf(stack), 'IrsaAnnotationPresent', '"extra"');
  });

  test('no warning in migration mode (the workload sets the annotation itself)', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = importedEksV2ClusterWithOidc(stack, 'Cluster', 'prod');
    PodIdentityAgentAddon.of(cluster); // the agent is not installed yet, stated (else AgentAddonOnImportedCluster warns)
    const w = new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1', migratingFromIrsa: true });
    expect(w.serviceAccount.metadata.toJson().annotations).toEqual({ 'eks.amazonaws.com/role-arn': w.role.roleArn });
    app.synth();
    expect(warningsOf(stack)).toEqual([]);
  });

  test('only Windows node groups', () => {
    const { app, stack, cluster } = withNewCluster({ defaultCapacityType: eksv2.DefaultCapacityType.NODEGROUP, defaultCapacity: 0 });
    cluster.addNodegroupCapacity('Windows', { amiType: eksv2.NodegroupAmiType.WINDOWS_CORE_2022_X86_64 });
    new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'cart:1' });
    app.synth();
    expectAnnotation(warningsOf(stack), 'NoLinuxCapacity', 'Stack/Cluster/NodegroupWindows');
  });

  test('Windows and Linux node groups together are fine', () => {
    const { app, stack, cluster } = withNewCluster({ defaultCapacityType: eksv2.DefaultCapacityType.NODEGROUP, defaultCapacity: 0 });
    cluster.addNodegroupCapacity('Windows', { amiType: eksv2.NodegroupAmiType.WINDOWS_CORE_2022_X86_64 });
    cluster.addNodegroupCapacity('Linux', { amiType: eksv2.NodegroupAmiType.AL2023_X86_64_STANDARD });
    new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'cart:1' });
    app.synth();
    expect(warningsOf(stack)).toEqual([]);
  });

  test('an association on a namespace nothing creates', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'payments', serviceAccount: 'api' });
    app.synth();
    expectAnnotation(warningsOf(stack), 'NamespaceNotCreated', '"payments"');
  });

  test('no warning for a namespace a workload creates, cluster.addManifest creates, or a built-in', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = newEksV2Cluster(stack);
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1' });
    cluster.addManifest('Payments', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } });
    const role = new PodIdentityRole(stack, 'Role');
    role.associate(cluster, { namespace: 'carts', serviceAccount: 'worker' });
    role.associate(cluster, { namespace: 'payments', serviceAccount: 'api' });
    role.associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    app.synth();
    expect(warningsOf(stack)).toEqual([]);
  });

  test('the warning can be acknowledged by its id', () => {
    const { app, stack, cluster } = setup();
    PodIdentityAgentAddon.of(cluster); // the agent is not installed yet, stated (else AgentAddonOnImportedCluster warns)
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'payments', serviceAccount: 'api' });
    Annotations.of(stack).acknowledgeWarning('cdk-eks-pod-identity:NamespaceNotCreated', 'created by the platform team');
    app.synth();
    expect(warningsOf(stack)).toEqual([]);
  });
});

describe('CloudFormation stack limits', () => {
  test('more resources than CloudFormation allows: says how many workloads fit', () => {
    const { app, stack, cluster } = setup();
    // Each workload adds its role, association and manifest; the agent add-on is the stack's one other resource.
    for (let i = 0; i < 170; i++) {
      new PodIdentityBoundWorkload(stack, `W${i}`, { cluster, namespace: 'team', createNamespace: i === 0, image: 'app:1' });
    }
    expect(() => app.synth()).toThrow(/\[cdk-eks-pod-identity:StackLimitExceeded\] stack Stack would have 511 resources and CloudFormation allows 500; its 170 Pod Identity workloads\/associations add 510 \(about 3 each\), so at most 166 fit/);
  });

  test('a template over 1 MB: says how many workloads fit', () => {
    const { app, stack, cluster } = setup();
    const big = 'x'.repeat(20_000);
    for (let i = 0; i < 60; i++) {
      new PodIdentityBoundWorkload(stack, `W${i}`, { cluster, namespace: 'team', createNamespace: i === 0, image: 'app:1', env: { BIG: big } });
    }
    expect(() => app.synth()).toThrow(/\[cdk-eks-pod-identity:StackLimitExceeded\] stack Stack would have a \d+-byte template and CloudFormation accepts 1048576; .* so at most 44 fit/);
  });

  test('a stack under the limits synthesizes', () => {
    const { app, stack, cluster } = setup();
    for (let i = 0; i < 100; i++) {
      new PodIdentityBoundWorkload(stack, `W${i}`, { cluster, namespace: 'team', createNamespace: i === 0, image: 'app:1' });
    }
    expect(() => app.synth()).not.toThrow();
  });
});

describe('updates deploy without a name clash', () => {
  function associationLogicalIds(build: (stack: Stack) => void): string[] {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    build(stack);
    return Object.keys(Template.fromStack(stack).findResources('AWS::EKS::PodIdentityAssociation'));
  }

  test('renaming the workload construct keeps the association resource (no create-before-delete clash)', () => {
    const before = associationLogicalIds(s => new PodIdentityBoundWorkload(s, 'Carts', { cluster: importedEksV2Cluster(s), namespace: 'carts', image: 'c:1' }));
    const after = associationLogicalIds(s => new PodIdentityBoundWorkload(s, 'CartsRenamed', { cluster: importedEksV2Cluster(s), namespace: 'carts', serviceAccountName: 'carts', image: 'c:1' }));
    expect(after).toEqual(before);
  });

  test('changing the namespace or service account creates a new association under a new key', () => {
    const base = associationLogicalIds(s => new PodIdentityBoundWorkload(s, 'Carts', { cluster: importedEksV2Cluster(s), namespace: 'carts', image: 'c:1' }));
    const otherNamespace = associationLogicalIds(s => new PodIdentityBoundWorkload(s, 'Carts', { cluster: importedEksV2Cluster(s), namespace: 'carts2', image: 'c:1' }));
    const otherServiceAccount = associationLogicalIds(s => new PodIdentityBoundWorkload(s, 'Carts', { cluster: importedEksV2Cluster(s), namespace: 'carts', serviceAccountName: 'carts2', image: 'c:1' }));
    // A new logical id for a new (cluster, namespace, service account): CloudFormation creates the new
    // association (a key EKS does not have yet) before deleting the old one, so the two never clash.
    expect(new Set([...base, ...otherNamespace, ...otherServiceAccount]).size).toBe(3);
  });

  test('the agent add-on is kept when the stack is deleted (preserveOnDelete)', () => {
    const { app, stack } = workload();
    app.synth();
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent', PreserveOnDelete: true });
  });
});

describe('clusters the library cannot apply manifests to, and agents installed elsewhere', () => {
  test('an imported aws_eks_v2 cluster without a kubectl provider', () => {
    const { stack } = setup();
    const cluster = eksv2.Cluster.fromClusterAttributes(stack, 'NoProvider', { clusterName: 'prod' });
    expect(() => new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'cart:1' }))
      .toThrow(/\[cdk-eks-pod-identity:NoKubectlProvider\] Stack\/W: cluster Stack\/NoProvider has no kubectl provider.*Fix: import an existing cluster with ExistingCluster\.fromClusterName/);
  });

  test.each([
    ['fromInstalledAddon', (stack: Stack, cluster: AnyCluster) => PodIdentityAgentAddon.fromInstalledAddon(stack, 'Agent', cluster)],
    ['the deprecated alreadyInstalled', (_: Stack, cluster: AnyCluster) => PodIdentityAgentAddon.of(cluster, { alreadyInstalled: true })],
  ])('%s: no add-on resource, and the association has nothing to wait for', (_, install) => {
    const { app, stack, cluster } = setup();
    const agent = install(stack, cluster);
    new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'cart:1' });
    app.synth();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::Addon', 0);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
    expect(agent.addonArn).toBeUndefined();
    expect(PodIdentityAgentAddon.of(cluster)).toBe(agent);
    const association = template.findResources('AWS::EKS::PodIdentityAssociation');
    expect(Object.values(association)[0].DependsOn ?? []).not.toContain(expect.stringMatching(/Addon/));
    expect(errorsOf(stack)).toEqual([]);
  });

  test('fromInstalledAddon after the add-on is defined is rejected', () => {
    const { stack, cluster } = setup();
    PodIdentityAgentAddon.of(cluster);
    expect(() => PodIdentityAgentAddon.fromInstalledAddon(stack, 'Agent', cluster)).toThrow(/DuplicateAgentAddon.*before anything that uses/);
  });

  test('alreadyInstalled with add-on options is rejected', () => {
    const { stack, cluster } = setup();
    expect(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster, alreadyInstalled: true, addonVersion: 'v1.3.4-eksbuild.1' }))
      .toThrow(/\[cdk-eks-pod-identity:AgentAddonAlreadyInstalled\] .*addonVersion is set too/);
  });
});

describe('apps spread over several stacks', () => {
  test('one role associated with same-named clusters of two stacks gets two associations, not DuplicateAssociation', () => {
    const app = new App();
    const roleStack = new Stack(app, 'RoleStack', { env: ENV });
    const prod = newEksV2Cluster(new Stack(app, 'Prod', { env: ENV }));
    const staging = newEksV2Cluster(new Stack(app, 'Staging', { env: ENV }));
    const role = new PodIdentityRole(roleStack, 'Reader');
    role.associate(prod, { namespace: 'reports', serviceAccount: 'reader' });
    role.associate(staging, { namespace: 'reports', serviceAccount: 'reader' });
    expect(Object.keys(Template.fromStack(roleStack).findResources('AWS::EKS::PodIdentityAssociation'))).toHaveLength(2);
  });

  test('stacks importing one cluster by name share one agent add-on', () => {
    const app = new App();
    const teamA = new Stack(app, 'TeamA', { env: ENV });
    const teamB = new Stack(app, 'TeamB', { env: ENV });
    new PodIdentityBoundWorkload(teamA, 'Carts', { cluster: importedEksV2Cluster(teamA, 'Cluster', 'shared'), namespace: 'carts', image: 'c:1' });
    new PodIdentityBoundWorkload(teamB, 'Orders', { cluster: importedEksV2Cluster(teamB, 'Cluster', 'shared'), namespace: 'orders', image: 'o:1' });
    Template.fromStack(teamA).resourceCountIs('AWS::EKS::Addon', 1);
    Template.fromStack(teamB).resourceCountIs('AWS::EKS::Addon', 0);
    expect(teamB.dependencies).toContain(teamA);
  });

  test('a built-in namespace is not created; a namespace created by two workloads is an error', () => {
    const { app, stack, cluster } = setup();
    const inDefault = new PodIdentityBoundWorkload(stack, 'Default', { cluster, namespace: 'default', image: 'a:1' });
    expect(inDefault.kubernetesNamespace).toBeUndefined();
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'shop', image: 'c:1' });
    new PodIdentityBoundWorkload(stack, 'Orders', { cluster, namespace: 'shop', image: 'o:1' });
    new PodIdentityBoundWorkload(stack, 'Ui', { cluster, namespace: 'shop', image: 'u:1', createNamespace: false });
    app.synth();
    expectAnnotation(errorsOf(stack), 'NamespaceCreatedTwice', 'created by Stack/Carts and again by Stack/Orders');
  });

  test('a target role: the association role may assume it', () => {
    const { stack, cluster } = setup();
    const role = new PodIdentityRole(stack, 'Role');
    role.associate(cluster, { namespace: 'default', serviceAccount: 'app', targetRole: iam.Role.fromRoleArn(stack, 'Target', 'arn:aws:iam::222222222222:role/reader') });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: 'arn:aws:iam::222222222222:role/reader' }] },
    });
  });

  test('a scoped role in one stack for a new cluster of another, associated from that other stack', () => {
    const app = new App();
    const roleStack = new Stack(app, 'RoleStack', { env: ENV });
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const cluster = newEksV2Cluster(clusterStack);
    const role = new PodIdentityRole(roleStack, 'Shared', { scopeTrustToAssociations: true });
    expect(() => new PodIdentityBoundWorkload(clusterStack, 'W', { cluster, namespace: 'carts', image: 'c:1', role }))
      .toThrow(/\[cdk-eks-pod-identity:ScopedRoleAcrossStacks\] ClusterStack\/W\/Association: role RoleStack\/Shared/);
  });

  test('policies attached to the role from outside it are awaited too', () => {
    const { stack, cluster } = setup();
    const w = new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'c:1' });
    const extra = new iam.ManagedPolicy(stack, 'Extra', { roles: [w.role], statements: [new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::b'] })] });
    const inline = new iam.Policy(stack, 'Inline', { roles: [w.role], statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] })] });
    const [association] = Object.values(Template.fromStack(stack).findResources('AWS::EKS::PodIdentityAssociation'));
    expect(association.DependsOn).toEqual(expect.arrayContaining([
      stack.resolve((extra.node.defaultChild as iam.CfnManagedPolicy).logicalId),
      stack.resolve((inline.node.defaultChild as iam.CfnPolicy).logicalId),
    ]));
  });

  test('a trust policy allowing the two actions in separate statements is accepted', () => {
    const { app, stack, cluster } = setup();
    const role = new iam.Role(stack, 'Split', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: [new iam.ServicePrincipal('pods.eks.amazonaws.com')] }));
    new PodIdentityAssociation(stack, 'A', { cluster, role, namespace: 'default', serviceAccount: 'app' });
    app.synth();
    expect(errorsOf(stack)).toEqual([]);
  });
});

test('an eks-pod-identity-agent add-on defined by hand next to the library\'s is an error naming both', () => {
  const { app, stack, cluster } = setup();
  new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'c:1' });
  new eks.CfnAddon(stack, 'ByHand', { addonName: 'eks-pod-identity-agent', clusterName: cluster.clusterName });
  app.synth();
  expectAnnotation(errorsOf(stack), 'DuplicateAgentAddon', 'at Stack/Cluster/PodIdentityAgentAddon/Resource and at Stack/ByHand');
});

describe('one notion of cluster identity across the checks', () => {
  test('same-named clusters in two accounts are different clusters: no DuplicateAssociation, one add-on each', () => {
    const app = new App();
    const a = new Stack(app, 'AccountA', { env: ENV });
    const b = new Stack(app, 'AccountB', { env: { account: '222222222222', region: 'us-east-1' } });
    new PodIdentityBoundWorkload(a, 'Carts', { cluster: importedEksV2Cluster(a, 'Cluster', 'prod'), namespace: 'carts', image: 'c:1' });
    new PodIdentityBoundWorkload(b, 'Carts', { cluster: importedEksV2Cluster(b, 'Cluster', 'prod'), namespace: 'carts', image: 'c:1' });
    app.synth();
    expect([...errorsOf(a), ...errorsOf(b)]).toEqual([]);
    Template.fromStack(a).resourceCountIs('AWS::EKS::Addon', 1);
    Template.fromStack(b).resourceCountIs('AWS::EKS::Addon', 1);
  });

  test('a Fargate profile defined outside the cluster construct is found too', () => {
    const { app, stack, cluster } = withNewCluster();
    new eksv2.FargateProfile(stack, 'Elsewhere', { cluster, selectors: [{ namespace: 'carts' }] });
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'c:1' });
    app.synth();
    expectAnnotation(errorsOf(stack), 'FargateUnsupported', 'Stack/Elsewhere');
  });

  test('a role lists every association of it, made with associate() or directly', () => {
    const { stack, cluster } = setup();
    const role = new PodIdentityRole(stack, 'Role');
    const viaAssociate = role.associate(cluster, { namespace: 'carts', serviceAccount: 'carts' });
    const direct = new PodIdentityAssociation(stack, 'Direct', { cluster, role, namespace: 'orders', serviceAccount: 'worker' });
    expect(role.associations).toEqual([viaAssociate, direct]);
  });
});
