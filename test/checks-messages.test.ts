// The cross-construct checks (lib/checks): the whole message each one reports, and the near misses each one must
// not report. Small apps on imported clusters where possible, so that mutation testing (`npx projen mutation`) can
// run the file for every mutant of the checks; validation.test.ts holds the larger end-to-end cases.
import { App, CfnParameter, CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PodIdentityAddon, PodIdentityAgentAddon, PodIdentityAssociation, PodIdentityBoundWorkload, PodIdentityBoundWorkloadProps, PodIdentityRole } from '../lib';
import { ENV, importedEksV2Cluster, importedEksV2ClusterWithOidc, KUBECTL_LAYER_ARN } from './helpers/clusters';

interface Message {
  readonly level: string;
  readonly path: string;
  readonly text: string;
}

/** Every error and warning of the app's stacks, after synthesis. */
function messagesOf(app: App): Message[] {
  return app.synth().stacks.flatMap(stack => stack.messages.map(m => ({ level: m.level, path: m.id, text: String(m.entry.data) })));
}

function withId(messages: Message[], id: string): Message[] {
  return messages.filter(m => m.text.startsWith(`[cdk-eks-pod-identity:${id}]`));
}

function setup(env: { account?: string; region?: string } | undefined = ENV) {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env });
  const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
  // The user states that the agent is not installed yet (else AgentAddonOnImportedCluster warns; tested on its own).
  PodIdentityAgentAddon.of(cluster);
  return { app, stack, cluster };
}

function workload(overrides: Partial<PodIdentityBoundWorkloadProps> = {}) {
  const { app, stack, cluster } = setup();
  const w = new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', serviceAccountName: 'carts', image: 'cart:1', ...overrides });
  return { app, stack, cluster, workload: w };
}

