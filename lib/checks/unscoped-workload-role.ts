import { CheckContext } from './check';
import { annotateWarning } from '../private/errors';

/**
 * `UnscopedWorkloadRole`: a workload's own role whose association sets `disableSessionTags`: with no session tags
 * its trust cannot name the service account, so any Pod Identity association in the account may use the role.
 */
export function checkUnscopedWorkloadRole({ registry }: CheckContext) {
  for (const workload of registry.workloads) {
    const association = workload.association;
    // The workload scopes the trust of its own role exactly when session tags are on.
    const ownRole = association.role.node.scope === workload;
    if (!ownRole || !association.disableSessionTags) continue;
    annotateWarning(workload, 'UnscopedWorkloadRole',
      `the workload's own role ${association.role.node.path} trusts every Pod Identity association in the account, not only ${association.namespace}/${association.serviceAccount}, because disableSessionTags: true leaves EKS nothing to scope the trust by`,
      'keep session tags on (the default; only a session policy or a PackedPolicyTooLarge error needs them off), or restrict who may iam:PassRole the role and acknowledge this warning');
  }
}
