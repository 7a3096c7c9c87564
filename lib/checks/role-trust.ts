import { asList, CheckContext } from './check';
import { POD_IDENTITY_SERVICE_PRINCIPAL } from '../private/eks-facts';
import { annotateError } from '../private/errors';

/**
 * `RoleNotTrustedByPodIdentity`: the association's role (defined in the app) does not trust pods.eks for both
 * actions; `SessionTagConditionsWithoutSessionTags`: its trust needs tags that the association does not send.
 */
export function checkRoleTrust({ registry, facts }: CheckContext) {
  for (const association of registry.associations) {
    const statements = facts.trustStatementsOf(association.role);
    if (!statements) continue;
    // IAM evaluates the union of the statements: the two actions may be allowed by different ones.
    const actions = statements
      .filter(statement => statement.Effect === 'Allow' && asList(statement.Principal?.Service).includes(POD_IDENTITY_SERVICE_PRINCIPAL))
      .flatMap(statement => asList(statement.Action));
    const allows = (action: string) => actions.some(a => a === action || a === 'sts:*' || a === '*');
    if (!allows('sts:AssumeRole') || !allows('sts:TagSession')) {
      annotateError(association, 'RoleNotTrustedByPodIdentity',
        `role ${association.role.node.path} does not trust ${POD_IDENTITY_SERVICE_PRINCIPAL} for both sts:AssumeRole and sts:TagSession, so EKS cannot give its credentials to pods`,
        `use a PodIdentityRole, or add this statement to the role's trust policy: ${JSON.stringify({ Effect: 'Allow', Principal: { Service: POD_IDENTITY_SERVICE_PRINCIPAL }, Action: ['sts:AssumeRole', 'sts:TagSession'] })}`);
    }
    if (association.disableSessionTags) {
      const tagConditions = statements.flatMap(statement => Object.values(statement.Condition ?? {}).flatMap(Object.keys))
        .filter(key => key.startsWith('aws:RequestTag/') || key === 'aws:TagKeys');
      if (tagConditions.length > 0) {
        annotateError(association, 'SessionTagConditionsWithoutSessionTags',
          `role ${association.role.node.path} trusts pods only with session-tag conditions (${tagConditions.join(', ')}) but the association at ${association.node.path} sets disableSessionTags: true, so no tags are sent and the role can never be assumed`,
          'remove those trust conditions, or keep session tags on (disableSessionTags: false)');
      }
    }
  }
}
