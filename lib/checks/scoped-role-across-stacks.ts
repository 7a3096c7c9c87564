import { Stack, Token } from 'aws-cdk-lib';
import { clusterNameOf } from '../private/cluster';
import { problem } from '../private/errors';
import { RegisteredAssociation, Registry } from '../private/registry';

/**
 * `ScopedRoleAcrossStacks`: a role that scopes its trust to its associations names the cluster (a name decided at
 * deploy time) of another stack, while an association in a third stack depends on the role: the stacks would depend
 * on each other.
 */
export function checkScopedRoleAcrossStacks(association: RegisteredAssociation): void {
  const { role, cluster } = association;
  const roleStack = Stack.of(role);
  if (Registry.of(association).isScopedRole(role) && roleStack !== Stack.of(association) && roleStack !== Stack.of(cluster)
    && Token.isUnresolved(clusterNameOf(cluster))) {
    throw problem('ScopedRoleAcrossStacks',
      `role ${role.node.path} scopes its trust to cluster ${cluster.node.path} of another stack while the association at ${association.node.path} depends on the role, so the two stacks would depend on each other`,
      'use role.associate(cluster, ...) (the association then lives in the role\'s stack), a cluster with a literal name, or scopeTrustToAssociations: false');
  }
}
