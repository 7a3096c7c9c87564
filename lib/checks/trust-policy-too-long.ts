import * as iam from 'aws-cdk-lib/aws-iam';
import { CheckContext } from './check';
import { DEFAULT_TRUST_POLICY_LENGTH_QUOTA, MAX_TRUST_POLICY_LENGTH_QUOTA } from '../private/eks-facts';
import { annotateError } from '../private/errors';

/**
 * `TrustPolicyTooLong`: the trust policy of an association role or target role defined in the app is longer than
 * the account's role trust policy length quota (IAM counts the JSON without whitespace). Scoped roles grow by one
 * statement per association.
 */
export function checkTrustPolicyTooLong({ registry, facts }: CheckContext) {
  const roles = new Set<iam.IRole>();
  for (const association of registry.associations) {
    roles.add(association.role);
    if (association.targetRole) roles.add(association.targetRole);
  }
  for (const role of roles) {
    const length = facts.trustPolicyLengthOf(role);
    if (length === undefined) continue; // imported: its trust is not in the app
    const quota: number = (role as { trustPolicyLengthQuota?: number }).trustPolicyLengthQuota ?? DEFAULT_TRUST_POLICY_LENGTH_QUOTA;
    if (length <= quota) continue;
    const statements = facts.trustStatementsOf(role)!;
    const perStatement = Math.ceil(length / statements.length);
    const fit = Math.max(1, Math.floor(quota / perStatement));
    annotateError(role, 'TrustPolicyTooLong',
      `the trust policy of role ${role.node.path} is about ${length} characters (${statements.length} statements, about ${perStatement} each, e.g. one per association) and the account's role trust policy length quota is ${quota} (IAM default ${DEFAULT_TRUST_POLICY_LENGTH_QUOTA}, at most ${MAX_TRUST_POLICY_LENGTH_QUOTA} on request); IAM would reject it at deploy`,
      `spread the associations over more roles (about ${fit} fit in one), or raise the "Role trust policy length" quota in Service Quotas (up to ${MAX_TRUST_POLICY_LENGTH_QUOTA}) and set trustPolicyLengthQuota on the role`);
  }
}