function newCluster(stack: Stack, props: Partial<eksv2.ClusterProps> = {}, clusterClass: typeof eksv2.Cluster = eksv2.Cluster): eksv2.Cluster {
  return new clusterClass(stack, 'New', {
    version: eksv2.KubernetesVersion.V1_33,
    kubectlProviderOptions: { kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Layer', KUBECTL_LAYER_ARN) },
    ...props,
  });
}

test('a clean app reports nothing', () => {
  const { app } = workload();
  expect(messagesOf(app)).toEqual([]);
});

describe('DuplicateAssociation', () => {
  test('the same service account associated in two stacks: one error on the second, naming both paths', () => {
    const app = new App();
    for (const team of ['TeamA', 'TeamB']) {
      const stack = new Stack(app, team, { env: ENV });
      new PodIdentityRole(stack, 'Role').associate(importedEksV2Cluster(stack, 'Cluster', 'prod'), { namespace: 'carts', serviceAccount: 'carts' });
    }
    expect(withId(messagesOf(app), 'DuplicateAssociation')).toEqual([{
      level: 'error',
      path: '/TeamB/Role/Association0',
      text: '[cdk-eks-pod-identity:DuplicateAssociation] service account carts/carts on cluster "prod" is associated twice, at TeamA/Role/Association0 and at TeamB/Role/Association0; EKS allows one role per service account. '
        + 'Fix: keep one association (give its role all the permissions the pods need), or run the second workload under another service account',
    }]);
  });

  test('another namespace, service account or cluster, or unresolved names, are not duplicates', () => {
    const app = new App();
    const options = [
      { namespace: 'carts', serviceAccount: 'carts', cluster: 'prod' },
      { namespace: 'orders', serviceAccount: 'carts', cluster: 'prod' },
      { namespace: 'carts', serviceAccount: 'orders', cluster: 'prod' },
      { namespace: 'carts', serviceAccount: 'carts', cluster: 'staging' },
    ];
    options.forEach((o, i) => {
      const stack = new Stack(app, `S${i}`, { env: ENV });
      new PodIdentityRole(stack, 'Role').associate(importedEksV2Cluster(stack, 'Cluster', o.cluster), { namespace: o.namespace, serviceAccount: o.serviceAccount });
    });
    for (const name of ['P1', 'P2']) {
      const stack = new Stack(app, name, { env: ENV });
      const parameter = new CfnParameter(stack, 'Name').valueAsString;
      new PodIdentityRole(stack, 'Role').associate(importedEksV2Cluster(stack, 'Cluster', 'prod'), { namespace: parameter, serviceAccount: 'sa' });
      new PodIdentityRole(stack, 'Role2').associate(importedEksV2Cluster(stack, 'Cluster2', 'prod'), { namespace: 'ns', serviceAccount: parameter });
    }
    expect(withId(messagesOf(app), 'DuplicateAssociation')).toEqual([]);
  });

  test('one unresolved namespace shared by two stacks is not compared (its value is unknown)', () => {
    const app = new App();
    const namespace = Lazy.string({ produce: () => 'carts' });
    for (const team of ['TeamA', 'TeamB']) {
      const stack = new Stack(app, team, { env: ENV });
      new PodIdentityRole(stack, 'Role').associate(importedEksV2Cluster(stack, 'Cluster', 'prod'), { namespace, serviceAccount: 'carts' });
    }
    expect(withId(messagesOf(app), 'DuplicateAssociation')).toEqual([]);
  });
});

describe('DuplicateAgentAddon', () => {
  test('an eks-pod-identity-agent add-on defined by hand beside the library\'s', () => {
    const { app, stack, cluster } = workload();
    new eks.CfnAddon(stack, 'ByHand', { addonName: 'eks-pod-identity-agent', clusterName: cluster.clusterName });
    expect(withId(messagesOf(app), 'DuplicateAgentAddon')).toEqual([{
      level: 'error',
      path: '/Stack/ByHand',
      text: '[cdk-eks-pod-identity:DuplicateAgentAddon] the eks-pod-identity-agent add-on is defined twice for one cluster, at Stack/Cluster/PodIdentityAgentAddon/Resource and at Stack/ByHand; the second fails to deploy because the add-on exists. '
        + 'Fix: define it once: use PodIdentityAgentAddon.of(cluster) (or cluster.eksPodIdentityAgent, which it shares) instead of another Addon/CfnAddon; '
        + 'where two stages (e.g. CDK Pipelines waves) deploy to the same cluster, call PodIdentityAgentAddon.fromInstalledAddon(scope, id, cluster) in the stage deployed second, before anything uses the cluster there',
    }]);
  });

  test('other add-ons, other clusters and other accounts or regions are fine', () => {
    const { app, stack, cluster } = workload();
    new eks.CfnAddon(stack, 'VpcCni', { addonName: 'vpc-cni', clusterName: cluster.clusterName });
    new eks.CfnAddon(stack, 'OtherCluster', { addonName: 'eks-pod-identity-agent', clusterName: 'staging' });
    new eks.CfnAddon(new Stack(app, 'OtherAccount', { env: { ...ENV, account: '222222222222' } }), 'Agent', { addonName: 'eks-pod-identity-agent', clusterName: 'prod' });
    new eks.CfnAddon(new Stack(app, 'OtherRegion', { env: { ...ENV, region: 'eu-west-1' } }), 'Agent', { addonName: 'eks-pod-identity-agent', clusterName: 'prod' });
    expect(messagesOf(app)).toEqual([]);
  });
});

describe('DuplicateAddon', () => {
  test('an add-on defined twice for one cluster: one error on the second, naming both', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityAddon(stack, 'Cni', { cluster, addonName: 'vpc-cni' });
    new eks.CfnAddon(stack, 'HandMade', { clusterName: 'prod', addonName: 'vpc-cni' });
    expect(withId(messagesOf(app), 'DuplicateAddon')).toEqual([{
      level: 'error',
      path: '/Stack/HandMade',
      text: '[cdk-eks-pod-identity:DuplicateAddon] the "vpc-cni" add-on is defined twice for one cluster, at Stack/Cni/Resource and at Stack/HandMade; the second fails to deploy because the add-on exists. '
        + 'Fix: define it once: keep the PodIdentityAddon (it creates the add-on with its Pod Identity associations and roles) and remove the other Addon/CfnAddon',
    }]);
  });

  test('other add-ons, other clusters, other accounts, and the agent add-on (DuplicateAgentAddon\'s) are not reported', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityAddon(stack, 'Cni', { cluster, addonName: 'vpc-cni' });
    new eks.CfnAddon(stack, 'Coredns', { clusterName: 'prod', addonName: 'coredns' });
    new eks.CfnAddon(stack, 'Staging', { clusterName: 'staging', addonName: 'vpc-cni' });
    new eks.CfnAddon(new Stack(app, 'Other', { env: { account: '999999999999', region: ENV.region } }), 'Cni', { clusterName: 'prod', addonName: 'vpc-cni' });
    new eks.CfnAddon(stack, 'Agent', { clusterName: 'prod', addonName: 'eks-pod-identity-agent' });
    const messages = messagesOf(app);
    expect(withId(messages, 'DuplicateAgentAddon').map(m => m.path)).toEqual(['/Stack/Agent']);
    expect(withId(messages, 'DuplicateAddon')).toEqual([]);
  });

  test('an add-on\'s associations are in the namespace the add-on creates: no NamespaceNotCreated', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityAddon(stack, 'Cw', { cluster, addonName: 'amazon-cloudwatch-observability' });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'amazon-cloudwatch', serviceAccount: 'other' });
    expect(withId(messagesOf(app), 'NamespaceNotCreated').map(m => m.path)).toEqual(['/Stack/Role/Association0']);
  });
});

