// Who may assume a role: its trust policy in one line (the trust scope), and the findings about it (not trusted by
// Pod Identity, trusted beyond it, not pinned to one cluster, namespace and service account, or excluding them).
import { covers, listOf } from './effective';
import { FindingId, FindingSeverity, ReportFinding, ReportRole } from './model';
import { statementsOf } from './policy-documents';
import { Json, isObject, mayNotApply } from './template';
import {
  CLUSTER_ARN_TAG, CLUSTER_NAME_TAG, NAMESPACE_TAG, POD_IDENTITY_SERVICE_PRINCIPAL as POD_IDENTITY_PRINCIPAL, requestTag, SERVICE_ACCOUNT_TAG,
} from '../private/eks-facts';

interface Principal {
  readonly type: string;
  readonly value: string;
}

function principalsOf(statement: Json): Principal[] {
  const principal = statement.Principal;
  if (principal === '*') return [{ type: 'AWS', value: '*' }];
  // Another string is a CloudFormation value the report cannot resolve (a `Ref` to a parameter, say): anyone, maybe.
  if (typeof principal === 'string') return [{ type: 'unresolved', value: principal }];
  if (!isObject(principal)) return [];
  return Object.entries(principal).flatMap(([type, values]) => listOf(values).map(value => ({ type, value })));
}

function isPodIdentity(principal: Principal): boolean {
  return principal.type === 'Service' && principal.value === POD_IDENTITY_PRINCIPAL;
}

