import { Token } from 'aws-cdk-lib';
import { TrustStatement } from './app-facts';
import { CheckContext } from './check';
import { annotateError } from '../private/errors';

// A statement without Action (NotAction) becomes [undefined], which allows nothing.
function asList<T>(value: T | T[] | undefined): Array<T | undefined> {
  return Array.isArray(value) ? value : [value];
}

const allows = (statement: TrustStatement, action: string) =>
  asList(statement.Action).some(a => a === action || a === 'sts:*' || a === '*');

/**
 * For a target role made by hand in the app (not a `PodIdentityTargetRole`, whose trust is generated):
 * `TargetRoleTrustMissingTagSession`: session tags are on, and no statement that lets an AWS principal assume the
 * role allows `sts:TagSession`, so STS rejects the chained AssumeRole with the transitive tags;
 * `TargetRoleTrustMissingExternalId`: session tags are off, and no such statement requires `sts:ExternalId`, so
 * any principal the trust names may assume the role, not only this association (confused deputy).
 * Imported target roles cannot be checked: their trust is not in the app.
 */
export function checkTargetRoleTrust({ registry, facts }: CheckContext) {
  for (const association of registry.associations) {
    const targetRole = association.targetRole;
    if (!targetRole || registry.isGeneratedTrustTargetRole(targetRole)) continue;
    const statements = facts.trustStatementsOf(targetRole);
    if (!statements) continue;
    const trustingAws = statements.filter(statement => statement.Effect === 'Allow' && statement.Principal?.AWS !== undefined);
    const assuming = trustingAws.filter(statement => allows(statement, 'sts:AssumeRole'));
    if (assuming.length === 0) continue; // not trusted at all: IAM reports it on the first pod; nothing partial to fix
    const label = `target role ${targetRole.node.path} of the association for ${association.namespace}/${association.serviceAccount}`;
    if (!association.disableSessionTags && !trustingAws.some(statement => allows(statement, 'sts:TagSession'))) {
      annotateError(association, 'TargetRoleTrustMissingTagSession',
        `${label} trusts AWS principals for sts:AssumeRole but not sts:TagSession, and the association passes its session tags on (they are transitive), so STS denies the chained AssumeRole`,
        'add sts:TagSession to the trust statement (or use a PodIdentityTargetRole, which generates the trust), or set disableSessionTags: true and require the external id');
    }
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