describe('NamespaceCreatedTwice', () => {
  test('two workloads creating one namespace on one cluster', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'shop', image: 'c:1' });
    new PodIdentityBoundWorkload(stack, 'Orders', { cluster, namespace: 'shop', image: 'o:1' });
    expect(withId(messagesOf(app), 'NamespaceCreatedTwice')).toEqual([{
      level: 'error',
      path: '/Stack/Orders',
      text: '[cdk-eks-pod-identity:NamespaceCreatedTwice] namespace "shop" on cluster "prod" is created by Stack/Carts and again by Stack/Orders; the second creation fails the deployment, and deleting either workload would delete the namespace with the other\'s pods. '
        + 'Fix: set createNamespace: false on every workload of that namespace but one',
    }]);
  });

  test('one creator per namespace and cluster, and unresolved namespaces, are fine', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'shop', image: 'c:1' });
    new PodIdentityBoundWorkload(stack, 'Orders', { cluster, namespace: 'shop', image: 'o:1', createNamespace: false });
    new PodIdentityBoundWorkload(stack, 'Staging', { cluster: importedEksV2Cluster(stack, 'StagingCluster', 'staging'), namespace: 'shop', image: 'c:1' });
    const namespace = new CfnParameter(stack, 'Namespace').valueAsString;
    new PodIdentityBoundWorkload(stack, 'Token1', { cluster, namespace, serviceAccountName: 'a', image: 'c:1', createNamespace: true });
    new PodIdentityBoundWorkload(stack, 'Token2', { cluster, namespace, serviceAccountName: 'b', image: 'c:1', createNamespace: true });
    expect(withId(messagesOf(app), 'NamespaceCreatedTwice')).toEqual([]);
  });
});

describe('DuplicateDeployment', () => {
  test('two workloads with one Deployment name in one namespace: one error on the second, naming both and the fix', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'shop', serviceAccountName: 'carts', deploymentName: 'web', image: 'c:1' });
    new PodIdentityBoundWorkload(stack, 'Orders', { cluster, namespace: 'shop', serviceAccountName: 'orders', deploymentName: 'web', image: 'o:1', createNamespace: false });
    expect(withId(messagesOf(app), 'DuplicateDeployment')).toEqual([{
      level: 'error',
      path: '/Stack/Orders',
      text: '[cdk-eks-pod-identity:DuplicateDeployment] Deployment "web" in namespace "shop" on cluster "prod" is defined by Stack/Carts and again by Stack/Orders; at deploy the second fails (AlreadyExists) or replaces the first, whose pods then run as the other workload\'s service account. '
        + 'Fix: give each workload its own deploymentName',
    }]);
  });
});

describe('NamespaceOrderCycle', () => {
  test('two stacks each creating a namespace the other uses: one error naming the two dependencies', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: ENV });
    const b = new Stack(app, 'B', { env: ENV });
    PodIdentityAgentAddon.of(importedEksV2Cluster(new Stack(app, 'Cluster', { env: ENV }), 'Cluster', 'prod'));
    const clusterA = importedEksV2Cluster(a, 'Cluster', 'prod');
    const clusterB = importedEksV2Cluster(b, 'Cluster', 'prod');
    new PodIdentityBoundWorkload(a, 'Cart', { cluster: clusterA, namespace: 'ns1', image: 'c:1' });
    new PodIdentityBoundWorkload(a, 'Orders', { cluster: clusterA, namespace: 'ns2', image: 'o:1', createNamespace: false });
    new PodIdentityBoundWorkload(b, 'Ui', { cluster: clusterB, namespace: 'ns2', image: 'u:1' });
    new PodIdentityBoundWorkload(b, 'Assets', { cluster: clusterB, namespace: 'ns1', image: 'a:1', createNamespace: false });
    const [error, ...others] = withId(messagesOf(app), 'NamespaceOrderCycle');
    expect(others).toEqual([]);
    expect(error.path).toBe('/B/Assets');
    expect(error.text).toContain('[cdk-eks-pod-identity:NamespaceOrderCycle] B/Assets uses namespace "ns1" created by A/Cart, so stack B must deploy after stack A; '
      + 'but stack A already deploys after stack B (A/Orders uses namespace "ns2" created by B/Ui): a dependency cycle CloudFormation cannot deploy. Fix: create each namespace in a stack');
  });
});

