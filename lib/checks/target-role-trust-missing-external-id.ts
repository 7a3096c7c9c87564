import { Token } from 'aws-cdk-lib';
import { CheckContext } from './check';
import { annotateError } from '../private/errors';
import { handMadeTargetRoleTrusts } from '../private/target-role-trust';

/**
 * `TargetRoleTrustMissingExternalId`: a target role made by hand in the app admits the association role, session
 * tags are off, and no statement for sts:AssumeRole requires `sts:ExternalId`, so any principal the trust names may
 * assume the role, not only this association (confused deputy).
 */
export function checkTargetRoleTrustMissingExternalId({ registry, facts }: CheckContext) {
  for (const { association, label, assuming, admitting, externalIdMismatch } of handMadeTargetRoleTrusts(registry, facts)) {
    if (admitting.length === 0 || externalIdMismatch) continue;
    if (association.disableSessionTags) {
      const requiresExternalId = assuming.some(statement => Object.values(statement.Condition ?? {})
        .some(block => Object.keys(block).includes('sts:ExternalId')));
      if (!requiresExternalId) {
        const externalId = (association as { externalId?: string }).externalId;
        annotateError(association, 'TargetRoleTrustMissingExternalId',
          `${label} lets AWS principals assume it without an sts:ExternalId condition while the association sets disableSessionTags: true, so nothing ties the trust to this (cluster, namespace, service account)`,
          `add StringEquals { "sts:ExternalId": ${externalId && !Token.isUnresolved(externalId) ? JSON.stringify(externalId) : 'association.externalId'} } to the trust statement, or use a PodIdentityTargetRole`);
      }
    }
  }
}
