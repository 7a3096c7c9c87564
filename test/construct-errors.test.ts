// The whole message of every error the constructs throw (and the one warning they add) for a bad combination of
// props, and the near misses they must accept. Construct-time only, so mutation testing can run it cheaply.
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kplus from 'cdk8s-plus-28';
import {
  PodIdentityAgentAddon, PodIdentityAssociation, PodIdentityBoundWorkload, PodIdentityBoundWorkloadProps, PodIdentityRole, ResolveConflicts,
} from '../lib';
import { ENV, importedEksV2Cluster, newEksV2Cluster } from './helpers/clusters';

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
  return { app, stack, cluster };
}

function messageOf(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('PodIdentityAgentAddon', () => {
  test('of(cluster, options) after the add-on exists', () => {
    const { stack, cluster } = setup();
    new PodIdentityAgentAddon(stack, 'Agent', { cluster });
    expect(messageOf(() => PodIdentityAgentAddon.of(cluster, { addonVersion: 'v1.3.4-eksbuild.1', preserveOnDelete: false }))).toBe(
      '[cdk-eks-pod-identity:AgentAddonAlreadyConfigured] PodIdentityAgentAddon.of(Stack/Cluster) was given options ["addonVersion","preserveOnDelete"] but the add-on for that cluster already exists at Stack/Agent. '
      + 'Fix: pass the options where the add-on is first created (the first `PodIdentityAgentAddon.of(cluster, options)` or `new PodIdentityAgentAddon(...)`)');
    expect(PodIdentityAgentAddon.of(cluster)).toBe(PodIdentityAgentAddon.of(cluster, {}));
  });

  test('a second add-on for a cluster', () => {
    const { stack, cluster } = setup();
    PodIdentityAgentAddon.of(cluster);
    expect(messageOf(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster }))).toBe(
      '[cdk-eks-pod-identity:DuplicateAgentAddon] Stack/Agent: a PodIdentityAgentAddon for cluster Stack/Cluster already exists at Stack/Cluster/PodIdentityAgentAddon; EKS allows one eks-pod-identity-agent add-on per cluster. '
      + 'Fix: use `PodIdentityAgentAddon.of(cluster)` to get the existing add-on instead of creating a second one');
    expect(messageOf(() => PodIdentityAgentAddon.fromInstalledAddon(stack, 'Installed', cluster))).toBe(
      '[cdk-eks-pod-identity:DuplicateAgentAddon] the agent add-on of cluster Stack/Cluster is already defined at Stack/Cluster/PodIdentityAgentAddon, so it cannot be recorded as installed elsewhere. '
      + 'Fix: call PodIdentityAgentAddon.fromInstalledAddon(...) before anything that uses the cluster\'s agent (associations, workloads), or drop it if this app creates the add-on');
  });

  test.each(['v1.3.4-eksbuild.1', 'v10.20.30-eksbuild.40'])('version %j is accepted and rendered', addonVersion => {
    const { stack, cluster } = setup();
    new PodIdentityAgentAddon(stack, 'Agent', { cluster, addonVersion });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', { AddonVersion: addonVersion });
  });

  test.each(['1.3.4', 'v1.3.4', 'v1.3-eksbuild.1', 'v1.3.4-eksbuild.', 'xv1.3.4-eksbuild.1', 'v1.3.4-eksbuild.1x', 'v1.3.4.eksbuild.1', 'va.3.4-eksbuild.1'])('version %j is rejected', addonVersion => {
    const { stack, cluster } = setup();
    expect(messageOf(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster, addonVersion }))).toBe(
      `[cdk-eks-pod-identity:InvalidAgentAddonVersion] Stack/Agent: addonVersion ${JSON.stringify(addonVersion)} is not an EKS add-on version of the form vX.Y.Z-eksbuild.N. `
      + 'Fix: use a version listed by `aws eks describe-addon-versions --addon-name eks-pod-identity-agent`, e.g. "v1.3.4-eksbuild.1", or omit it for the default');
  });

  test('an unresolved version is not checked', () => {
    const { stack, cluster } = setup();
    expect(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster, addonVersion: new CfnParameter(stack, 'Version').valueAsString })).not.toThrow();
  });

  test('alreadyInstalled with options: every option named', () => {
    const { stack, cluster } = setup();
    expect(messageOf(() => new PodIdentityAgentAddon(stack, 'One', { cluster, alreadyInstalled: true, preserveOnDelete: false }))).toBe(
      '[cdk-eks-pod-identity:AgentAddonAlreadyInstalled] Stack/One: alreadyInstalled is true for cluster Stack/Cluster, but preserveOnDelete is set too; an add-on this stack does not create cannot be configured here. '
      + 'Fix: drop those options, or let this stack own the add-on (alreadyInstalled: false)');
    const other = setup();
    expect(messageOf(() => new PodIdentityAgentAddon(other.stack, 'All', {
      cluster: other.cluster, alreadyInstalled: true, addonVersion: 'v1.3.4-eksbuild.1', resolveConflicts: ResolveConflicts.NONE, configurationValues: {},
    }))).toContain('but addonVersion, resolveConflicts, configurationValues are set too');
  });

  test.each([
    ['fromInstalledAddon', (stack: Stack, cluster: any) => PodIdentityAgentAddon.fromInstalledAddon(stack, 'Agent', cluster)],
    ['alreadyInstalled without options', (stack: Stack, cluster: any) => new PodIdentityAgentAddon(stack, 'Agent', { cluster, alreadyInstalled: true })],
  ])('an agent installed elsewhere (%s): no add-on, nothing to wait for', (_name, install) => {
    const { stack, cluster } = setup();
    const agent = install(stack, cluster);
    expect(PodIdentityAgentAddon.find(cluster)).toBe(agent);
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::Addon', 0);
    expect(Object.values(template.findResources('AWS::EKS::PodIdentityAssociation'))[0].DependsOn).toBeUndefined();
  });

  test('options are rendered; defaults keep the add-on on delete and overwrite conflicts', () => {
    const { stack, cluster } = setup();
    new PodIdentityAgentAddon(stack, 'Agent', { cluster, resolveConflicts: ResolveConflicts.PRESERVE, preserveOnDelete: false, configurationValues: { agent: { additionalArgs: { '-b': '169.254.170.23' } } } });
    const other = setup();
    PodIdentityAgentAddon.of(other.cluster);
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'eks-pod-identity-agent',
      ClusterName: 'prod',
      ResolveConflicts: 'PRESERVE',
      PreserveOnDelete: false,
      ConfigurationValues: '{"agent":{"additionalArgs":{"-b":"169.254.170.23"}}}',
    });
    Template.fromStack(other.stack).hasResourceProperties('AWS::EKS::Addon', { ResolveConflicts: 'OVERWRITE', PreserveOnDelete: true });
    expect(Object.values(Template.fromStack(other.stack).findResources('AWS::EKS::Addon'))[0].Properties.ConfigurationValues).toBeUndefined();
    expect(ResolveConflicts.NONE.value).toBe('NONE');
  });
});

