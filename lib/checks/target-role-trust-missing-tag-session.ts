import { CheckContext } from './check';
import { annotateError } from '../private/errors';
import { allowsStsAction } from '../private/policy-values';
import { handMadeTargetRoleTrusts } from '../private/target-role-trust';

/**
 * `TargetRoleTrustMissingTagSession`: a target role made by hand in the app admits the association role, session
 * tags are on, and no statement that lets an AWS principal assume the role allows `sts:TagSession`, so STS rejects
 * the chained AssumeRole with the transitive tags.
 */
export function checkTargetRoleTrustMissingTagSession({ registry, facts }: CheckContext) {
  for (const { association, label, trustingAws, admitting, externalIdMismatch } of handMadeTargetRoleTrusts(registry, facts)) {
    if (admitting.length === 0 || externalIdMismatch) continue;
    if (!association.disableSessionTags && !trustingAws.some(statement => allowsStsAction(statement.Action, 'sts:TagSession'))) {
      annotateError(association, 'TargetRoleTrustMissingTagSession',
        `${label} trusts AWS principals for sts:AssumeRole but not sts:TagSession, and the association passes its session tags on (they are transitive), so STS denies the chained AssumeRole`,
        'add sts:TagSession to the trust statement (or use a PodIdentityTargetRole, which generates the trust), or set disableSessionTags: true and require the external id');
    }
  }
}
