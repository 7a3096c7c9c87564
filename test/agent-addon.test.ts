import { App, CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import {
  PodIdentityAgentAddon,
  PodIdentityAssociation,
  PodIdentityBoundWorkload,
  PodIdentityRole,
  ResolveConflicts,
} from '../lib';
import {
  AnyCluster,
  CLUSTER_KINDS,
  ClusterKind,
  ENV,
  IMPORTED_CLUSTER_KINDS,
  NEW_CLUSTER_KINDS,
  clusterNameIn,
  importedEksV2Cluster,
  makeCluster,
  newEksCluster,
  newEksV2Cluster,
  newStack,
  stackWithCluster,
} from './helpers/clusters';
import { expectProblemThrown, messageOf, prodClusterStack } from './helpers/errors';
import { logicalIdOf } from './helpers/logical-id';
import { kubernetesObjects } from './helpers/manifests';
import { errorsOf } from './helpers/stack-messages';
import { validateKubernetesObjects } from './judges/kubernetes-schema';

const ADDON = 'AWS::EKS::Addon';

/** The one eks-pod-identity-agent add-on of the template, with its logical id. */
function onlyAgentAddon(template: Template): { logicalId: string; properties: Record<string, any> } {
  const addons = Object.entries(template.findResources(ADDON, { Properties: { AddonName: PodIdentityAgentAddon.ADDON_NAME } }));
  expect(addons).toHaveLength(1);
  const [logicalId, resource] = addons[0];
  return { logicalId, properties: resource.Properties };
}


function expectValidKubernetesObjects(template: Template): void {
  expect(validateKubernetesObjects(kubernetesObjects(template))).toBeGreaterThan(0);
}

describe.each(CLUSTER_KINDS)('PodIdentityAgentAddon on a %s cluster', (kind: ClusterKind) => {
  test('renders one eks-pod-identity-agent add-on on the cluster with the defaults', () => {
    const { stack, cluster } = stackWithCluster(kind);
    const addon = PodIdentityAgentAddon.of(cluster) as PodIdentityAgentAddon;

    const template = Template.fromStack(stack);
    template.resourceCountIs(ADDON, 1);
    const { logicalId, properties } = onlyAgentAddon(template);
    expect(properties).toEqual({
      AddonName: 'eks-pod-identity-agent',
      ClusterName: clusterNameIn(stack, cluster),
      PreserveOnDelete: true,
      ResolveConflicts: 'OVERWRITE',
    });
    expect(addon.addonName).toBe('eks-pod-identity-agent');
    expect(addon.cluster).toBe(cluster);
    expect(logicalIdOf(addon.resource!)).toBe(logicalId);
    expect(stack.resolve(addon.addonArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'Arn'] });
  });

  test('one add-on per cluster however many associations use it', () => {
    const { stack, cluster } = stackWithCluster(kind);
    const role = new PodIdentityRole(stack, 'Role');
    role.associate(cluster, { namespace: 'a', serviceAccount: 'one' });
    role.associate(cluster, { namespace: 'a', serviceAccount: 'two' });
    role.associate(cluster, { namespace: 'b', serviceAccount: 'one' });
    new PodIdentityAssociation(stack, 'Direct', {
      cluster, role: new PodIdentityRole(stack, 'Other'), namespace: 'c', serviceAccount: 'three',
    });
    PodIdentityAgentAddon.of(cluster);

    const template = Template.fromStack(stack);
    template.resourceCountIs(ADDON, 1);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 4);
    const { logicalId } = onlyAgentAddon(template);
    for (const association of Object.values(template.findResources('AWS::EKS::PodIdentityAssociation'))) {
      expect(association.DependsOn).toContain(logicalId);
    }
  });

  test('one add-on per cluster however many workloads run on it', () => {
    const { stack, cluster } = stackWithCluster(kind);
    new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: 'public.ecr.aws/nginx/nginx:1.27' });
    new PodIdentityBoundWorkload(stack, 'Orders', {
      cluster, namespace: 'shop', createNamespace: false, image: 'public.ecr.aws/nginx/nginx:1.27',
    });
    new PodIdentityBoundWorkload(stack, 'Audit', { cluster, namespace: 'audit', image: 'public.ecr.aws/nginx/nginx:1.27' });

    const template = Template.fromStack(stack);
    template.resourceCountIs(ADDON, 1);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 3);
    expectValidKubernetesObjects(template);
  });

  test('of() is memoised per cluster and find() returns the same add-on', () => {
    const { cluster } = stackWithCluster(kind);
    expect(PodIdentityAgentAddon.find(cluster)).toBeUndefined();
    const first = PodIdentityAgentAddon.of(cluster);
    expect(PodIdentityAgentAddon.of(cluster)).toBe(first);
    expect(PodIdentityAgentAddon.of(cluster, {})).toBe(first);
    expect(PodIdentityAgentAddon.find(cluster)).toBe(first);
  });

  test('of() returns the add-on created with new', () => {
    const { stack, cluster } = stackWithCluster(kind);
    const created = new PodIdentityAgentAddon(stack, 'Agent', { cluster, preserveOnDelete: false });
    expect(PodIdentityAgentAddon.of(cluster)).toBe(created);
    const template = Template.fromStack(stack);
    template.resourceCountIs(ADDON, 1);
    expect(onlyAgentAddon(template).properties.PreserveOnDelete).toBe(false);
  });

  test('a second new PodIdentityAgentAddon for the same cluster throws DuplicateAgentAddon', () => {
    const { stack, cluster } = stackWithCluster(kind);
    new PodIdentityAgentAddon(stack, 'First', { cluster });
    expect(() => new PodIdentityAgentAddon(stack, 'Second', { cluster })).toThrow(/DuplicateAgentAddon/);
    expect(() => new PodIdentityAgentAddon(stack, 'Third', { cluster })).toThrow(/\.of\(/);
  });

  test('new PodIdentityAgentAddon after of() throws DuplicateAgentAddon', () => {
    const { stack, cluster } = stackWithCluster(kind);
    PodIdentityAgentAddon.of(cluster);
    expect(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster })).toThrow(/\[cdk-eks-pod-identity:DuplicateAgentAddon\].*\.of\(/s);
  });

  test('of() with options once the add-on exists throws AgentAddonAlreadyConfigured', () => {
    const { cluster } = stackWithCluster(kind);
    PodIdentityAgentAddon.of(cluster);
    expect(() => PodIdentityAgentAddon.of(cluster, { preserveOnDelete: false })).toThrow(/AgentAddonAlreadyConfigured/);
  });

  test('options map to the add-on', () => {
    const { stack, cluster } = stackWithCluster(kind);
    PodIdentityAgentAddon.of(cluster, {
      addonVersion: 'v1.3.4-eksbuild.1',
      preserveOnDelete: false,
      resolveConflicts: ResolveConflicts.PRESERVE,
      configurationValues: { agent: { additionalArgs: { '-b': '169.254.170.23' } } },
    });

    const { properties } = onlyAgentAddon(Template.fromStack(stack));
    expect(properties).toEqual({
      AddonName: 'eks-pod-identity-agent',
      ClusterName: clusterNameIn(stack, cluster),
      AddonVersion: 'v1.3.4-eksbuild.1',
      PreserveOnDelete: false,
      ResolveConflicts: 'PRESERVE',
      ConfigurationValues: '{"agent":{"additionalArgs":{"-b":"169.254.170.23"}}}',
    });
  });
});