describe('PodIdentityAssociation', () => {
  const sessionPolicy = new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });

  test.each([[undefined, 'false'], [false, 'false']])('a session policy with disableSessionTags %j', (disableSessionTags, shown) => {
    const { stack, cluster } = setup();
    expect(messageOf(() => new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'carts', serviceAccount: 'api', sessionPolicy, disableSessionTags }))).toBe(
      `[cdk-eks-pod-identity:SessionPolicyRequiresDisabledSessionTags] Stack/Role/Association0: the association for carts/api has a session policy but disableSessionTags is ${shown}; EKS rejects a session policy while session tags are on. `
      + 'Fix: set disableSessionTags: true next to sessionPolicy (or drop the session policy)');
  });

  test('a session policy with session tags off is rendered', () => {
    const { stack, cluster } = setup();
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'carts', serviceAccount: 'api', sessionPolicy, disableSessionTags: true });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      DisableSessionTags: true,
      Policy: '{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}',
    });
  });

  test('the same service account twice in one stack', () => {
    const { stack, cluster } = setup();
    new PodIdentityRole(stack, 'A').associate(cluster, { namespace: 'carts', serviceAccount: 'api' });
    expect(messageOf(() => new PodIdentityRole(stack, 'B').associate(cluster, { namespace: 'carts', serviceAccount: 'api' }))).toBe(
      '[cdk-eks-pod-identity:DuplicateAssociation] Stack/B/Association0: service account carts/api on cluster "prod" is associated twice, at Stack/A/Association0 and at Stack/B/Association0; EKS allows one role per service account. '
      + 'Fix: keep one association (give its role all the permissions the pods need), or run the second workload under another service account');
  });

  test('a scoped role of one stack, a new cluster of another, associated from the cluster\'s stack', () => {
    const app = new App();
    const roleStack = new Stack(app, 'RoleStack', { env: ENV });
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const cluster = newEksV2Cluster(clusterStack);
    const role = new PodIdentityRole(roleStack, 'Shared', { scopeTrustToAssociations: true });
    expect(messageOf(() => new PodIdentityAssociation(clusterStack, 'A', { cluster, role, namespace: 'carts', serviceAccount: 'api' }))).toBe(
      '[cdk-eks-pod-identity:ScopedRoleAcrossStacks] ClusterStack/A: role RoleStack/Shared scopes its trust to cluster ClusterStack/Cluster of another stack while the association at ClusterStack/A depends on the role, so the two stacks would depend on each other. '
      + 'Fix: use role.associate(cluster, ...) (the association then lives in the role\'s stack), a cluster with a literal name, or scopeTrustToAssociations: false');
  });

  test('a scoped role across stacks is fine with role.associate(), an unscoped role, or a cluster with a literal name', () => {
    const app = new App();
    const roleStack = new Stack(app, 'RoleStack', { env: ENV });
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const cluster = newEksV2Cluster(clusterStack);
    const scoped = new PodIdentityRole(roleStack, 'Scoped', { scopeTrustToAssociations: true });
    expect(() => scoped.associate(cluster, { namespace: 'carts', serviceAccount: 'a' })).not.toThrow();
    const unscoped = new PodIdentityRole(roleStack, 'Unscoped');
    expect(() => new PodIdentityAssociation(clusterStack, 'B', { cluster, role: unscoped, namespace: 'carts', serviceAccount: 'b' })).not.toThrow();
    const imported = importedEksV2Cluster(clusterStack, 'Imported', 'prod');
    expect(() => new PodIdentityAssociation(clusterStack, 'C', { cluster: imported, role: scoped, namespace: 'carts', serviceAccount: 'c' })).not.toThrow();
  });
});