/** One test of a Condition block: operator, (lower-cased) key and values. */
interface ConditionTest {
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

function conditionTests(statement: Json): ConditionTest[] {
  if (!isObject(statement.Condition)) return [];
  return Object.entries(statement.Condition).flatMap(([operator, tests]) => (isObject(tests)
    ? Object.entries(tests).map(([key, values]) => ({ operator, key: key.toLowerCase(), values: listOf(values) }))
    : []));
}

/** Operators that, with literal values (no wildcard for those that match wildcards), admit exactly those values. */
const PIN_OPERATORS = ['StringEquals', 'StringLike', 'ArnEquals', 'ArnLike'];
/** Operators whose values may hold wildcards (`*`, `?`): ArnEquals matches them as ArnLike does. */
const WILDCARD_OPERATORS = ['StringLike', 'ArnEquals', 'ArnLike'];
/**
 * An IAM policy variable (`${aws:PrincipalTag/team}`, `${accounts.google.com:sub}`: a lower-case prefix): its value
 * differs per request. The
 * report's placeholders of CloudFormation values (`${AWS::Partition}`, `${Import:name}`) are fixed values.
 */
const POLICY_VARIABLE = /\$\{[a-z][a-z0-9./-]*:[^:]/;

/** Whether a condition test admits exactly its values: an exact operator (no IfExists, no set operator), literal values. */
function isPin(test: ConditionTest): boolean {
  if (!PIN_OPERATORS.includes(test.operator) || test.values.length === 0) return false;
  const wildcards = WILDCARD_OPERATORS.includes(test.operator);
  return test.values.every(value => !POLICY_VARIABLE.test(value) && !(wildcards && /[*?]/.test(value)));
}

const SCOPES: Array<[string, string[]]> = [
  ['cluster', [requestTag(CLUSTER_NAME_TAG), requestTag(CLUSTER_ARN_TAG), 'aws:SourceArn']],
  ['account', ['aws:SourceAccount']],
  ['namespace', [requestTag(NAMESPACE_TAG)]],
  ['service account', [requestTag(SERVICE_ACCOUNT_TAG)]],
];
/** What a trust must pin for the role to go to one (cluster, namespace, service account) only. */
const PINNED_SCOPES = ['cluster', 'namespace', 'service account'];

/** The scope of one statement in one dimension: `carts` (pinned), `StringLike car*`, or undefined (no condition). */
function scopeOf(statement: Json, keys: string[]): { pinned: boolean; text: string } | undefined {
  const tests = conditionTests(statement).filter(test => keys.some(key => key.toLowerCase() === test.key));
  if (tests.length === 0) return undefined;
  const pins = tests.filter(isPin);
  if (pins.length > 0) return { pinned: true, text: pins.flatMap(test => test.values).join(' or ') };
  return { pinned: false, text: tests.map(test => `${test.operator} ${test.values.join(' or ')}`).join(' and ') };
}

function allowStatements(document: Json): Json[] {
  return statementsOf(document).filter(statement => statement.Effect === 'Allow');
}

/**
 * Whether a trust statement lets its principals call `action` (an sts action). An action the report cannot resolve
 * (`${Param}`) may be any one.
 */
function grants(statement: Json, action: string): boolean {
  if (statement.NotAction !== undefined) return !listOf(statement.NotAction).some(pattern => covers(pattern, action, true));
  return listOf(statement.Action).some(pattern => covers(pattern, action, true) || pattern.includes('${'));
}

/** Whether a trust statement lets its principals call sts:AssumeRole (TagSession alone assumes nothing). */
function grantsAssumeRole(statement: Json): boolean {
  return grants(statement, 'sts:AssumeRole');
}

/** The actions that assume a role: pods.eks.amazonaws.com uses the first, an OIDC (IRSA) or SAML provider the others. */
const ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'];

/**
 * The Denies of a trust policy that apply for sure: unconditional, and not from a branch of an `Fn::If` (any other
 * Deny may not apply, so it is left out and the role may look more open than it is, never less).
 */
function certainDenies(trustPolicy: Json): Json[] {
  return statementsOf(trustPolicy).filter(statement => statement.Effect === 'Deny' && statement.Condition === undefined && !mayNotApply(statement));
}

/**
 * Whether a Deny names `principal`: as it is, or as anyone (`"*"`). `{ AWS: "*" }` names every AWS principal, but no
 * service or federated one, so not anyone either.
 */
function names(deny: Json, principal: Principal): boolean {
  if (deny.Principal === '*') return true;
  return principal.value !== '*' && principalsOf(deny).some(named => named.type === principal.type
    && (named.value === principal.value || (named.type === 'AWS' && named.value === '*')));
}

/**
 * Whether a certain Deny stops `principal` calling `action`: it names the principal and the action (a NotAction with a
 * value the report cannot resolve may leave it out). NotPrincipal is not read: it denies nobody here.
 */
function denied(denies: Json[], principal: Principal, action: string): boolean {
  return denies.some(deny => names(deny, principal)
    && (deny.NotAction !== undefined
      ? !listOf(deny.NotAction).some(pattern => covers(pattern, action, true) || pattern.includes('${'))
      : listOf(deny.Action).some(pattern => covers(pattern, action, true))));
}

/**
 * The principals other than pods.eks.amazonaws.com a statement lets assume the role: each with an action it can call
 * (an account, role or service sts:AssumeRole; an OIDC or SAML provider the other two; anyone or an unknown type any)
 * that no certain Deny of the trust stops.
 */
function otherAssumers(statement: Json, denies: Json[]): Principal[] {
  return principalsOf(statement).filter(principal => !isPodIdentity(principal)).filter(principal => {
    const known = principal.value !== '*' && ['AWS', 'Service', 'Federated'].includes(principal.type);
    const actions = !known ? ASSUME_ACTIONS : principal.type === 'Federated' ? ASSUME_ACTIONS.slice(1) : ['sts:AssumeRole'];
    return actions.some(action => grants(statement, action) && !denied(denies, principal, action));
  });
}

/** The Allow statements of a trust policy that let pods.eks.amazonaws.com assume the role (no certain Deny stops it). */
function podStatementsOf(trustPolicy: Json): Json[] {
  if (denied(certainDenies(trustPolicy), { type: 'Service', value: POD_IDENTITY_PRINCIPAL }, 'sts:AssumeRole')) return [];
  return allowStatements(trustPolicy).filter(statement => grantsAssumeRole(statement) && principalsOf(statement).some(isPodIdentity));
}

/** Who may assume the role, in one line. */
export function trustScope(trustPolicy: Json): string {
  const parts: string[] = [];
  const denies = certainDenies(trustPolicy);
  const podStatements = podStatementsOf(trustPolicy);
  for (const statement of allowStatements(trustPolicy)) {
    if (podStatements.includes(statement)) {
      const scopes = SCOPES.flatMap(([what, keys]) => {
        const scope = scopeOf(statement, keys);
        return scope ? [`${what} ${scope.text}`] : [];
      });
      parts.push(`${POD_IDENTITY_PRINCIPAL} (${scopes.length > 0 ? scopes.join('; ') : 'any association in the account'})`);
    }
    for (const principal of otherAssumers(statement, denies)) {
      parts.push(principal.value === '*' ? 'anyone (*)' : `${principal.type} ${principal.value}`);
    }
  }
  return parts.length > 0 ? [...new Set(parts)].join(', ') : 'nobody (no Allow statement, or a Deny stops each)';
}

export function trustFindings(role: ReportRole): ReportFinding[] {
  if (!role.inAssembly) return [];
  const findings: ReportFinding[] = [];
  const statements = allowStatements(role.trustPolicy);
  const podStatements = podStatementsOf(role.trustPolicy);
  if (podStatements.length === 0) {
    findings.push({
      id: FindingId.NOT_TRUSTED_BY_POD_IDENTITY,
      severity: FindingSeverity.ERROR,
      message: `role ${role.arn} does not let ${POD_IDENTITY_PRINCIPAL} call sts:AssumeRole: EKS cannot assume it for the pods`,
    });
  }
  for (const statement of podStatements) {
    const loose = SCOPES.filter(([what]) => PINNED_SCOPES.includes(what)).flatMap(([what, keys]) => {
      const scope = scopeOf(statement, keys);
      return scope?.pinned ? [] : [`${what} ${scope ? scope.text : 'not conditioned'}`];
    });
    if (loose.length > 0) {
      findings.push({
        id: FindingId.UNSCOPED_TRUST,
        severity: FindingSeverity.WARNING,
        message: `role ${role.arn} trusts ${POD_IDENTITY_PRINCIPAL} without pinning one exact cluster, namespace and service account (${loose.join('; ')}): other associations in the account can give its credentials to other pods`,
      });
    }
  }
  const denies = certainDenies(role.trustPolicy);
  for (const statement of statements) {
    for (const principal of otherAssumers(statement, denies)) {
      findings.push({
        id: FindingId.TRUSTED_BEYOND_POD_IDENTITY,
        severity: principal.value === '*' ? FindingSeverity.ERROR : FindingSeverity.WARNING,
        message: `role ${role.arn} can also be assumed by ${principal.type} ${principal.value}, not only by pods`,
      });
    }
  }
  return findings;
}

/**
 * An error when no statement of the trust admits the association's namespace or service account: every statement
 * pins other literal values (tag values compare case-sensitively: `Carts` is not `carts`). Pods never get credentials.
 */
export function admitsFindings(role: ReportRole, values: Record<string, string>): ReportFinding[] {
  if (!role.inAssembly) return [];
  const statements = podStatementsOf(role.trustPolicy);
  if (statements.length === 0) return [];
  const findings: ReportFinding[] = [];
  for (const [what, value] of Object.entries(values)) {
    if (value.includes('${')) continue;
    const keys = SCOPES.find(([name]) => name === what)![1];
    const excluding = statements.map(statement => conditionTests(statement)
      .filter(test => keys.some(key => key.toLowerCase() === test.key) && isPin(test) && test.values.every(v => !v.includes('${')))
      .find(test => !test.values.some(pattern => test.operator.endsWith('Like') ? covers(pattern, value, false) : pattern === value)));
    if (excluding.every(test => test !== undefined)) {
      findings.push({
        id: FindingId.NOT_TRUSTED_BY_POD_IDENTITY,
        severity: FindingSeverity.ERROR,
        message: `role ${role.arn} trusts ${what} ${[...new Set(excluding.flatMap(test => test!.values))].join(' or ')} only, not ${value} (tag values are case-sensitive): EKS cannot assume it for these pods`,
      });
    }
  }
  return findings;
}