describe('PodIdentityAgentAddon options', () => {
  test.each([
    [ResolveConflicts.NONE, 'NONE'],
    [ResolveConflicts.OVERWRITE, 'OVERWRITE'],
    [ResolveConflicts.PRESERVE, 'PRESERVE'],
  ])('resolveConflicts %# renders %s', (resolveConflicts, expected) => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    PodIdentityAgentAddon.of(cluster, { resolveConflicts });
    Template.fromStack(stack).hasResourceProperties(ADDON, { ResolveConflicts: expected });
  });

  test('preserveOnDelete defaults to true and can be turned off', () => {
    const defaults = stackWithCluster('imported-eks-v2');
    PodIdentityAgentAddon.of(defaults.cluster);
    Template.fromStack(defaults.stack).hasResourceProperties(ADDON, { PreserveOnDelete: true });

    const off = stackWithCluster('imported-eks-v2');
    PodIdentityAgentAddon.of(off.cluster, { preserveOnDelete: false });
    Template.fromStack(off.stack).hasResourceProperties(ADDON, { PreserveOnDelete: false });
  });

  test('configurationValues is rendered as a JSON string, tokens resolved', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const bind = new CfnParameter(stack, 'BindAddress', { default: '169.254.170.23' });
    PodIdentityAgentAddon.of(cluster, {
      configurationValues: { agent: { additionalArgs: { '-b': bind.valueAsString } }, tolerations: [{ operator: 'Exists' }] },
    });

    const { properties } = onlyAgentAddon(Template.fromStack(stack));
    expect(properties.ConfigurationValues).toEqual({
      'Fn::Join': ['', ['{"agent":{"additionalArgs":{"-b":"', { Ref: 'BindAddress' }, '"}},"tolerations":[{"operator":"Exists"}]}']],
    });
  });

  test('configurationValues round-trips through JSON', () => {
    const { stack, cluster } = stackWithCluster('imported-eks');
    const configurationValues = { agent: { additionalArgs: { '-b': '169.254.170.23' } }, resources: { limits: { memory: '64Mi' } } };
    PodIdentityAgentAddon.of(cluster, { configurationValues });
    const { properties } = onlyAgentAddon(Template.fromStack(stack));
    expect(typeof properties.ConfigurationValues).toBe('string');
    expect(JSON.parse(properties.ConfigurationValues)).toEqual(configurationValues);
  });

  test('no configurationValues, no addonVersion by default', () => {
    const { stack, cluster } = stackWithCluster('eks-v2');
    PodIdentityAgentAddon.of(cluster);
    const { properties } = onlyAgentAddon(Template.fromStack(stack));
    expect(properties).not.toHaveProperty('ConfigurationValues');
    expect(properties).not.toHaveProperty('AddonVersion');
  });

  test.each(['v1.3.4-eksbuild.1', 'v1.0.0-eksbuild.12', 'v10.20.30-eksbuild.4'])('accepts addonVersion %s', (addonVersion) => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    PodIdentityAgentAddon.of(cluster, { addonVersion });
    Template.fromStack(stack).hasResourceProperties(ADDON, { AddonVersion: addonVersion });
  });

  test.each(['1.3.4-eksbuild.1', 'v1.3.4', 'v1.3-eksbuild.1', 'latest', 'v1.3.4-eksbuild.', ' v1.3.4-eksbuild.1', ''])(
    'rejects addonVersion %j with InvalidAgentAddonVersion', (addonVersion) => {
      const { stack, cluster } = stackWithCluster('imported-eks-v2');
      expect(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster, addonVersion }))
        .toThrow(/\[cdk-eks-pod-identity:InvalidAgentAddonVersion\]/);
      expect(() => PodIdentityAgentAddon.of(cluster, { addonVersion })).toThrow(/InvalidAgentAddonVersion/);
    });

  test('a token addonVersion is not rejected and renders as the token', () => {
    const { stack, cluster } = stackWithCluster('imported-eks-v2');
    const version = new CfnParameter(stack, 'AgentVersion', { default: 'v1.3.4-eksbuild.1' });
    PodIdentityAgentAddon.of(cluster, { addonVersion: version.valueAsString });
    Template.fromStack(stack).hasResourceProperties(ADDON, { AddonVersion: { Ref: 'AgentVersion' } });
  });

  test('the add-on is Dependable: depending on it means depending on the CfnAddon', () => {
    for (const kind of CLUSTER_KINDS) {
      const { stack, cluster } = stackWithCluster(kind);
      const addon = PodIdentityAgentAddon.of(cluster) as PodIdentityAgentAddon;
      const dependent = new CfnResource(stack, 'Dependent', { type: 'Test::Dependent::Thing' });
      dependent.node.addDependency(addon);
      const template = Template.fromStack(stack);
      const { logicalId } = onlyAgentAddon(template);
      template.hasResource('Test::Dependent::Thing', { DependsOn: Match.arrayWith([logicalId]) });
    }
  });

  test('two clusters in one stack get one add-on each, on their own cluster', () => {
    const { stack } = newStack();
    const clusters = CLUSTER_KINDS.map(kind => makeCluster(kind, stack, `Cluster${kind.replace(/-/g, '')}`));
    for (const cluster of clusters) {
      new PodIdentityRole(stack, `Role${clusters.indexOf(cluster)}`).associate(cluster, { namespace: 'ns', serviceAccount: 'sa' });
    }
    const addons = clusters.map(cluster => PodIdentityAgentAddon.of(cluster));
    expect(new Set(addons).size).toBe(4);

    const template = Template.fromStack(stack);
    template.resourceCountIs(ADDON, 4);
    const clusterNames = Object.values(template.findResources(ADDON)).map(addon => addon.Properties.ClusterName);
    expect(clusterNames).toEqual(expect.arrayContaining(clusters.map(cluster => clusterNameIn(stack, cluster))));
    expect(new Set(clusterNames.map(name => JSON.stringify(name))).size).toBe(4);
  });
});