describe('PodIdentityBoundWorkload', () => {
  function workload(overrides: Partial<PodIdentityBoundWorkloadProps>) {
    const { stack, cluster } = setup();
    return new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1', ...overrides });
  }

  test.each([
    ['command', { command: ['a'], containerOptions: { command: ['b'] } }, 'both command (["a"]) and containerOptions.command are set'],
    ['args', { args: ['a'], containerOptions: { args: ['b'] } }, 'both args (["a"]) and containerOptions.args are set'],
    ['port', { port: 8080, containerOptions: { portNumber: 80 } }, 'both port (8080) and containerOptions.portNumber are set'],
    ['port and the deprecated containerOptions.port', { port: 8080, containerOptions: { port: 80 } }, 'both port (8080) and containerOptions.portNumber are set'],
    ['replicas', { replicas: 0, deploymentOptions: { replicas: 1 } }, 'both replicas (0) and deploymentOptions.replicas are set'],
  ])('%s set twice', (name, props, what) => {
    const shorthand = name.split(' ')[0];
    expect(messageOf(() => workload(props as Partial<PodIdentityBoundWorkloadProps>))).toBe(
      `[cdk-eks-pod-identity:ConflictingWorkloadOptions] Stack/Carts: ${what}. Fix: set only one of them (${shorthand} is the shorthand)`);
  });

  test('each of them set once is fine', () => {
    expect(() => workload({ command: ['a'], args: ['b'], port: 8080, replicas: 0 })).not.toThrow();
    expect(() => workload({ containerOptions: { command: ['a'], args: ['b'], portNumber: 80 }, deploymentOptions: { replicas: 3 } })).not.toThrow();
  });

  test.each([
    ['deploymentOptions.replicas', { deploymentOptions: { replicas: -1 } }, 'InvalidReplicas'],
    ['containerOptions.portNumber', { containerOptions: { portNumber: 0 } }, 'InvalidPort'],
    ['the deprecated containerOptions.port', { containerOptions: { port: 70000 } }, 'InvalidPort'],
    ['containerOptions.envVariables', { containerOptions: { envVariables: { '1BAD': kplus.EnvValue.fromValue('x') } } }, 'InvalidEnvName'],
    ['env', { env: { 'MY VAR': 'x' } }, 'InvalidEnvName'],
  ])('values given in %s are checked too', (_name, props, id) => {
    expect(messageOf(() => workload(props as Partial<PodIdentityBoundWorkloadProps>))).toContain(`[cdk-eks-pod-identity:${id}]`);
  });

  test('migratingFromIrsa defaults to false (true needs an OIDC provider: test/irsa-migration.test.ts)', () => {
    expect(workload({}).migratingFromIrsa).toBe(false);
  });

  test('deploymentOptions.serviceAccount', () => {
    const { stack, cluster } = setup();
    const serviceAccount = kplus.ServiceAccount.fromServiceAccountName(stack, 'Sa', 'mine');
    expect(messageOf(() => new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1', deploymentOptions: { serviceAccount } }))).toBe(
      '[cdk-eks-pod-identity:ConflictingWorkloadOptions] Stack/Carts: deploymentOptions.serviceAccount is set ("mine") but the workload owns the service account the association binds. '
      + 'Fix: set serviceAccountName instead; to use an existing service account, set createNamespace as needed and use PodIdentityRole.associate() with your own Deployment');
  });

  test('deploymentOptions.containers', () => {
    expect(messageOf(() => workload({ deploymentOptions: { containers: [{ image: 'x' }] } }))).toBe(
      '[cdk-eks-pod-identity:ConflictingWorkloadOptions] Stack/Carts: deploymentOptions.containers is set but the workload owns its main container. '
      + 'Fix: use image/command/args/env/port and containerOptions for the main container, and workload.deployment.addContainer() for sidecars');
  });

  test('an aws_eks_v2 cluster without a kubectl provider', () => {
    const { stack } = setup();
    const cluster = eksv2.Cluster.fromClusterAttributes(stack, 'NoProvider', { clusterName: 'prod' });
    expect(messageOf(() => new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'carts', image: 'cart:1' }))).toBe(
      '[cdk-eks-pod-identity:NoKubectlProvider] Stack/W: cluster Stack/NoProvider has no kubectl provider, so Kubernetes manifests cannot be applied to it. '
      + 'Fix: import an existing cluster with ExistingCluster.fromClusterName(scope, id, { clusterName, kubectlRoleArn, kubectlLayer }), which builds its kubectl provider (Cluster.fromClusterAttributes ignores kubectlProviderOptions); create a new cluster with kubectlProviderOptions: { kubectlLayer }; or deliver with ManifestDelivery.gitOps(...)');
  });

  test('the service account name defaults to the construct id as a Kubernetes name; the Deployment name to the service account name', () => {
    const { stack, cluster } = setup();
    const w = new PodIdentityBoundWorkload(stack, 'Cart_Service', { cluster, namespace: 'carts', image: 'cart:1' });
    expect(w.serviceAccountName).toBe('cart-service');
    expect(w.deployment.name).toBe('cart-service');
    expect(w.association.serviceAccount).toBe('cart-service');
  });
});

