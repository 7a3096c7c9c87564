import { Stack } from 'aws-cdk-lib';
import { CheckContext } from './check';
import { annotateError } from '../private/errors';
import { expectedIrsaStatement, irsaTrustsToVerify, trustsWebIdentity } from '../private/irsa-trust';

/**
 * `IrsaTrustMissing`: a workload moving off IRSA whose role, defined in the app (not a `PodIdentityRole`, which gets
 * the trust from the workload), has no trust statement admitting `sts:AssumeRoleWithWebIdentity` from the cluster's
 * OIDC provider for the service account: every pod is denied credentials during the migration.
 */
export function checkIrsaTrustMissing({ registry, facts }: CheckContext) {
  for (const { workload, role, provider, sub } of irsaTrustsToVerify(registry)) {
    const statements = facts.trustStatementsOf(role);
    if (!statements) continue;
    if (!statements.some(statement => trustsWebIdentity(Stack.of(role), statement, provider, sub))) {
      annotateError(workload, 'IrsaTrustMissing',
        `workload ${workload.node.path} sets migratingFromIrsa: true but its role ${role.node.path} does not trust the cluster's OIDC provider for ${sub} (sts:AssumeRoleWithWebIdentity), so every pod is denied credentials while it uses IRSA during the migration`,
        `pass a PodIdentityRole (the workload adds that trust), or add this statement to the role's trust policy: ${expectedIrsaStatement(role, provider, sub)}`);
    }
  }
}
