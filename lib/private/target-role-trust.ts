// How the trust policy of a target role made by hand in the app (not a `PodIdentityTargetRole`, whose trust is
// generated) admits the association that chains into it: read by the target-role trust checks.
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { allowsStsAction, asList, globMatches, TrustStatement } from './policy-values';
import { RegisteredAssociation, Registry } from './registry';
import { externalIdOf } from './trust';

/** What the trust checks read of the app: the trust statements of a role defined in it (undefined when imported). */
export interface TrustFacts {
  trustStatementsOf(role: iam.IRole): TrustStatement[] | undefined;
}

/** The trust of a target role made by hand, as it admits one association that chains into it. */
export interface HandMadeTargetRoleTrust {
  readonly association: RegisteredAssociation;
  readonly targetRole: iam.IRole;
  /** How messages name the target role and the association. */
  readonly label: string;
  /** The Allow statements with AWS principals. */
  readonly trustingAws: TrustStatement[];
  /** Those of them that allow sts:AssumeRole. */
  readonly assuming: TrustStatement[];
  /** Those of them that may admit the association role (principals unknown at synth given the benefit of the doubt). */
  readonly admitting: TrustStatement[];
  /** The association's external id. */
  readonly expectedId: string;
  /** Whether statements admit the association role, and every one of them requires another sts:ExternalId. */
  readonly externalIdMismatch: boolean;
}

/**
 * The trust of every target role made by hand in the app, per association chaining into it. Imported target roles
 * are not read: their trust is not in the app.
 */
export function handMadeTargetRoleTrusts(registry: Registry, facts: TrustFacts): HandMadeTargetRoleTrust[] {
  const trusts: HandMadeTargetRoleTrust[] = [];
  for (const association of registry.associations) {
    const targetRole = association.targetRole;
    if (!targetRole || registry.isGeneratedTrustTargetRole(targetRole)) continue;
    const statements = facts.trustStatementsOf(targetRole);
    if (!statements) continue;
    const trustingAws = statements.filter(statement => statement.Effect === 'Allow' && statement.Principal?.AWS !== undefined);
    const assuming = trustingAws.filter(statement => allowsStsAction(statement.Action, 'sts:AssumeRole'));
    const label = `target role ${targetRole.node.path} of the association for ${association.namespace}/${association.serviceAccount}`;
    const stack = Stack.of(targetRole);
    const admitting = assuming.filter(statement => admitsRole(stack, statement, association.role) !== false);
    const expectedId = externalIdOf(association);
    const externalIdMismatch = admitting.length > 0 && admitting.every(statement => externalIdAdmits(stack, statement, expectedId) === false);
    trusts.push({ association, targetRole, label, trustingAws, assuming, admitting, expectedId, externalIdMismatch });
  }
  return trusts;
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
