import { Token } from 'aws-cdk-lib';
import { CheckContext } from './check';
import { annotateError } from '../private/errors';
import { handMadeTargetRoleTrusts } from '../private/target-role-trust';

/**
 * `TargetRoleTrustExternalIdMismatch`: a target role made by hand in the app admits the association role, but every
 * statement that admits it requires an sts:ExternalId of another association. Values unknown at synth (parameters,
 * imports) are given the benefit of the doubt.
 */
export function checkTargetRoleTrustExternalIdMismatch({ registry, facts }: CheckContext) {
  for (const { association, label, expectedId, externalIdMismatch } of handMadeTargetRoleTrusts(registry, facts)) {
    if (!externalIdMismatch) continue;
    const shown = Token.isUnresolved(expectedId) ? 'association.externalId' : JSON.stringify(expectedId);
    annotateError(association, 'TargetRoleTrustExternalIdMismatch',
      `${label} requires an sts:ExternalId that is not this association's (${shown}), so EKS's chained AssumeRole is denied and the pods get no credentials`,
      `require ${shown} (the association's region/account/cluster/namespace/service account) as sts:ExternalId in the statement that trusts the association role, or use a PodIdentityTargetRole`);
  }
}