describe('UnsupportedRegion', () => {
  test.each(['cn-north-1', 'us-gov-west-1'])('%s: one error', region => {
    const { app } = setup({ account: ENV.account, region });
    const stack = app.node.findChild('Stack') as Stack;
    new PodIdentityRole(stack, 'Role').associate(stack.node.findChild('Cluster') as any, { namespace: 'default', serviceAccount: 'app' });
    expect(withId(messagesOf(app), 'UnsupportedRegion')).toEqual([{
      level: 'error',
      path: '/Stack/Role/Association0',
      text: `[cdk-eks-pod-identity:UnsupportedRegion] region "${region}" does not offer EKS Pod Identity (not available in the China and AWS GovCloud (US) regions). `
        + 'Fix: use IAM roles for service accounts (IRSA: cluster.addServiceAccount) in this region, or deploy to a commercial region',
    }]);
  });

  test.each(['us-east-1', 'eu-cn-1', 'ap-us-gov-1'])('%s is fine', region => {
    const { app, stack, cluster } = setup({ account: ENV.account, region });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    expect(messagesOf(app)).toEqual([]);
  });

  test('a region-agnostic stack is not reported', () => {
    const { app, stack, cluster } = setup({});
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    expect(messagesOf(app)).toEqual([]);
  });
});

describe('KubernetesVersionTooOld', () => {
  test.each([['1.23', true], ['0.30', true], ['1.9', true], ['1.24', false], ['1.33', false], ['2.0', false]])('version %s: reported %s', (version, reported) => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = newCluster(stack, { version: eksv2.KubernetesVersion.of(version) });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    const errors = withId(messagesOf(app), 'KubernetesVersionTooOld');
    expect(errors).toEqual(reported ? [{
      level: 'error',
      path: '/Stack/Role/Association0',
      text: `[cdk-eks-pod-identity:KubernetesVersionTooOld] cluster Stack/New runs Kubernetes ${version}; EKS Pod Identity needs 1.24 or later. `
        + 'Fix: upgrade the cluster\'s version to 1.24 or later (e.g. KubernetesVersion.V1_33)',
    }] : []);
  });
});

describe('Fargate', () => {
  test('a FargateCluster: one error per association, and no profile message on top', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = newCluster(stack, {}, eksv2.FargateCluster);
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    expect(messagesOf(app).filter(m => m.text.includes('Fargate'))).toEqual([{
      level: 'error',
      path: '/Stack/Role/Association0',
      text: '[cdk-eks-pod-identity:FargateUnsupported] cluster Stack/New is a FargateCluster; EKS Pod Identity does not work on Fargate pods. '
        + 'Fix: run the workload on EC2 nodes (a Cluster with a managed node group), or use IRSA (cluster.addServiceAccount) on Fargate',
    }]);
  });

  test('profiles selecting the namespace: an error without labels, a warning with labels, nothing for other namespaces', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = newCluster(stack);
    cluster.addFargateProfile('All', { selectors: [{ namespace: 'carts' }, { namespace: 'other' }] });
    cluster.addFargateProfile('Labelled', { selectors: [{ namespace: 'carts', labels: { compute: 'fargate' } }] });
    cluster.addFargateProfile('Orders', { selectors: [{ namespace: 'orders' }] });
    new eks.CfnFargateProfile(stack, 'OtherCluster', { clusterName: 'staging', podExecutionRoleArn: 'arn:aws:iam::111111111111:role/fargate', selectors: [{ namespace: 'carts' }] });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'carts', serviceAccount: 'app' });
    new PodIdentityRole(stack, 'Unresolved').associate(cluster, { namespace: new CfnParameter(stack, 'Namespace').valueAsString, serviceAccount: 'app' });
    const messages = messagesOf(app).filter(m => m.text.includes('Fargate'));
    expect(messages).toEqual([
      {
        level: 'error',
        path: '/Stack/Role/Association0',
        text: '[cdk-eks-pod-identity:FargateUnsupported] the Fargate profile Stack/New/fargate-profile-All/Resource of cluster Stack/New selects every pod in namespace "carts", and EKS Pod Identity does not work on Fargate pods. '
          + 'Fix: run the workload in a namespace no Fargate profile selects, narrow the profile with labels, or use IRSA for Fargate pods',
      },
      {
        level: 'warning',
        path: '/Stack/Role/Association0',
        text: expect.stringContaining('[cdk-eks-pod-identity:FargateProfileSelectsNamespace] the Fargate profile Stack/New/fargate-profile-Labelled/Resource selects pods labelled {"compute":"fargate"} in namespace "carts"; such pods get no Pod Identity credentials. '
          + 'Fix: make sure the workload\'s pods do not carry those labels'),
      },
    ]);
  });
});

