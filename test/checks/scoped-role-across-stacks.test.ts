// ScopedRoleAcrossStacks: thrown when the association is made, as the stacks would depend on each other.
import { App, Stack } from 'aws-cdk-lib';
import { PodIdentityBoundWorkload, PodIdentityRole } from '../../lib';
import { ENV, newEksV2Cluster } from '../helpers/clusters';

describe('ScopedRoleAcrossStacks', () => {
  test('a scoped role in one stack for a new cluster of another, associated from that other stack', () => {
    const app = new App();
    const roleStack = new Stack(app, 'RoleStack', { env: ENV });
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const cluster = newEksV2Cluster(clusterStack);
    const role = new PodIdentityRole(roleStack, 'Shared', { scopeTrustToAssociations: true });
    expect(() => new PodIdentityBoundWorkload(clusterStack, 'W', { cluster, namespace: 'carts', image: 'c:1', role }))
      .toThrow(/\[cdk-eks-pod-identity:ScopedRoleAcrossStacks\] ClusterStack\/W\/Association: role RoleStack\/Shared/);
  });
});