describe.each(NEW_CLUSTER_KINDS)('sharing aws-cdk-lib\'s own agent add-on on a new %s cluster', (kind: ClusterKind) => {
  const make = (): { stack: Stack; cluster: eks.Cluster | eksv2.Cluster } => {
    const { stack } = newStack();
    const cluster = kind === 'eks' ? newEksCluster(stack) : newEksV2Cluster(stack);
    return { stack, cluster };
  };

  test('cluster.eksPodIdentityAgent accessed before: still one AWS::EKS::Addon, and it is the same resource', () => {
    const { stack, cluster } = make();
    const awsCdkAddon = cluster.eksPodIdentityAgent!;
    const addon = PodIdentityAgentAddon.of(cluster, { preserveOnDelete: false, addonVersion: 'v1.3.4-eksbuild.1' }) as PodIdentityAgentAddon;

    expect(addon.resource).toBe(awsCdkAddon.node.defaultChild);
    const template = Template.fromStack(stack);
    template.resourceCountIs(ADDON, 1);
    const { logicalId, properties } = onlyAgentAddon(template);
    expect(logicalId).toBe(logicalIdOf(awsCdkAddon.node.defaultChild as CfnResource));
    expect(properties).toMatchObject({
      ClusterName: clusterNameIn(stack, cluster),
      PreserveOnDelete: false,
      AddonVersion: 'v1.3.4-eksbuild.1',
      ResolveConflicts: 'OVERWRITE',
    });
  });

  test('cluster.eksPodIdentityAgent accessed after: still one AWS::EKS::Addon', () => {
    const { stack, cluster } = make();
    const addon = PodIdentityAgentAddon.of(cluster, { resolveConflicts: ResolveConflicts.NONE }) as PodIdentityAgentAddon;
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'ns', serviceAccount: 'sa' });
    const awsCdkAddon = cluster.eksPodIdentityAgent!;

    expect(awsCdkAddon.node.defaultChild).toBe(addon.resource);
    const template = Template.fromStack(stack);
    template.resourceCountIs(ADDON, 1);
    const { logicalId, properties } = onlyAgentAddon(template);
    expect(properties.ResolveConflicts).toBe('NONE');
    template.hasResource('AWS::EKS::PodIdentityAssociation', { DependsOn: Match.arrayWith([logicalId]) });
  });

  test('addServiceAccount(POD_IDENTITY) and this library share one add-on, in either order', () => {
    for (const libraryFirst of [true, false]) {
      const { stack, cluster } = make();
      const identityType = kind === 'eks' ? eks.IdentityType.POD_IDENTITY : eksv2.IdentityType.POD_IDENTITY;
      const addServiceAccount = () => (cluster as any).addServiceAccount('AwsCdkServiceAccount', {
        name: 'aws-cdk-sa', namespace: 'default', identityType,
      });
      if (!libraryFirst) addServiceAccount();
      new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: 'public.ecr.aws/nginx/nginx:1.27' });
      if (libraryFirst) addServiceAccount();

      const template = Template.fromStack(stack);
      template.resourceCountIs(ADDON, 1);
      template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 2);
      template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ServiceAccount: 'aws-cdk-sa' });
      template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ServiceAccount: 'cart' });
      expectValidKubernetesObjects(template);
    }
  });

  test('the PodIdentityAgentAddon construct is still created (for find/of) even though the resource lives under the cluster', () => {
    const { stack, cluster } = make();
    const addon = PodIdentityAgentAddon.of(cluster) as PodIdentityAgentAddon;
    expect(addon.node.tryFindChild('Resource')).toBeUndefined();
    expect(addon.resource!.node.scope).toBe(cluster.eksPodIdentityAgent);
    Template.fromStack(stack).resourceCountIs(ADDON, 1);
  });
});

