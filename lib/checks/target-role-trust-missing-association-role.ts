import { CheckContext } from './check';
import { annotateError } from '../private/errors';
import { handMadeTargetRoleTrusts } from '../private/target-role-trust';

/**
 * `TargetRoleTrustMissingAssociationRole`: for a target role made by hand in the app (not a `PodIdentityTargetRole`,
 * whose trust is generated), no Allow statement for sts:AssumeRole names the association role (its ARN, its account,
 * or `*`) as AWS principal, e.g. a role trusted by `ec2.amazonaws.com` only or by another account. Principals unknown
 * at synth (parameters, imports) are given the benefit of the doubt; imported target roles cannot be checked.
 */
export function checkTargetRoleTrustMissingAssociationRole({ registry, facts }: CheckContext) {
  for (const { association, label, assuming, admitting } of handMadeTargetRoleTrusts(registry, facts)) {
    if (admitting.length > 0) continue;
    annotateError(association, 'TargetRoleTrustMissingAssociationRole',
      `${label} does not let the association role ${association.role.node.path} assume it (no Allow statement for sts:AssumeRole names that role's ARN or its account as AWS principal${assuming.length === 0 ? '; it trusts no AWS principal for sts:AssumeRole at all' : ''}), so EKS's chained AssumeRole is denied and the pods get no credentials`,
      'trust the association role: Principal { AWS: <its ARN> } (or its account root, narrowed by aws:PrincipalArn) for sts:AssumeRole (and sts:TagSession with session tags), or use a PodIdentityTargetRole, which generates the trust');
  }
}
