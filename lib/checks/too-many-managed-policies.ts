import * as iam from 'aws-cdk-lib/aws-iam';
import { CheckContext } from './check';
import { DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA, MAX_MANAGED_POLICIES_PER_ROLE_QUOTA } from '../private/eks-facts';
import { annotateError, annotateWarning } from '../private/errors';
import { managedPolicyCountOf } from '../private/role-permissions';

/**
 * `TooManyManagedPolicies`: a role of this library (a workload's, an add-on's, any `PodIdentityRole` or
 * `PodIdentityTargetRole`), or an association role or target role defined in the app, has more managed policies
 * than the account's "Managed policies per role" quota (IAM default 10): IAM rejects the attachment at deploy.
 */
export function checkTooManyManagedPolicies({ registry }: CheckContext) {
  const roles = new Set<iam.IRole>(registry.libraryRoles);
  for (const association of registry.associations) {
    roles.add(association.role);
    if (association.targetRole) roles.add(association.targetRole);
  }
  for (const role of roles) {
    const quota: number = (role as { managedPoliciesPerRoleQuota?: number }).managedPoliciesPerRoleQuota ?? DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA;
    const count = managedPolicyCountOf(role, quota);
    if (count === undefined || count <= quota) continue; // imported (not checkable here), or within the quota
    // A role of this library knows the account's quota (managedPoliciesPerRoleQuota): over it is an error. Another
    // role (a plain iam.Role) cannot be told the quota: a warning, acknowledged where the quota was raised.
    const ownRole = registry.libraryRoles.has(role);
    (ownRole ? annotateError : annotateWarning)(role, 'TooManyManagedPolicies',
      `role ${role.node.path} has ${count} managed policies and the ${ownRole ? 'account\'s' : 'default'} "Managed policies per role" quota is ${quota} (IAM default ${DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA}, at most ${MAX_MANAGED_POLICIES_PER_ROLE_QUOTA} on request); IAM would reject the attachment at deploy`,
      ownRole
        ? `merge policies (or move statements into inline policies or grants), or raise the quota in Service Quotas (up to ${MAX_MANAGED_POLICIES_PER_ROLE_QUOTA}) and set managedPoliciesPerRoleQuota on a PodIdentityRole`
        : `merge policies (or move statements into inline policies or grants), or, if the account's quota was raised above ${count}, acknowledge with Annotations.of(role).acknowledgeWarning('cdk-eks-pod-identity:TooManyManagedPolicies', reason)`);
  }
}