describe.each(IMPORTED_CLUSTER_KINDS)('an imported %s cluster', (kind: ClusterKind) => {
  test('the add-on is created under the PodIdentityAgentAddon construct, with the literal cluster name', () => {
    const { stack, cluster } = stackWithCluster(kind);
    const addon = PodIdentityAgentAddon.of(cluster) as PodIdentityAgentAddon;
    expect(addon.node.tryFindChild('Resource')).toBe(addon.resource);
    const { properties } = onlyAgentAddon(Template.fromStack(stack));
    expect(typeof properties.ClusterName).toBe('string');
    expect(properties.ClusterName).toBe(cluster.clusterName);
  });
});

test('an add-on can be created in another stack than the imported cluster', () => {
  const { app, stack } = newStack('ClusterStack');
  const cluster: AnyCluster = importedEksV2Cluster(stack);
  const addonStack = new Stack(app, 'AddonStack', { env: ENV });
  new PodIdentityAgentAddon(addonStack, 'Agent', { cluster });
  Template.fromStack(addonStack).resourceCountIs(ADDON, 1);
  Template.fromStack(stack).resourceCountIs(ADDON, 0);
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

describe('PodIdentityAgentAddon errors, and the near misses it accepts', () => {
  describe('bad prop values throw at construct time, naming the value', () => {
    test.each([
      ['second agent add-on for a cluster', () => {
        const { stack, cluster } = prodClusterStack();
        new PodIdentityAgentAddon(stack, 'Agent1', { cluster });
        new PodIdentityAgentAddon(stack, 'Agent2', { cluster });
      }, 'DuplicateAgentAddon', 'Stack/Agent1'],
    ])('%s', (_name, build, id, value) => {
      expectProblemThrown(build, id, value);
    });
  });

  test('of(cluster, options) after the add-on exists', () => {
    const { stack, cluster } = prodClusterStack();
    new PodIdentityAgentAddon(stack, 'Agent', { cluster });
    expect(messageOf(() => PodIdentityAgentAddon.of(cluster, { addonVersion: 'v1.3.4-eksbuild.1', preserveOnDelete: false }))).toBe(
      '[cdk-eks-pod-identity:AgentAddonAlreadyConfigured] PodIdentityAgentAddon.of(Stack/Cluster) was given options ["addonVersion","preserveOnDelete"] but the add-on for that cluster already exists at Stack/Agent. '
      + 'Fix: pass the options where the add-on is first created (the first `PodIdentityAgentAddon.of(cluster, options)` or `new PodIdentityAgentAddon(...)`)');
    expect(PodIdentityAgentAddon.of(cluster)).toBe(PodIdentityAgentAddon.of(cluster, {}));
  });

  test('a second add-on for a cluster', () => {
    const { stack, cluster } = prodClusterStack();
    PodIdentityAgentAddon.of(cluster);
    expect(messageOf(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster }))).toBe(
      '[cdk-eks-pod-identity:DuplicateAgentAddon] Stack/Agent: a PodIdentityAgentAddon for cluster Stack/Cluster already exists at Stack/Cluster/PodIdentityAgentAddon; EKS allows one eks-pod-identity-agent add-on per cluster. '
      + 'Fix: use `PodIdentityAgentAddon.of(cluster)` to get the existing add-on instead of creating a second one');
    expect(messageOf(() => PodIdentityAgentAddon.fromInstalledAddon(stack, 'Installed', cluster))).toBe(
      '[cdk-eks-pod-identity:DuplicateAgentAddon] the agent add-on of cluster Stack/Cluster is already defined at Stack/Cluster/PodIdentityAgentAddon, so it cannot be recorded as installed elsewhere. '
      + 'Fix: call PodIdentityAgentAddon.fromInstalledAddon(...) before anything that uses the cluster\'s agent (associations, workloads), or drop it if this app creates the add-on');
  });

  test.each(['v1.3.4-eksbuild.1', 'v10.20.30-eksbuild.40'])('version %j is accepted and rendered', addonVersion => {
    const { stack, cluster } = prodClusterStack();
    new PodIdentityAgentAddon(stack, 'Agent', { cluster, addonVersion });
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', { AddonVersion: addonVersion });
  });

  test.each(['1.3.4', 'v1.3.4', 'v1.3-eksbuild.1', 'v1.3.4-eksbuild.', 'xv1.3.4-eksbuild.1', 'v1.3.4-eksbuild.1x', 'v1.3.4.eksbuild.1', 'va.3.4-eksbuild.1'])('version %j is rejected', addonVersion => {
    const { stack, cluster } = prodClusterStack();
    expect(messageOf(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster, addonVersion }))).toBe(
      `[cdk-eks-pod-identity:InvalidAgentAddonVersion] Stack/Agent: addonVersion ${JSON.stringify(addonVersion)} is not an EKS add-on version of the form vX.Y.Z-eksbuild.N. `
      + 'Fix: use a version listed by `aws eks describe-addon-versions --addon-name eks-pod-identity-agent`, e.g. "v1.3.4-eksbuild.1", or omit it for the default');
  });

  test('an unresolved version is not checked', () => {
    const { stack, cluster } = prodClusterStack();
    expect(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster, addonVersion: new CfnParameter(stack, 'Version').valueAsString })).not.toThrow();
  });

  test('alreadyInstalled with options: every option named', () => {
    const { stack, cluster } = prodClusterStack();
    expect(messageOf(() => new PodIdentityAgentAddon(stack, 'One', { cluster, alreadyInstalled: true, preserveOnDelete: false }))).toBe(
      '[cdk-eks-pod-identity:AgentAddonAlreadyInstalled] Stack/One: alreadyInstalled is true for cluster Stack/Cluster, but preserveOnDelete is set too; an add-on this stack does not create cannot be configured here. '
      + 'Fix: drop those options, or let this stack own the add-on (alreadyInstalled: false)');
    const other = prodClusterStack();
    expect(messageOf(() => new PodIdentityAgentAddon(other.stack, 'All', {
      cluster: other.cluster, alreadyInstalled: true, addonVersion: 'v1.3.4-eksbuild.1', resolveConflicts: ResolveConflicts.NONE, configurationValues: {},
    }))).toContain('but addonVersion, resolveConflicts, configurationValues are set too');
  });

  test('alreadyInstalled with add-on options is rejected', () => {
    const { stack, cluster } = prodClusterStack();
    expect(() => new PodIdentityAgentAddon(stack, 'Agent', { cluster, alreadyInstalled: true, addonVersion: 'v1.3.4-eksbuild.1' }))
      .toThrow(/\[cdk-eks-pod-identity:AgentAddonAlreadyInstalled\] .*addonVersion is set too/);
  });

  test.each([
    ['fromInstalledAddon', (stack: Stack, cluster: any) => PodIdentityAgentAddon.fromInstalledAddon(stack, 'Agent', cluster)],
    ['alreadyInstalled without options', (stack: Stack, cluster: any) => new PodIdentityAgentAddon(stack, 'Agent', { cluster, alreadyInstalled: true })],
  ])('an agent installed elsewhere (%s): no add-on, nothing to wait for', (_name, install) => {
    const { stack, cluster } = prodClusterStack();
    const agent = install(stack, cluster);
    expect(PodIdentityAgentAddon.find(cluster)).toBe(agent);
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'default', serviceAccount: 'app' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::Addon', 0);
    expect(Object.values(template.findResources('AWS::EKS::PodIdentityAssociation'))[0].DependsOn).toBeUndefined();
  });

  test.each([
    ['fromInstalledAddon', (stack: Stack, cluster: AnyCluster) => PodIdentityAgentAddon.fromInstalledAddon(stack, 'Agent', cluster)],
    ['the deprecated alreadyInstalled', (_: Stack, cluster: AnyCluster) => PodIdentityAgentAddon.of(cluster, { alreadyInstalled: true })],
  ])('%s: no add-on resource, and the association has nothing to wait for', (_, install) => {
    const { app, stack, cluster } = prodClusterStack();
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

  test('options are rendered; defaults keep the add-on on delete and overwrite conflicts', () => {
    const { stack, cluster } = prodClusterStack();
    new PodIdentityAgentAddon(stack, 'Agent', { cluster, resolveConflicts: ResolveConflicts.PRESERVE, preserveOnDelete: false, configurationValues: { agent: { additionalArgs: { '-b': '169.254.170.23' } } } });
    const other = prodClusterStack();
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
