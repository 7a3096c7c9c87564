import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TrustStatement } from './app-facts';
import { asList, CheckContext } from './check';
import { annotateError } from '../private/errors';
import { externalIdOf } from '../private/trust';

const allows = (statement: TrustStatement, action: string) =>
  asList(statement.Action).some(a => a === action || a === 'sts:*' || a === '*');

/**
 * For a target role made by hand in the app (not a `PodIdentityTargetRole`, whose trust is generated):
 * `TargetRoleTrustMissingTagSession`: session tags are on, and no statement that lets an AWS principal assume the
 * role allows `sts:TagSession`, so STS rejects the chained AssumeRole with the transitive tags;
 * `TargetRoleTrustMissingAssociationRole`: no Allow statement for sts:AssumeRole names the association role (its ARN,
 * its account, or `*`) as AWS principal, e.g. a role trusted by `ec2.amazonaws.com` only or by another account;
 * `TargetRoleTrustExternalIdMismatch`: every statement that admits it requires an sts:ExternalId of another
 * association; principals and values that are unknown at synth (parameters, imports) are given the benefit of the
 * doubt.
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
    const label = `target role ${targetRole.node.path} of the association for ${association.namespace}/${association.serviceAccount}`;
    const stack = Stack.of(targetRole);
    const admitting = assuming.filter(statement => admitsRole(stack, statement, association.role) !== false);
    if (admitting.length === 0) {
      annotateError(association, 'TargetRoleTrustMissingAssociationRole',
        `${label} does not let the association role ${association.role.node.path} assume it (no Allow statement for sts:AssumeRole names that role's ARN or its account as AWS principal${assuming.length === 0 ? '; it trusts no AWS principal for sts:AssumeRole at all' : ''}), so EKS's chained AssumeRole is denied and the pods get no credentials`,
        'trust the association role: Principal { AWS: <its ARN> } (or its account root, narrowed by aws:PrincipalArn) for sts:AssumeRole (and sts:TagSession with session tags), or use a PodIdentityTargetRole, which generates the trust');
      continue;
    }
    const expectedId = externalIdOf(association);
    if (admitting.every(statement => externalIdAdmits(stack, statement, expectedId) === false)) {
      const shown = Token.isUnresolved(expectedId) ? 'association.externalId' : JSON.stringify(expectedId);
      annotateError(association, 'TargetRoleTrustExternalIdMismatch',
        `${label} requires an sts:ExternalId that is not this association's (${shown}), so EKS's chained AssumeRole is denied and the pods get no credentials`,
        `require ${shown} (the association's region/account/cluster/namespace/service account) as sts:ExternalId in the statement that trusts the association role, or use a PodIdentityTargetRole`);
      continue;
    }
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

/**
 * Whether a statement's AWS principals include the association role: its ARN, its account (id or root ARN, in any
 * partition), or `*`. Undefined when that cannot be told at synth: a principal unknown at synth (a parameter, an
 * import), or a literal principal while the role's account or ARN is a token (an environment-agnostic stack, a role
 * CloudFormation names): not reported.
 */
function admitsRole(stack: Stack, statement: TrustStatement, role: iam.IRole): boolean | undefined {
  const roleArn = normalized(stack.resolve(role.roleArn));
  const account = Token.isUnresolved(role.env.account) ? undefined : role.env.account;
  const literalRoleArn = isLiteral(roleArn) ? roleArn : literalArnOf(stack, role, account);
  let unknown = false;
  for (const principal of asList<unknown>(statement.Principal?.AWS)) {
    const value = normalized(stack.resolve(principal));
    if (value === undefined) {
      unknown = true;
      continue;
    }
    if (value === '*' || value === roleArn || value === literalRoleArn || (account !== undefined
      && (value === account || value === `arn:<partition>:iam::${account}:root`))) return true;
    // Another resource of the app (its Fn::GetAtt) is known not to be the role. So is a literal account or ARN when
    // the role's account is known: the role's ARN was compared above, when it is known; a name CloudFormation
    // generates cannot be written as a literal.
    if (isLiteral(value) && account === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

function isLiteral(value: string | undefined): value is string {
  return value !== undefined && !value.startsWith('{') && !value.includes('<partition>:iam::{');
}

/** The ARN of a role of the app whose name, path and account are literals (CloudFormation gives it that ARN). */
function literalArnOf(stack: Stack, role: iam.IRole, account: string | undefined): string | undefined {
  const resource = role.node.defaultChild;
  if (!(resource instanceof iam.CfnRole) || account === undefined) return undefined;
  const name = stack.resolve(resource.roleName);
  const rolePath = stack.resolve(resource.path) ?? '/';
  return typeof name === 'string' && typeof rolePath === 'string' ? `arn:<partition>:iam::${account}:role${rolePath}${name}` : undefined;
}

/** Whether a statement's sts:ExternalId conditions (if any) admit `externalId`; undefined when unknown at synth. */
function externalIdAdmits(stack: Stack, statement: TrustStatement, externalId: string): boolean | undefined {
  const expected = normalized(stack.resolve(externalId));
  let result: boolean | undefined = true;
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    const key = Object.keys(block).find(k => k.toLowerCase() === 'sts:externalid');
    if (key === undefined) continue;
    const values = asList<unknown>(stack.resolve(block[key])).map(normalized);
    if (expected === undefined || values.includes(undefined)) { result = undefined; continue; }
    const like = /Like/.test(operator);
    const matches = values.some(value => like ? globMatches(value!, expected) : value === expected);
    if (/^String(Equals|Like)(IfExists)?$/.test(operator) && !matches) return false;
  }
  return result;
}

/**
 * A resolved value as one comparable string: literals as they are (with the partition of an ARN written
 * `<partition>`), `{ Ref: AWS::Partition }` as `<partition>`, other pseudo parameters and `Fn::GetAtt` as their JSON
 * (they name a resource of the app), joins concatenated; undefined when it holds anything else (a parameter, an
 * import, a function), whose value is unknown at synth.
 */
function normalized(value: unknown): string | undefined {
  if (typeof value === 'string') return value.replace(/^arn:aws(-[a-z-]+)?:/, 'arn:<partition>:');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const [[name, argument], ...rest] = Object.entries(value);
  if (rest.length > 0) return undefined;
  if (name === 'Ref' && argument === 'AWS::Partition') return '<partition>';
  if ((name === 'Ref' && typeof argument === 'string' && argument.startsWith('AWS::')) || name === 'Fn::GetAtt') return JSON.stringify(value);
  if (name === 'Fn::Join' && Array.isArray(argument) && Array.isArray(argument[1])) {
    const parts = (argument[1] as unknown[]).map(part => typeof part === 'string' ? part : normalized(part));
    return parts.includes(undefined) ? undefined : normalized(parts.join(argument[0]));
  }
  return undefined;
}

/** IAM's StringLike: `*` any characters, `?` one. */
function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('').map(c => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('')}$`);
  return regex.test(value);
}
