// The trust statements this library generates: one per association, so that exactly the associated (cluster,
// namespace, service account) triples are admitted and never a combination of values of different associations.
import { Token, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { clusterArnOf, clusterNameOf } from './cluster';
import { CLUSTER_ARN_TAG, NAMESPACE_TAG, POD_IDENTITY_SERVICE_PRINCIPAL, requestTag, SERVICE_ACCOUNT_TAG } from './eks-facts';
import { problem, quote } from './errors';
import { RegisteredAssociation } from './registry';

/**
 * pods.eks.amazonaws.com as a literal: the name is the same in every partition that has Pod Identity, and a literal
 * puts no token per statement into the token map for synthesis to resolve (a fleet has thousands of statements).
 */
export const POD_IDENTITY_PRINCIPAL = iam.ServicePrincipal.fromStaticServicePrincipleName(POD_IDENTITY_SERVICE_PRINCIPAL);

/** IAM condition blocks: operator → key → value(s). */
export type Conditions = { [operator: string]: { [key: string]: unknown } };

/**
 * A principal that puts no statement into the trust policy of the role it is given to: the role's statements are
 * added one per association as the associations are made.
 */
export class StatementsAddedLaterPrincipal extends iam.PrincipalBase {
  public readonly policyFragment: iam.PrincipalPolicyFragment;

  constructor(private readonly principal: iam.IPrincipal) {
    super();
    this.policyFragment = principal.policyFragment;
  }

  public addToAssumeRolePolicy(_document: iam.PolicyDocument): void {
    // Nothing: see the class comment.
  }

  public dedupeString(): string | undefined {
    return `StatementsAddedLater:${JSON.stringify(this.principal.policyFragment.principalJson)}`;
  }
}

/** `region/account/cluster-name/namespace/service-account`: what EKS sends as `sts:ExternalId` to a target role. */
export function externalIdOf(association: RegisteredAssociation): string {
  const cluster = association.cluster;
  return [cluster.env.region, cluster.env.account, clusterNameOf(cluster), association.namespace, association.serviceAccount].join('/');
}

/**
 * Merges condition blocks; a key set twice under one operator would silently keep one value (IAM cannot AND two
 * values of one key in one block), so it is rejected. IAM condition keys are case-insensitive: `AWS:SourceOrgId` and
 * `aws:SourceOrgId` are one key. `owner` names the construct for the message.
 */
export function mergeConditions(owner: string, ...blocks: Array<Conditions | undefined>): Conditions {
  const merged: Conditions = {};
  const keysByOperator = new Map<string, Map<string, string>>();
  for (const block of blocks) {
    for (const [operator, keys] of Object.entries(block ?? {})) {
      const target = merged[operator] ?? {};
      const seen = keysByOperator.get(operator) ?? new Map<string, string>();
      for (const [key, value] of Object.entries(keys ?? {})) {
        // (a key that is a token cannot be compared: it is kept as it is)
        const folded = Token.isUnresolved(key) ? key : key.toLowerCase();
        const earlier = seen.get(folded);
        if (earlier !== undefined) {
          throw problem('ConflictingTrustCondition',
            `the trust conditions of ${owner} set ${operator} ${quote(key)} twice (${quote(target[earlier])} and ${quote(value)}${earlier !== key ? `; ${quote(earlier)} is the same key: IAM condition keys are case-insensitive` : ''}); the library already sets the session-tag, external-id and principal keys it scopes by`,
            `drop ${quote(key)} from trustConditions, or use another operator for it`);
        }
        seen.set(folded, key);
        target[key] = value;
      }
      keysByOperator.set(operator, seen);
      merged[operator] = target;
    }
  }
  return merged;
}

/**
 * `trustConditions` as IAM accepts them: an object of operator → block of keys, each operator one of IAM's (with
 * an optional `ForAnyValue:`/`ForAllValues:` prefix and `IfExists` suffix). Tokens pass unchecked.
 */
export function checkTrustConditions(owner: string, conditions: unknown): void {
  if (conditions === undefined || Tokenization.isResolvable(conditions)) return;
  const example = '{ StringEquals: { "aws:RequestTag/kubernetes-namespace": "prod" } }';
  if (typeof conditions !== 'object' || conditions === null || Array.isArray(conditions)) {
    throw problem('InvalidTrustCondition',
      `the trustConditions of ${owner} are ${quote(conditions)}, not an object of condition operators`,
      `pass an object of operator → { key: value }, e.g. ${example}`);
  }
  for (const [operator, block] of Object.entries(conditions)) {
    if (!Token.isUnresolved(operator) && !isConditionOperator(operator)) {
      const suggestion = suggestOperator(operator);
      throw problem('InvalidTrustCondition',
        `the trustConditions of ${owner} use ${quote(operator)}, which is not an IAM condition operator (IAM rejects the trust policy)`,
        `${suggestion ? `use ${quote(suggestion)}, or ` : ''}use one of ${CONDITION_OPERATORS.join(', ')}, optionally prefixed by ForAnyValue: or ForAllValues: and suffixed by IfExists (Null excepted)`);
    }
    if (Tokenization.isResolvable(block)) continue;
    if (typeof block !== 'object' || block === null || Array.isArray(block)) {
      throw problem('InvalidTrustCondition',
        `the trustConditions of ${owner} give ${quote(operator)} the value ${quote(block)}, not an object of condition keys`,
        `give each operator an object of condition key → value(s), e.g. ${example}`);
    }
  }
}

/** IAM's condition operators (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html). */
const CONDITION_OPERATORS = [
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
];

function isConditionOperator(operator: string): boolean {
  const match = /^(ForAnyValue:|ForAllValues:)?(.*?)(IfExists)?$/.exec(operator)!;
  const base = match[2];
  return CONDITION_OPERATORS.includes(base) && !(base === 'Null' && match[3] !== undefined);
}

/** The operator meant by a miscased or slightly misspelt one (`stringequals`, `StringEqual`), if any. */
function suggestOperator(operator: string): string | undefined {
  const match = /^(ForAnyValue:|ForAllValues:)?(.*?)(IfExists)?$/i.exec(operator)!;
  const base = match[2].toLowerCase();
  const found = CONDITION_OPERATORS.find(known => known.toLowerCase() === base || known.toLowerCase() === `${base}s`);
  if (!found) return undefined;
  const prefix = match[1] ? (/^forany/i.test(match[1]) ? 'ForAnyValue:' : 'ForAllValues:') : '';
  // (Null has no IfExists form)
  return `${prefix}${found}${match[3] && found !== 'Null' ? 'IfExists' : ''}`;
}

/** The trust statement of a scoped role for one association: pods.eks, with that association's session tags. */
export function scopedTrustStatement(owner: string, association: RegisteredAssociation, hardening: Conditions | undefined): iam.PolicyStatement {
  return new iam.PolicyStatement({
    principals: [POD_IDENTITY_PRINCIPAL],
    actions: ['sts:AssumeRole', 'sts:TagSession'],
    conditions: mergeConditions(owner, hardening, { StringEquals: sessionTagConditions(association) }),
  });
}

/**
 * The statement of a target role's trust for one association, after the EKS user guide's templates: the account
 * of the association role, narrowed to that role (`aws:PrincipalArn`); with session tags, the transitive tags of
 * the association (`sts:TagSession` needed); without, the association's `sts:ExternalId` (and no `sts:TagSession`).
 */
export function targetTrustStatement(owner: string, association: RegisteredAssociation, extra: Conditions | undefined): iam.PolicyStatement {
  const tags = !association.disableSessionTags;
  return new iam.PolicyStatement({
    principals: [new iam.AccountPrincipal(association.role.env.account)],
    actions: tags ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole'],
    conditions: mergeConditions(owner, extra, {
      ArnEquals: { 'aws:PrincipalArn': association.role.roleArn },
      StringEquals: tags ? sessionTagConditions(association) : { 'sts:ExternalId': externalIdOf(association) },
    }),
  });
}

function sessionTagConditions(association: RegisteredAssociation): Record<string, string> {
  return {
    [requestTag(CLUSTER_ARN_TAG)]: clusterArnOf(association.cluster),
    [requestTag(NAMESPACE_TAG)]: association.namespace,
    [requestTag(SERVICE_ACCOUNT_TAG)]: association.serviceAccount,
  };
}
