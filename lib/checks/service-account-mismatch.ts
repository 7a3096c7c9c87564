import { CheckContext } from './check';
import { annotateError, quote } from '../private/errors';

/** `ServiceAccountMismatch`: the Deployment's pods run as another service account than the association binds. */
export function checkServiceAccountMismatch({ registry, facts }: CheckContext) {
  for (const workload of registry.workloads) {
    const deployment = facts.deploymentOf(workload);
    const podServiceAccount = deployment.spec.template.spec.serviceAccountName;
    if (podServiceAccount !== workload.serviceAccountName) {
      annotateError(workload, 'ServiceAccountMismatch',
        `the Deployment's pods run as service account ${quote(podServiceAccount ?? 'default')} but the association binds ${quote(workload.serviceAccountName)}, so the pods get no credentials`,
        'leave the Deployment\'s service account to the workload (do not replace it), or associate the service account the pods use');
    }
  }
}
