import { Token } from 'aws-cdk-lib';
import { CheckContext } from './check';
import { clusterLabel } from '../private/cluster';
import { annotateError } from '../private/errors';

/** `CrossAccountRole`: EKS requires the association role in the cluster's account. */
export function checkCrossAccountRole({ registry }: CheckContext) {
  for (const association of registry.associations) {
    const roleAccount = association.role.env.account;
    const clusterAccount = association.cluster.env.account;
    if (Token.isUnresolved(roleAccount) || Token.isUnresolved(clusterAccount) || roleAccount === clusterAccount) continue;
    annotateError(association, 'CrossAccountRole',
      `role ${association.role.node.path} is in account ${roleAccount} but cluster ${clusterLabel(association.cluster)} is in account ${clusterAccount}; EKS requires the association role in the cluster's account`,
      'associate a role in the cluster\'s account and pass the other account\'s role as targetRole (role chaining); the target role must trust the association role');
  }
}