describe('RoleNotTrustedByPodIdentity', () => {
  const trustFix = 'Fix: use a PodIdentityRole, or add this statement to the role\'s trust policy: {"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}';

  function associateRoleTrusting(statements: iam.PolicyStatement[], assumedBy: iam.IPrincipal = new iam.ServicePrincipal('ec2.amazonaws.com')) {
    const { app, stack, cluster } = setup();
    const role = new iam.Role(stack, 'Byo', { assumedBy });
    role.assumeRolePolicy!.addStatements(...statements);
    new PodIdentityAssociation(stack, 'A', { cluster, role, namespace: 'default', serviceAccount: 'app' });
    return withId(messagesOf(app), 'RoleNotTrustedByPodIdentity');
  }

  const pods = new iam.ServicePrincipal('pods.eks.amazonaws.com');

  test('a role trusting another service', () => {
    expect(associateRoleTrusting([])).toEqual([{
      level: 'error',
      path: '/Stack/A',
      text: `[cdk-eks-pod-identity:RoleNotTrustedByPodIdentity] role Stack/Byo does not trust pods.eks.amazonaws.com for both sts:AssumeRole and sts:TagSession, so EKS cannot give its credentials to pods. ${trustFix}`,
    }]);
  });

  test.each([
    ['only sts:AssumeRole', [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [pods] })]],
    ['only sts:TagSession', [new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: [pods] })]],
    ['both, but denied', [new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['sts:AssumeRole', 'sts:TagSession'], principals: [pods] })]],
    ['sts:TagSession to another service', [
      new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [pods] }),
      new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: [new iam.ServicePrincipal('ec2.amazonaws.com')] }),
    ]],
    ['a similar action', [new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSessionX'], principals: [pods] })]],
  ])('%s: reported', (_name, statements) => {
    expect(associateRoleTrusting(statements)).toHaveLength(1);
  });

  test.each([
    ['both actions in one statement', [new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], principals: [pods] })]],
    ['the two actions in two statements', [
      new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [pods] }),
      new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: [pods] }),
    ]],
    ['sts:*', [new iam.PolicyStatement({ actions: ['sts:*'], principals: [pods] })]],
    ['*', [new iam.PolicyStatement({ actions: ['*'], principals: [pods] })]],
    ['several services', [new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], principals: [new iam.CompositePrincipal(new iam.ServicePrincipal('ec2.amazonaws.com'), pods)] })]],
  ])('%s: trusted', (_name, statements) => {
    expect(associateRoleTrusting(statements)).toEqual([]);
  });

  test('an imported role is not checked (its trust policy is unknown)', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityAssociation(stack, 'A', { cluster, role: iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111111111111:role/x'), namespace: 'default', serviceAccount: 'app' });
    expect(messagesOf(app)).toEqual([]);
  });
});

describe('SessionTagConditionsWithoutSessionTags', () => {
  function associate(conditions: Record<string, Record<string, unknown>>, disableSessionTags: boolean) {
    const { app, stack, cluster } = setup();
    const role = new PodIdentityRole(stack, 'Role');
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole', 'sts:TagSession'], principals: [new iam.ServicePrincipal('pods.eks.amazonaws.com')], conditions,
    }));
    role.associate(cluster, { namespace: 'default', serviceAccount: 'app', disableSessionTags });
    return withId(messagesOf(app), 'SessionTagConditionsWithoutSessionTags');
  }

  test('tag conditions with session tags off: every tag key named', () => {
    expect(associate({
      'StringEquals': { 'aws:RequestTag/kubernetes-namespace': 'default', 'aws:SourceAccount': '111111111111' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] },
    }, true)).toEqual([{
      level: 'error',
      path: '/Stack/Role/Association0',
      text: '[cdk-eks-pod-identity:SessionTagConditionsWithoutSessionTags] role Stack/Role trusts pods only with session-tag conditions (aws:RequestTag/kubernetes-namespace, aws:TagKeys) but the association at Stack/Role/Association0 sets disableSessionTags: true, so no tags are sent and the role can never be assumed. '
        + 'Fix: remove those trust conditions, or keep session tags on (disableSessionTags: false)',
    }]);
  });

  test('no tag conditions, or session tags on, are fine', () => {
    expect(associate({ StringEquals: { 'aws:SourceAccount': '111111111111', 'aws:PrincipalTag/x': 'y' } }, true)).toEqual([]);
    expect(associate({ StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'default' } }, false)).toEqual([]);
  });
});

