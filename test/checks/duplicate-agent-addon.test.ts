// DuplicateAgentAddon: the whole message, and the near misses it must not report.
import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { messagesOf, withId, workload } from './helpers';
import { ENV } from '../helpers/clusters';

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
