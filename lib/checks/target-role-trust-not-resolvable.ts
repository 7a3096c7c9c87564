import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RoleChaining } from './check';
import { allowCrossAccountReference } from '../private/aws-cdk-internals';
import { isNewCluster } from '../private/cluster';
import { problem } from '../private/errors';
import { Registry } from '../private/registry';

/**
 * `TargetRoleTrustNotResolvable`: the trust of a `PodIdentityTargetRole` is generated from the association, in the
 * target role's stack; across accounts that works with literal names only (a cross-stack reference cannot cross
 * accounts), so a role or new cluster of another stack whose name CloudFormation decides at deploy time cannot be
 * named there.
 */
export function checkTargetRoleTrustNotResolvable({ association, role, targetRole }: RoleChaining): void {
  if (!Registry.of(association).isGeneratedTrustTargetRole(targetRole)) return;
  const targetStack = Stack.of(targetRole);
  const cluster = association.cluster;
  const unnamed = [
    ...(role instanceof iam.Role && Stack.of(role) !== targetStack && !allowCrossAccountReference(role) ? [`role ${role.node.path}`] : []),
    ...(isNewCluster(cluster) && Stack.of(cluster) !== targetStack && !allowCrossAccountReference(cluster) ? [`cluster ${cluster.node.path}`] : []),
  ];
  if (unnamed.length > 0) {
    throw problem('TargetRoleTrustNotResolvable',
      `the trust of the PodIdentityTargetRole ${targetRole.node.path} in account ${targetStack.account} names the ${unnamed.join(' and the ')} of account ${Stack.of(role).account}, whose names CloudFormation decides at deploy time, so the other account cannot know them`,
      'give them names (roleName: a literal or PhysicalName.GENERATE_IF_NEEDED, as PodIdentityRole does by default; clusterName on the cluster), or import the cluster by name');
  }
}