describe('CrossAccountRole', () => {
  test('an association role in another account', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityAssociation(stack, 'A', { cluster, role: iam.Role.fromRoleArn(stack, 'Other', 'arn:aws:iam::222222222222:role/carts'), namespace: 'default', serviceAccount: 'app' });
    expect(withId(messagesOf(app), 'CrossAccountRole')).toEqual([{
      level: 'error',
      path: '/Stack/A',
      text: '[cdk-eks-pod-identity:CrossAccountRole] role Stack/Other is in account 222222222222 but cluster "prod" is in account 111111111111; EKS requires the association role in the cluster\'s account. '
        + 'Fix: associate a role in the cluster\'s account and pass the other account\'s role as targetRole (role chaining); the target role must trust the association role',
    }]);
  });

  test('unknown accounts are not compared', () => {
    const { app, stack, cluster } = setup({});
    new PodIdentityAssociation(stack, 'A', { cluster, role: iam.Role.fromRoleArn(stack, 'Other', 'arn:aws:iam::222222222222:role/carts'), namespace: 'default', serviceAccount: 'app' });
    const other = setup();
    const unknownArn = new CfnParameter(other.stack, 'RoleArn').valueAsString;
    new PodIdentityAssociation(other.stack, 'A', { cluster: other.cluster, role: iam.Role.fromRoleArn(other.stack, 'Unknown', unknownArn), namespace: 'default', serviceAccount: 'app' });
    expect(withId(messagesOf(app), 'CrossAccountRole')).toEqual([]);
    expect(withId(messagesOf(other.app), 'CrossAccountRole')).toEqual([]);
  });
});

describe('NamespaceNotCreated', () => {
  test('a namespace nothing creates: a warning naming it', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'payments', serviceAccount: 'api' });
    const [warning, ...others] = withId(messagesOf(app), 'NamespaceNotCreated');
    expect(others).toEqual([]);
    expect(warning.level).toBe('warning');
    expect(warning.path).toBe('/Stack/Role/Association0');
    expect(warning.text).toContain('[cdk-eks-pod-identity:NamespaceNotCreated] namespace "payments" is neither created by this app nor a Kubernetes built-in; pods of the association cannot start until it exists. '
      + 'Fix: create it (a PodIdentityBoundWorkload with createNamespace: true, or cluster.addManifest), or, if it exists already, acknowledge with Annotations.of(scope).acknowledgeWarning(\'cdk-eks-pod-identity:NamespaceNotCreated\')');
  });

  test('built-ins, namespaces of workloads on the same cluster, manifests and Helm charts with createNamespace count as created', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'c:1' });
    cluster.addManifest('Payments', { apiVersion: 'v1', kind: 'Namespace' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'y' } });
    cluster.addHelmChart('Monitoring', { chart: 'grafana', repository: 'https://grafana.github.io/helm-charts', namespace: 'monitoring', createNamespace: true });
    const role = new PodIdentityRole(stack, 'Role');
    for (const namespace of ['carts', 'payments', 'monitoring', 'default', 'kube-system']) role.associate(cluster, { namespace, serviceAccount: 'app' });
    role.associate(cluster, { namespace: new CfnParameter(stack, 'Namespace').valueAsString, serviceAccount: 'app' });
    expect(withId(messagesOf(app), 'NamespaceNotCreated')).toEqual([]);
  });

  test('a manifest with tokens inside is not read: its namespaces do not count as created', () => {
    const { app, stack, cluster } = setup();
    const team = new CfnParameter(stack, 'Team').valueAsString;
    cluster.addManifest('Tokens', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments', labels: { team } } });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'payments', serviceAccount: 'api' });
    expect(withId(messagesOf(app), 'NamespaceNotCreated').map(m => m.path)).toEqual(['/Stack/Role/Association0']);
  });

  test('a manifest object without metadata (a manifest not pruned, so not labelled) names no namespace', () => {
    const { app, stack, cluster } = setup();
    new eksv2.KubernetesManifest(stack, 'Unlabelled', { cluster, prune: false, manifest: [{ apiVersion: 'v1', kind: 'Namespace' }] });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'payments', serviceAccount: 'api' });
    expect(withId(messagesOf(app), 'NamespaceNotCreated').map(m => m.path)).toEqual(['/Stack/Role/Association0']);
  });

  test('not created: a workload\'s namespace on another cluster, a Helm chart without createNamespace, a manifest\'s other objects', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster: importedEksV2Cluster(stack, 'Staging', 'staging'), namespace: 'carts', image: 'c:1' });
    cluster.addHelmChart('Monitoring', { chart: 'grafana', repository: 'https://grafana.github.io/helm-charts', namespace: 'monitoring', createNamespace: false });
    cluster.addManifest('Config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'y', namespace: 'y' } });
    const role = new PodIdentityRole(stack, 'Role');
    new PodIdentityBoundWorkload(stack, 'Shop', { cluster, namespace: 'shop', serviceAccountName: 'api', deploymentName: 'web', image: 's:1' });
    for (const namespace of ['carts', 'monitoring', 'y', 'api', 'web']) role.associate(cluster, { namespace, serviceAccount: 'app' });
    expect(withId(messagesOf(app), 'NamespaceNotCreated').map(m => m.text.match(/namespace "([^"]+)"/)?.[1])).toEqual(['carts', 'monitoring', 'y', 'api', 'web']);
  });
});

