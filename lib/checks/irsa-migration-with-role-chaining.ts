import { CheckContext } from './check';
import { annotateError } from '../private/errors';

/**
 * `IrsaMigrationWithRoleChaining`: a workload moving off IRSA (`migratingFromIrsa: true`) whose association chains
 * into a target role; IRSA gives the pods the association role, never the target role, so during the migration they
 * lack the target role's permissions.
 */
export function checkIrsaMigrationWithRoleChaining({ registry }: CheckContext) {
  for (const workload of registry.workloads) {
    if (!workload.migratingFromIrsa) continue;
    const association = workload.association;
    const role = association.role;
    if (association.targetRole) {
      annotateError(workload, 'IrsaMigrationWithRoleChaining',
        `workload ${workload.node.path} sets migratingFromIrsa: true and chains into the target role ${association.targetRole.node.path}; during the migration the pods use IRSA, which gives them the association role ${role.node.path} and not the target role, so every call that needs the target role's permissions is denied`,
        'drop migratingFromIrsa (the pods then switch to Pod Identity, with the target role, when they roll), or migrate without targetRole first (grant the association role what the pods need) and add the role chaining in a later deployment');
    }
  }
}
