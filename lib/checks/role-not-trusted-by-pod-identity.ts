import { CheckContext } from './check';
import { POD_IDENTITY_SERVICE_PRINCIPAL } from '../private/eks-facts';
import { annotateError } from '../private/errors';
import { allowsStsAction, asList } from '../private/policy-values';

/**
 * `RoleNotTrustedByPodIdentity`: the association's role (defined in the app) does not trust pods.eks for both
 * actions.
 */
export function checkRoleNotTrustedByPodIdentity({ registry, facts }: CheckContext) {
  for (const association of registry.associations) {
    const statements = facts.trustStatementsOf(association.role);
    if (!statements) continue;
    // IAM evaluates the union of the statements: the two actions may be allowed by different ones.
    const actions = statements
      .filter(statement => statement.Effect === 'Allow' && asList(statement.Principal?.Service).includes(POD_IDENTITY_SERVICE_PRINCIPAL))
      .flatMap(statement => asList(statement.Action));
    if (!allowsStsAction(actions, 'sts:AssumeRole') || !allowsStsAction(actions, 'sts:TagSession')) {
      annotateError(association, 'RoleNotTrustedByPodIdentity',
        `role ${association.role.node.path} does not trust ${POD_IDENTITY_SERVICE_PRINCIPAL} for both sts:AssumeRole and sts:TagSession, so EKS cannot give its credentials to pods`,
        `use a PodIdentityRole, or add this statement to the role's trust policy: ${JSON.stringify({ Effect: 'Allow', Principal: { Service: POD_IDENTITY_SERVICE_PRINCIPAL }, Action: ['sts:AssumeRole', 'sts:TagSession'] })}`);
    }
  }
}
