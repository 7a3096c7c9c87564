import { CheckContext } from './check';
import { annotateWarning } from '../private/errors';
import { expectedIrsaStatement, irsaTrustsToVerify } from '../private/irsa-trust';

/**
 * `IrsaTrustNotVerifiable` (warning): a workload moving off IRSA with an imported role, whose trust policy cannot be
 * read offline. A warning, not an error: importing the existing IRSA role (which already trusts the provider) is a
 * sound way to migrate.
 */
export function checkIrsaTrustNotVerifiable({ registry, facts }: CheckContext) {
  for (const { workload, role, provider, sub } of irsaTrustsToVerify(registry)) {
    const statements = facts.trustStatementsOf(role);
    if (!statements) {
      annotateWarning(workload, 'IrsaTrustNotVerifiable',
        `workload ${workload.node.path} sets migratingFromIrsa: true with the imported role ${role.node.path}, whose trust policy cannot be read at synthesis; if it does not trust the cluster's OIDC provider for ${sub}, every pod is denied credentials during the migration`,
        `make sure the role's trust policy has ${expectedIrsaStatement(role, provider, sub)}, then acknowledge this warning; or pass a PodIdentityRole defined in the app (the workload adds that trust)`);
    }
  }
}