describe('CredentialEnvOverridesPodIdentity', () => {
  test('every overriding variable is named, in the SDKs\' order', () => {
    const { app } = workload({ env: { AWS_ROLE_ARN: 'x', AWS_REGION: 'us-east-1', AWS_PROFILE: 'dev' } });
    const warnings = withId(messagesOf(app), 'CredentialEnvOverridesPodIdentity');
    expect(warnings.map(w => [w.level, w.path])).toEqual([['warning', '/Stack/Carts']]);
    expect(warnings[0].text).toContain('[cdk-eks-pod-identity:CredentialEnvOverridesPodIdentity] the Deployment sets AWS_PROFILE, AWS_ROLE_ARN, which the AWS SDKs read before Pod Identity\'s container credentials, so the pods would not use the role Stack/Carts/Role. '
      + 'Fix: remove AWS_PROFILE, AWS_ROLE_ARN from the container environment');
  });

  test.each(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN'])('%s alone', name => {
    const { app } = workload({ env: { [name]: 'x' } });
    expect(withId(messagesOf(app), 'CredentialEnvOverridesPodIdentity').map(m => m.text.match(/the Deployment sets (\S+), which/)?.[1])).toEqual([name]);
  });

  test('other AWS variables are fine', () => {
    const { app } = workload({ env: { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' } });
    expect(messagesOf(app)).toEqual([]);
  });
});

describe('IrsaAnnotationPresent', () => {
  test('the annotation on a ServiceAccount of the chart', () => {
    const { app, workload: w } = workload();
    w.serviceAccount.metadata.addAnnotation('eks.amazonaws.com/role-arn', 'arn:aws:iam::111111111111:role/old');
    const warnings = withId(messagesOf(app), 'IrsaAnnotationPresent');
    expect(warnings.map(m => [m.level, m.path])).toEqual([['warning', '/Stack/Carts']]);
    expect(warnings[0].text).toContain('[cdk-eks-pod-identity:IrsaAnnotationPresent] ServiceAccount "carts" carries the IRSA annotation eks.amazonaws.com/role-arn="arn:aws:iam::111111111111:role/old" while a Pod Identity association exists; the SDKs prefer IRSA\'s web identity credentials. '
      + 'Fix: remove the annotation, or set migratingFromIrsa: true while moving the workload from IRSA to Pod Identity');
  });

  test('migration mode: the workload sets the annotation itself, which is not reported', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = importedEksV2ClusterWithOidc(stack, 'Cluster', 'prod');
    const w = new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1', migratingFromIrsa: true });
    expect(Object.keys(w.serviceAccount.metadata.toJson().annotations)).toEqual(['eks.amazonaws.com/role-arn']);
    expect(withId(messagesOf(app), 'IrsaAnnotationPresent')).toEqual([]);
  });

  test('other annotations and the annotation on other kinds are fine', () => {
    const { app, workload: w } = workload();
    w.serviceAccount.metadata.addAnnotation('example.com/owner', 'team');
    new kplus.ConfigMap(w.chart, 'Config', { metadata: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/old' } } });
    expect(messagesOf(app)).toEqual([]);
  });
});

describe('ServiceAccountMismatch', () => {
  test.each([
    ['another service account', JsonPatch.replace('/spec/template/spec/serviceAccountName', 'other'), '"other"'],
    ['none (the default one)', JsonPatch.remove('/spec/template/spec/serviceAccountName'), '"default"'],
  ])('the pods run as %s', (_name, patch, quoted) => {
    const { app, workload: w } = workload();
    ApiObject.of(w.deployment).addJsonPatch(patch);
    expect(withId(messagesOf(app), 'ServiceAccountMismatch')).toEqual([{
      level: 'error',
      path: '/Stack/Carts',
      text: `[cdk-eks-pod-identity:ServiceAccountMismatch] the Deployment's pods run as service account ${quoted} but the association binds "carts", so the pods get no credentials. `
        + 'Fix: leave the Deployment\'s service account to the workload (do not replace it), or associate the service account the pods use',
    }]);
  });

  test('another Deployment in the chart, rendered before the workload\'s own, is not the one checked', () => {
    const { app, workload: w } = workload();
    // A batch job under another service account, ordered first by a dependency: cdk8s renders it before the
    // workload's Deployment, so only the name tells the two apart.
    const other = new kplus.Deployment(w.chart, 'Other', {
      metadata: { name: 'carts-batch' },
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(w.chart, 'Batch', 'batch'),
      containers: [{ image: 'batch:1', securityContext: { user: 1000 } }],
    });
    w.deployment.node.addDependency(other);
    const deployments = w.chart.toJson().filter((o: any) => o.kind === 'Deployment').map((o: any) => o.metadata.name);
    expect(deployments).toEqual(['carts-batch', 'carts']);
    expect(withId(messagesOf(app), 'ServiceAccountMismatch')).toEqual([]);
  });
});

describe('NoLinuxCapacity', () => {
  function clusterWith(nodegroups: Array<[string, eksv2.NodegroupAmiType | undefined]>, withAutoScalingGroup = false) {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = newCluster(stack, { defaultCapacityType: eksv2.DefaultCapacityType.NODEGROUP, defaultCapacity: 0 });
    for (const [id, amiType] of nodegroups) {
      new eks.CfnNodegroup(cluster, `Nodegroup${id}`, { clusterName: cluster.clusterName, nodeRole: 'arn:aws:iam::111111111111:role/node', subnets: ['subnet-1'], amiType });
    }
    // Another cluster's Linux node group does not count.
    new eks.CfnNodegroup(stack, 'StagingLinux', { clusterName: 'staging', nodeRole: 'arn:aws:iam::111111111111:role/node', subnets: ['subnet-1'], amiType: 'AL2023_x86_64_STANDARD' });
    if (withAutoScalingGroup) new CfnResource(cluster, 'Asg', { type: 'AWS::AutoScaling::AutoScalingGroup', properties: { MinSize: '1', MaxSize: '1' } });
    const role = new PodIdentityRole(stack, 'Role');
    role.associate(cluster, { namespace: 'default', serviceAccount: 'a' });
    role.associate(cluster, { namespace: 'default', serviceAccount: 'b' });
    return withId(messagesOf(app), 'NoLinuxCapacity');
  }

  test('only Windows node groups: one warning per cluster, naming them', () => {
    const warnings = clusterWith([['Win1', eksv2.NodegroupAmiType.WINDOWS_CORE_2022_X86_64], ['Win2', eksv2.NodegroupAmiType.WINDOWS_FULL_2022_X86_64]]);
    expect(warnings.map(m => [m.level, m.path])).toEqual([['warning', '/Stack/Role/Association0']]);
    expect(warnings[0].text).toContain('[cdk-eks-pod-identity:NoLinuxCapacity] cluster Stack/New has only Windows node groups (Stack/New/NodegroupWin1, Stack/New/NodegroupWin2); EKS Pod Identity works on Linux EC2 nodes only. '
      + 'Fix: add a Linux managed node group (e.g. AMI type AL2023_x86_64_STANDARD) for the workloads that use Pod Identity');
  });

  test('a Linux node group, self-managed capacity, or no node group at all: fine', () => {
    expect(clusterWith([['Win', eksv2.NodegroupAmiType.WINDOWS_CORE_2022_X86_64], ['Linux', eksv2.NodegroupAmiType.AL2023_X86_64_STANDARD]])).toEqual([]);
    expect(clusterWith([['Win', eksv2.NodegroupAmiType.WINDOWS_CORE_2022_X86_64]], true)).toEqual([]);
    expect(clusterWith([])).toEqual([]);
    expect(clusterWith([['Win', eksv2.NodegroupAmiType.WINDOWS_CORE_2022_X86_64], ['Default', undefined]])).toEqual([]);
  });
});
