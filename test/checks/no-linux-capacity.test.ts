// NoLinuxCapacity: the whole message, and the capacity that counts as Linux.
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { messagesOf, newCluster, withId } from './helpers';
import { PodIdentityBoundWorkload, PodIdentityRole } from '../../lib';
import { ENV } from '../helpers/clusters';
import { expectAnnotation, warningsOf, withNewCluster } from '../helpers/stack-messages';

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
});