describe('construct-time errors name the construct they were raised for', () => {
  test('a bad prop of a workload: the path of the construct that checked it, once', () => {
    const { stack, cluster } = setup();
    const message = messageOf(() => new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'Carts_NS', serviceAccountName: 'carts', image: 'cart:1' }));
    expect(message).toMatch(/^\[cdk-eks-pod-identity:InvalidNamespace\] Stack\/Carts\/Association: namespace "Carts_NS" is not/);
    expect(message.split('Stack/Carts').length).toBe(2);
  });

  test('checks that run before the role exists (before super) name the path it would have', () => {
    const { stack } = setup();
    expect(messageOf(() => new PodIdentityRole(stack, 'Role', { roleName: 'x'.repeat(65) })))
      .toMatch(/^\[cdk-eks-pod-identity:InvalidRoleName\] Stack\/Role: /);
    expect(messageOf(() => new PodIdentityRole(stack, 'Other', { trustConditions: { StringEquals: 'x' as any } })))
      .toMatch(/^\[cdk-eks-pod-identity:InvalidTrustCondition\] /);
  });

  test('an error that is not a problem of this library passes through unchanged', () => {
    const { stack, cluster } = setup();
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', serviceAccountName: 'carts', image: 'cart:1' });
    // CDK's own error for a duplicate construct id: not prefixed, not re-typed.
    const message = messageOf(() => new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', serviceAccountName: 'c2', image: 'cart:1' }));
    expect(message).toMatch(/There is already a Construct with name 'Carts'/);
    expect(message).not.toMatch(/cdk-eks-pod-identity/);
  });
});
