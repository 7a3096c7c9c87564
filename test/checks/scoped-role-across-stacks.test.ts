// ScopedRoleAcrossStacks: thrown when the association is made, as the stacks would depend on each other.
import { App, Stack } from 'aws-cdk-lib';
import { PodIdentityAssociation, PodIdentityBoundWorkload, PodIdentityRole } from '../../lib';
import { ENV, importedEksV2Cluster, newEksV2Cluster } from '../helpers/clusters';
import { messageOf } from '../helpers/errors';

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
