import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { PodIdentityAgentAddon, PodIdentityBoundWorkload, PodIdentityErrors, PodIdentityRole } from '../lib';
import {
  IMPORTED_CLUSTER_KINDS,
  KUBECTL_LAYER_ARN,
  makeCluster,
  newAutoModeCluster,
  newEksCluster,
  newEksV2Cluster,
  newStack,
} from './helpers/clusters';
import { isAutoModeCluster } from '../lib/private/cluster';

const ADDON = 'AWS::EKS::Addon';

describe('Auto Mode detection (reads an aws-cdk-lib internal: fails here when aws-cdk-lib changes it)', () => {
  // What the detection says must be what the cluster's template says: ComputeConfig.Enabled of AWS::EKS::Cluster.
  test.each<[string, (scope: any) => eks.IClusterRef, boolean]>([
    ['aws_eks_v2 default (AUTOMODE)', scope => newAutoModeCluster(scope), true],
    ['aws_eks_v2 explicit AUTOMODE with a node pool', scope => new eksv2.Cluster(scope, 'Cluster', {
      version: eksv2.KubernetesVersion.V1_33,
      defaultCapacityType: eksv2.DefaultCapacityType.AUTOMODE,
      compute: { nodePools: ['system'] },
      kubectlProviderOptions: { kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(scope, 'Layer', KUBECTL_LAYER_ARN) },
    }), true],
    ['aws_eks_v2 NODEGROUP', scope => newEksV2Cluster(scope), false],
    ['aws_eks_v2 EC2', scope => new eksv2.Cluster(scope, 'Cluster', {
      version: eksv2.KubernetesVersion.V1_33,
      defaultCapacityType: eksv2.DefaultCapacityType.EC2,
      defaultCapacity: 0,
      kubectlProviderOptions: { kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(scope, 'Layer', KUBECTL_LAYER_ARN) },
    }), false],
    ['aws_eks_v2 FargateCluster', scope => new eksv2.FargateCluster(scope, 'Cluster', {
      version: eksv2.KubernetesVersion.V1_33,
      kubectlProviderOptions: { kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(scope, 'Layer', KUBECTL_LAYER_ARN) },
    }), false],
    ['aws_eks', scope => newEksCluster(scope), false],
  ])('%s', (_name, make, autoMode) => {
    const { stack } = newStack();
    const cluster = make(stack);
    expect(isAutoModeCluster(cluster)).toBe(autoMode);
    const clusters = Object.values(Template.fromStack(stack).findResources('AWS::EKS::Cluster'));
    if (clusters.length === 1) {
      expect(clusters[0].Properties.ComputeConfig?.Enabled === true).toBe(autoMode);
    } else {
      // aws_eks creates its cluster through a custom resource, and has no Auto Mode.
      expect(cluster).toBeInstanceOf(eks.Cluster);
    }
  });

  test.each(IMPORTED_CLUSTER_KINDS)('an imported %s cluster is never taken for Auto Mode', (kind) => {
    const { stack } = newStack();
    expect(isAutoModeCluster(makeCluster(kind, stack))).toBe(false);
  });
});

describe('a new EKS Auto Mode cluster: the agent is built in', () => {
  test('PodIdentityAgentAddon.of records the agent as installed and creates no add-on', () => {
    const { stack } = newStack();
    const cluster = newAutoModeCluster(stack);
    const agent = PodIdentityAgentAddon.of(cluster);
    expect(agent).not.toBeInstanceOf(PodIdentityAgentAddon);
    expect(agent.addonName).toBe('eks-pod-identity-agent');
    expect(agent.addonArn).toBeUndefined();
    expect(agent.cluster).toBe(cluster);
    expect(PodIdentityAgentAddon.of(cluster)).toBe(agent);
    expect(PodIdentityAgentAddon.find(cluster)).toBe(agent);
    Template.fromStack(stack).resourceCountIs(ADDON, 0);
  });

  test('a workload and an association on it: no add-on, and nothing waits for one', () => {
    const { stack } = newStack();
    const cluster = newAutoModeCluster(stack);
    new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1' });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'orders', serviceAccount: 'orders' });
    const template = Template.fromStack(stack);
    template.resourceCountIs(ADDON, 0);
    const associations = Object.values(template.findResources('AWS::EKS::PodIdentityAssociation'));
    expect(associations).toHaveLength(2);
    for (const association of associations) {
      for (const dependency of association.DependsOn ?? []) {
        expect(template.toJSON().Resources[dependency].Type).not.toBe(ADDON);
      }
    }
  });

  test('options for an add-on that is not created are rejected', () => {
    const { stack } = newStack();
    const cluster = newAutoModeCluster(stack);
    let problem: string | undefined;
    try {
      PodIdentityAgentAddon.of(cluster, { addonVersion: 'v1.3.4-eksbuild.1' });
    } catch (e) {
      problem = PodIdentityErrors.problemIdOf(e);
      expect((e as Error).message).toBe('[cdk-eks-pod-identity:AgentBuiltIntoAutoMode] PodIdentityAgentAddon.of(TestStack/Cluster) was given options ["addonVersion"] '
        + 'but the cluster runs in EKS Auto Mode, which has the Pod Identity Agent built in, so no add-on is created to configure. '
        + 'Fix: drop the options; only if the cluster also has EC2 node groups that need the agent DaemonSet, create the add-on with '
        + '`new PodIdentityAgentAddon(scope, id, { cluster, ... })` before anything uses the cluster');
    }
    expect(problem).toBe('AgentBuiltIntoAutoMode');
  });

  test('the explicit option stays: an add-on for EC2 node groups beside Auto Mode', () => {
    const { stack } = newStack();
    const cluster = newAutoModeCluster(stack);
    const agent = new PodIdentityAgentAddon(stack, 'Agent', { cluster, addonVersion: 'v1.3.4-eksbuild.1' });
    expect(PodIdentityAgentAddon.of(cluster)).toBe(agent);
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'orders', serviceAccount: 'orders' });
    const template = Template.fromStack(stack);
    template.resourceCountIs(ADDON, 1);
    template.hasResourceProperties(ADDON, { AddonName: 'eks-pod-identity-agent', AddonVersion: 'v1.3.4-eksbuild.1' });
  });
});

describe.each(IMPORTED_CLUSTER_KINDS)('an imported %s cluster keeps the explicit option', (kind) => {
  test('by default the agent add-on is created', () => {
    const { stack } = newStack();
    const cluster = makeCluster(kind, stack);
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'orders', serviceAccount: 'orders' });
    Template.fromStack(stack).resourceCountIs(ADDON, 1);
  });

  test('an imported Auto Mode cluster is declared with fromInstalledAddon: no add-on', () => {
    const { stack } = newStack();
    const cluster = makeCluster(kind, stack);
    PodIdentityAgentAddon.fromInstalledAddon(stack, 'BuiltIntoAutoMode', cluster);
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'orders', serviceAccount: 'orders' });
    Template.fromStack(stack).resourceCountIs(ADDON, 0);
  });
});
