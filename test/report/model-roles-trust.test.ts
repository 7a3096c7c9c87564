// The report's model, roles and trust, unit by unit: severities and kinds; which role (or managed policy) an ARN
// names and the policies read with it; what each finding is about; who may assume a role and the trust findings.
// Templates are built in memory (no app, no synth): each row is the smallest input that shows one behaviour.
import { CloudAssembly } from '../../lib/report/assembly';
import { FindingId, FindingSeverity, PolicyKind, ReportFinding, ReportRole } from '../../lib/report/model';
import { renderedDocument } from '../../lib/report/policy-documents';
import { AssemblyRoles } from '../../lib/report/roles';
import { Json, Template } from '../../lib/report/template';
import { admitsFindings, trustFindings, trustScope } from '../../lib/report/trust';

const POD = 'pods.eks.amazonaws.com';
const CLUSTER = 'aws:RequestTag/eks-cluster-name';
const CLUSTER_ARN = 'aws:RequestTag/eks-cluster-arn';
const NS = 'aws:RequestTag/kubernetes-namespace';
const SA = 'aws:RequestTag/kubernetes-service-account';
const PINNED = { [CLUSTER]: 'c', [NS]: 'carts', [SA]: 'carts' };
const ROLE_ARN = 'arn:aws:iam::111111111111:role/r';

describe('model', () => {
  test.each<[string, FindingSeverity, number]>([
    ['warning', FindingSeverity.WARNING, 1],
    ['error', FindingSeverity.ERROR, 2],
  ])('FindingSeverity.of(%s)', (name, severity, rank) => {
    expect(FindingSeverity.of(name)).toBe(severity);
    expect({ name: severity.name, rank: severity.rank }).toEqual({ name, rank });
  });

  test.each(['fatal', 'Error', ''])('FindingSeverity.of(%j) names the unknown severity and the known ones', name => {
    expect(() => FindingSeverity.of(name)).toThrow(new Error(
      `[cdk-eks-pod-identity:UnknownFindingSeverity] unknown finding severity: '${name}'. Fix: use 'warning' or 'error'.`));
  });

  test.each<[FindingSeverity, FindingSeverity, boolean]>([
    [FindingSeverity.WARNING, FindingSeverity.WARNING, true],
    [FindingSeverity.WARNING, FindingSeverity.ERROR, false],
    [FindingSeverity.ERROR, FindingSeverity.WARNING, true],
    [FindingSeverity.ERROR, FindingSeverity.ERROR, true],
  ])('%o atLeast %o: %s', (severity, other, expected) => {
    expect(severity.atLeast(other)).toBe(expected);
  });

  test('the names of the policy kinds and the finding ids (public: JSON output, --fail-on, acknowledgements)', () => {
    expect([PolicyKind.INLINE, PolicyKind.ATTACHED, PolicyKind.CUSTOMER_MANAGED, PolicyKind.AWS_MANAGED].map(kind => kind.name))
      .toEqual(['inline', 'attached', 'customer-managed', 'aws-managed']);
    expect([FindingId.WILDCARD_ACTION, FindingId.WILDCARD_RESOURCE_ON_WRITE, FindingId.UNSCOPED_TRUST, FindingId.TRUSTED_BEYOND_POD_IDENTITY,
      FindingId.NOT_TRUSTED_BY_POD_IDENTITY, FindingId.ROLE_NOT_IN_ASSEMBLY, FindingId.POLICY_NOT_IN_ASSEMBLY]).toEqual([
      'WildcardAction', 'WildcardResourceOnWrite', 'UnscopedTrust', 'TrustedBeyondPodIdentity', 'NotTrustedByPodIdentity',
      'RoleNotInAssembly', 'PolicyNotInAssembly',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Trust

function podStatement(condition?: Json, extra: Json = {}): Json {
  return { Effect: 'Allow', Principal: { Service: POD }, Action: ['sts:AssumeRole', 'sts:TagSession'], ...condition ? { Condition: condition } : {}, ...extra };
}

function trustDoc(...statements: Json[]): Json {
  return { Version: '2012-10-17', Statement: statements };
}

function roleWithTrust(trustPolicy: Json): ReportRole {
  return { arn: ROLE_ARN, inAssembly: true, trustPolicy, trustScope: '', policies: [], effectivePermissions: [] };
}

const NOT_IN_ASSEMBLY: ReportRole = {
  arn: ROLE_ARN, inAssembly: false, trustScope: 'unknown (role not in the cloud assembly)', policies: [], effectivePermissions: [],
};

/** `id severity message` of each finding. */
const described = (findings: ReportFinding[]) => findings.map(f => `${f.id} ${f.severity.name} ${f.message}`);

const unscoped = (loose: string) => `UnscopedTrust warning role ${ROLE_ARN} trusts ${POD} without pinning one exact cluster, namespace and service account (${loose}): other associations in the account can give its credentials to other pods`;
const NOT_TRUSTED = `NotTrustedByPodIdentity error role ${ROLE_ARN} does not let ${POD} call sts:AssumeRole: EKS cannot assume it for the pods`;
const beyond = (severity: string, principal: string) => `TrustedBeyondPodIdentity ${severity} role ${ROLE_ARN} can also be assumed by ${principal}, not only by pods`;

describe('trustScope: who may assume the role, in one line', () => {
  test.each<[string, Json, string]>([
    ['no condition', trustDoc(podStatement()), `${POD} (any association in the account)`],
    ['cluster, namespace and service account pinned', trustDoc(podStatement({ StringEquals: PINNED })), `${POD} (cluster c; namespace carts; service account carts)`],
    ['the cluster by ARN tag and aws:SourceArn, and the account (in the order cluster, account, namespace, service account)',
      trustDoc(podStatement({ StringEquals: { [SA]: 'carts', 'aws:SourceAccount': '111111111111' }, ArnEquals: { 'aws:SourceArn': 'arn:aws:eks:us-east-1:111111111111:cluster/c' }, StringLike: { [CLUSTER_ARN]: 'arn:aws:eks:us-east-1:111111111111:cluster/c' } })),
      `${POD} (cluster arn:aws:eks:us-east-1:111111111111:cluster/c or arn:aws:eks:us-east-1:111111111111:cluster/c; account 111111111111; service account carts)`],
    ['ArnLike without a wildcard pins; with one it does not',
      trustDoc(podStatement({ ArnLike: { 'aws:SourceArn': 'arn:aws:eks:us-east-1:111111111111:cluster/c' } }), podStatement({ ArnLike: { 'aws:SourceArn': 'arn:aws:eks:*:111111111111:cluster/c' } })),
      `${POD} (cluster arn:aws:eks:us-east-1:111111111111:cluster/c), ${POD} (cluster ArnLike arn:aws:eks:*:111111111111:cluster/c)`],
    ['ArnEquals matches wildcards as ArnLike does: with one it does not pin',
      trustDoc(podStatement({ ArnEquals: { 'aws:SourceArn': 'arn:aws:eks:us-east-1:111111111111:cluster/*' } }), podStatement({ ArnEquals: { 'aws:SourceArn': 'arn:aws:eks:us-east-1:111111111111:cluster/c?' } })),
      `${POD} (cluster ArnEquals arn:aws:eks:us-east-1:111111111111:cluster/*), ${POD} (cluster ArnEquals arn:aws:eks:us-east-1:111111111111:cluster/c?)`],
    ['StringLike with ? does not pin', trustDoc(podStatement({ StringLike: { [NS]: 'cart?' } })), `${POD} (namespace StringLike cart?)`],
    ['several values pinned', trustDoc(podStatement({ StringEquals: { [NS]: ['carts', 'orders'] } })), `${POD} (namespace carts or orders)`],
    ['several tests that do not pin, and several values', trustDoc(podStatement({ StringLike: { [NS]: ['car*', 'ord*'] }, StringNotEquals: { [NS]: 'cartsx' } })),
      `${POD} (namespace StringLike car* or ord* and StringNotEquals cartsx)`],
    ['a pin among tests that do not pin shows the pin only', trustDoc(podStatement({ StringLike: { [NS]: 'car*' }, StringEquals: { [NS]: 'carts' } })), `${POD} (namespace carts)`],
    ['no value at all is not a pin', trustDoc(podStatement({ StringEquals: { [NS]: [] } })), `${POD} (namespace StringEquals )`],
    ['an asterisk with StringEquals is a literal: a pin', trustDoc(podStatement({ StringEquals: { [NS]: 'car*' } })), `${POD} (namespace car*)`],
    ['a policy variable among the values is not a pin', trustDoc(podStatement({ StringEquals: { [NS]: ['carts', '${aws:PrincipalTag/team}'] } })),
      `${POD} (namespace StringEquals carts or \${aws:PrincipalTag/team})`],
    ['placeholders of CloudFormation values (an import, a pseudo parameter) are fixed values: pins',
      trustDoc(podStatement({ StringEquals: { [NS]: '${Import:shared-namespace}', 'aws:SourceAccount': '${AWS::AccountId}' } })),
      `${POD} (account \${AWS::AccountId}; namespace \${Import:shared-namespace})`],
    ['condition keys in any case', trustDoc(podStatement({ StringEquals: { 'AWS:REQUESTTAG/KUBERNETES-NAMESPACE': 'carts' } })), `${POD} (namespace carts)`],
    ['an operator whose tests are not an object has no test', trustDoc(podStatement({ StringEquals: null, StringLike: 'car*' })), `${POD} (any association in the account)`],
    ['Principal "*" is anyone', trustDoc({ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }), 'anyone (*)'],
    ['an AWS principal * is anyone; others by type and value, in order',
      trustDoc({ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::222222222222:root', '*'], Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      'AWS arn:aws:iam::222222222222:root, anyone (*), Service ec2.amazonaws.com'],
    ['one statement for pods and another principal', trustDoc(podStatement(undefined, { Principal: { Service: POD, AWS: 'arn:aws:iam::222222222222:role/ci' } })),
      `${POD} (any association in the account), AWS arn:aws:iam::222222222222:role/ci`],
    ['pods.eks.amazonaws.com as an AWS principal is not Pod Identity', trustDoc({ Effect: 'Allow', Principal: { AWS: POD }, Action: 'sts:AssumeRole' }), `AWS ${POD}`],
    ['Deny statements are not who may assume it', trustDoc({ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }), 'nobody (no Allow statement, or a Deny stops each)'],
    ['a statement without a principal', trustDoc({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'nobody (no Allow statement, or a Deny stops each)'],
    ['a TagSession-only statement assumes nothing', trustDoc(podStatement({ StringEquals: PINNED }, { Action: 'sts:AssumeRole' }), podStatement(undefined, { Action: 'sts:TagSession' })),
      `${POD} (cluster c; namespace carts; service account carts)`],
    ['actions compare case-insensitively, with wildcards', trustDoc(podStatement(undefined, { Action: 'STS:ASSUMEROLE' }), podStatement({ StringEquals: PINNED }, { Action: 'sts:Assume*' })),
      `${POD} (any association in the account), ${POD} (cluster c; namespace carts; service account carts)`],
    ['NotAction without sts:AssumeRole grants it', trustDoc(podStatement(undefined, { Action: undefined, NotAction: 'sts:TagSession' })), `${POD} (any association in the account)`],
    ['NotAction naming sts:AssumeRole (in any case, among others) does not grant it',
      trustDoc(podStatement(undefined, { Action: undefined, NotAction: ['sts:TagSession', 'STS:ASSUMEROLE'] }), podStatement(undefined, { Action: undefined, NotAction: 'sts:AssumeRole' })),
      'nobody (no Allow statement, or a Deny stops each)'],
    ['the same line twice is said once', trustDoc(podStatement(), podStatement()), `${POD} (any association in the account)`],
  ])('%s', (_name, trustPolicy, expected) => {
    expect(trustScope(trustPolicy)).toBe(expected);
  });
});

describe('trustFindings', () => {
  test.each<[string, Json, string[]]>([
    ['pinned: none', trustDoc(podStatement({ StringEquals: PINNED })), []],
    ['no Allow statement for pods: not trusted', trustDoc({ Effect: 'Allow', Principal: { Service: POD }, Action: 'sts:TagSession' }), [NOT_TRUSTED]],
    ['no cluster condition', trustDoc(podStatement({ StringEquals: { [NS]: 'carts', [SA]: 'carts', 'aws:SourceAccount': '111111111111' } })), [unscoped('cluster not conditioned')]],
    ['no namespace condition', trustDoc(podStatement({ StringEquals: { [CLUSTER]: 'c', [SA]: 'carts' } })), [unscoped('namespace not conditioned')]],
    ['no service account condition', trustDoc(podStatement({ StringEquals: { [CLUSTER]: 'c', [NS]: 'carts' } })), [unscoped('service account not conditioned')]],
    ['a cluster ARN with a wildcard (ArnEquals) is any cluster', trustDoc(podStatement({ StringEquals: { [NS]: 'carts', [SA]: 'carts' }, ArnEquals: { 'aws:SourceArn': 'arn:aws:eks:*:111111111111:cluster/*' } })),
      [unscoped('cluster ArnEquals arn:aws:eks:*:111111111111:cluster/*')]],
    ['every loose dimension, with how it is conditioned', trustDoc(podStatement({ StringEquals: { [CLUSTER]: 'c' }, StringLike: { [NS]: 'car*' } })),
      [unscoped('namespace StringLike car*; service account not conditioned')]],
    ['each pod statement on its own', trustDoc(podStatement({ StringEquals: PINNED }), podStatement({ StringEquals: { [CLUSTER]: 'c', [NS]: 'orders' } })),
      [unscoped('service account not conditioned')]],
    ['another principal: a warning; anyone: an error',
      trustDoc(podStatement({ StringEquals: PINNED }), { Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::222222222222:root', '*'] }, Action: 'sts:AssumeRole' }, { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }),
      [beyond('warning', 'AWS arn:aws:iam::222222222222:root'), beyond('error', 'AWS *'), beyond('error', 'AWS *')]],
    ['pods and another principal in one pinned statement', trustDoc(podStatement({ StringEquals: PINNED }, { Principal: { Service: POD, AWS: 'arn:aws:iam::222222222222:role/ci' } })),
      [beyond('warning', 'AWS arn:aws:iam::222222222222:role/ci')]],
    ['a Deny of every AWS principal ({ AWS: * }) is no Deny of a service', trustDoc(podStatement({ StringEquals: PINNED }), { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }), []],
    ['pods allowed by another principal type only: not trusted, and trusted beyond', trustDoc({ Effect: 'Allow', Principal: { AWS: POD }, Action: 'sts:AssumeRole' }),
      [NOT_TRUSTED, beyond('warning', `AWS ${POD}`)]],
    ['a pods statement that grants AssumeRole only through a mixed statement is found (some principal is pods)',
      trustDoc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'sts:AssumeRole' }, podStatement({ StringEquals: PINNED }, { Action: 'sts:TagSession' })),
      [NOT_TRUSTED, beyond('warning', 'AWS arn:aws:iam::222222222222:root')]],
  ])('%s', (_name, trustPolicy, expected) => {
    expect(described(trustFindings(roleWithTrust(trustPolicy)))).toEqual(expected);
  });

  test('a role not in the assembly: nothing is known about its trust', () => {
    expect(trustFindings(NOT_IN_ASSEMBLY)).toEqual([]);
  });
});

// A role migrating from IRSA trusts the cluster's OIDC provider (sts:AssumeRoleWithWebIdentity) beside Pod Identity:
// the provider may assume the role too. sts:TagSession alone assumes nothing, for any principal.
describe('who may assume the role besides pods: any action that assumes it (web identity, SAML), not TagSession alone', () => {
  const OIDC = 'arn:aws:iam::111111111111:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC';
  const irsa = { Effect: 'Allow', Principal: { Federated: OIDC }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/ABC:sub': 'system:serviceaccount:carts:carts' } } };
  const saml = { Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111111111111:saml-provider/corp' }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'] };
  const tagOnly = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:role/ci' }, Action: 'sts:TagSession' };

  test.each<[string, Json, string, string[]]>([
    ['the OIDC provider of a role migrating from IRSA', trustDoc(podStatement({ StringEquals: PINNED }), irsa),
      `${POD} (cluster c; namespace carts; service account carts), Federated ${OIDC}`, [beyond('warning', `Federated ${OIDC}`)]],
    ['a SAML provider', trustDoc(podStatement({ StringEquals: PINNED }), saml),
      `${POD} (cluster c; namespace carts; service account carts), Federated arn:aws:iam::111111111111:saml-provider/corp`,
      [beyond('warning', 'Federated arn:aws:iam::111111111111:saml-provider/corp')]],
    ['a principal allowed sts:TagSession only assumes nothing', trustDoc(podStatement({ StringEquals: PINNED }), tagOnly),
      `${POD} (cluster c; namespace carts; service account carts)`, []],
    ['pods cannot assume the role with a web identity', trustDoc({ ...irsa, Principal: { Service: POD, Federated: OIDC } }),
      `Federated ${OIDC}`, [NOT_TRUSTED, beyond('warning', `Federated ${OIDC}`)]],
  ])('%s', (_name, trustPolicy, scope, findings) => {
    expect(trustScope(trustPolicy)).toBe(scope);
    expect(described(trustFindings(roleWithTrust(trustPolicy)))).toEqual(findings);
  });
});

// A trust policy as the report reads it from a template (rendered, Fn::If taken apart), then summarised: a value the
// report cannot resolve, or a branch it does not know will be taken, is counted as one that may let others in.
describe('trust the report cannot resolve is read conservatively', () => {
  const ACCOUNT = 'arn:aws:iam::222222222222:root';
  const read = (trustPolicy: Json) => renderedDocument(assemblyOf(), trustPolicy, 'Trust', template('Shop', {}), new Map());
  const pinnedPods = podStatement({ StringEquals: PINNED });
  const PODS_PINNED = `${POD} (cluster c; namespace carts; service account carts)`;

  test.each<[string, Json, string, string[]]>([
    ['an Fn::If of whole principals: each branch', trustDoc(pinnedPods, { Effect: 'Allow', Principal: { 'Fn::If': ['C', { AWS: '*' }, { AWS: ACCOUNT }] }, Action: 'sts:AssumeRole' }),
      `${PODS_PINNED}, anyone (*), AWS ${ACCOUNT}`, [beyond('error', 'AWS *'), beyond('warning', `AWS ${ACCOUNT}`)]],
    ['an Fn::If among one type\'s principals: both branches', trustDoc(pinnedPods, { Effect: 'Allow', Principal: { AWS: { 'Fn::If': ['C', '*', ACCOUNT] } }, Action: 'sts:AssumeRole' }),
      `${PODS_PINNED}, anyone (*), AWS ${ACCOUNT}`, [beyond('error', 'AWS *'), beyond('warning', `AWS ${ACCOUNT}`)]],
    ['an Fn::If with AWS::NoValue for the principal: no principal, no other assumer',
      trustDoc(pinnedPods, { Effect: 'Allow', Principal: { 'Fn::If': ['C', { Ref: 'AWS::NoValue' }, { Ref: 'AWS::NoValue' }] }, Action: 'sts:AssumeRole' }),
      PODS_PINNED, []],
    ['a whole principal the report cannot resolve may be anyone', trustDoc(pinnedPods, { Effect: 'Allow', Principal: { Ref: 'Trusted' }, Action: 'sts:AssumeRole' }),
      `${PODS_PINNED}, unresolved \${Trusted}`, [beyond('warning', 'unresolved ${Trusted}')]],
    ['an action the report cannot resolve may assume the role', trustDoc(pinnedPods, { Effect: 'Allow', Principal: '*', Action: { Ref: 'AssumeAction' } }),
      `${PODS_PINNED}, anyone (*)`, [beyond('error', 'AWS *')]],
    ['an account cannot assume the role with a web identity (only a federated provider can)',
      trustDoc(pinnedPods, { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRoleWithWebIdentity' }), PODS_PINNED, []],
    ['anyone (*) may use any way to assume the role: a web identity too',
      trustDoc(pinnedPods, { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRoleWithWebIdentity' }), `${PODS_PINNED}, anyone (*)`, [beyond('error', 'AWS *')]],
    ['a service cannot assume the role with a web identity', trustDoc(pinnedPods, { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }),
      PODS_PINNED, []],
    ['a Deny in one branch of an Fn::If may not apply', trustDoc(pinnedPods, { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' },
      { 'Fn::If': ['Locked', { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }, { Ref: 'AWS::NoValue' }] }),
    `${PODS_PINNED}, AWS ${ACCOUNT}`, [beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a Deny whose principal is an Fn::If may not apply', trustDoc(pinnedPods, { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' },
      { Effect: 'Deny', Principal: { AWS: { 'Fn::If': ['C', ACCOUNT, 'arn:aws:iam::333333333333:root'] } }, Action: 'sts:AssumeRole' }),
    `${PODS_PINNED}, AWS ${ACCOUNT}`, [beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a Deny whose action is an Fn::If may not apply', trustDoc(pinnedPods, { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' },
      { Effect: 'Deny', Principal: { AWS: ACCOUNT }, Action: { 'Fn::If': ['C', 'sts:AssumeRole', 'sts:TagSession'] } }),
    `${PODS_PINNED}, AWS ${ACCOUNT}`, [beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a Deny with an Fn::If among its actions may not apply', trustDoc(pinnedPods, { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' },
      { Effect: 'Deny', Principal: { AWS: ACCOUNT }, Action: ['sts:AssumeRole', { 'Fn::If': ['C', 'sts:TagSession', { Ref: 'AWS::NoValue' }] }] }),
    `${PODS_PINNED}, AWS ${ACCOUNT}`, [beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a Statement list that is an Fn::If: a Deny of its branch may not apply', {
      Version: '2012-10-17',
      Statement: {
        'Fn::If': ['C',
          [pinnedPods, { Effect: 'Deny', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }], [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }]],
      },
    },
    `${PODS_PINNED}, AWS ${ACCOUNT}`, [beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a trust that is an Fn::If: one branch\'s Deny does not stop the other branch\'s principal', {
      'Fn::If': ['C',
        trustDoc(pinnedPods, { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }), trustDoc(pinnedPods, { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' })],
    },
    `${PODS_PINNED}, AWS ${ACCOUNT}`, [beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a Deny written once, without Fn::If, beside one in a branch: certain', trustDoc(pinnedPods, { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' },
      { Effect: 'Deny', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }, { 'Fn::If': ['C', { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }, { Ref: 'AWS::NoValue' }] }),
    PODS_PINNED, []],
    ['a federated provider cannot call sts:AssumeRole', trustDoc(pinnedPods, { Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111111111111:saml-provider/corp' }, Action: 'sts:AssumeRole' }),
      PODS_PINNED, []],
  ])('%s', (_name, trustPolicy, scope, findings) => {
    const rendered = read(trustPolicy);
    expect(trustScope(rendered)).toBe(scope);
    expect(described(trustFindings(roleWithTrust(rendered)))).toEqual(findings);
  });

  test('an OIDC policy variable (dotted prefix) is not a pinned value', () => {
    const trustPolicy = trustDoc(podStatement({ StringEquals: { ...PINNED, [NS]: '${accounts.google.com:sub}' } }));
    expect(described(trustFindings(roleWithTrust(trustPolicy)))).toEqual([unscoped('namespace StringEquals ${accounts.google.com:sub}')]);
  });
});

// An unconditional Deny applies for sure: whoever it names (or anyone, `*`) cannot call the actions it covers. A Deny
// with a Condition, NotPrincipal, or a value the report cannot resolve may not apply: the role may look more open
// than it is, never less.
describe('a Deny in the trust: a certain one stops whom it names, any other is not counted on', () => {
  const ACCOUNT = 'arn:aws:iam::222222222222:root';
  const OIDC = 'arn:aws:iam::111111111111:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC';
  const pinnedPods = podStatement({ StringEquals: PINNED });
  const PODS_PINNED = `${POD} (cluster c; namespace carts; service account carts)`;
  const account = { Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' };
  const deny = (extra: Json) => ({ Effect: 'Deny', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole', ...extra });

  test.each<[string, Json, string, string[]]>([
    ['a Deny of the account stops it', trustDoc(pinnedPods, account, deny({})), PODS_PINNED, []],
    ['a Deny of sts:* for the account stops it', trustDoc(pinnedPods, account, deny({ Action: 'sts:*' })), PODS_PINNED, []],
    ['a Deny of the account but sts:TagSession (NotAction) stops it', trustDoc(pinnedPods, account, deny({ Action: undefined, NotAction: 'sts:TagSession' })),
      PODS_PINNED, []],
    ['a Deny of several actions, in any case, one of them sts:AssumeRole, stops it', trustDoc(pinnedPods, account, deny({ Action: ['s3:GetObject', 'STS:AssumeRole'] })),
      PODS_PINNED, []],
    ['a Deny of all but sts:AssumeRole (in any case) and another does not stop it',
      trustDoc(pinnedPods, account, deny({ Action: undefined, NotAction: ['sts:TagSession', 'sts:assumerole'] })), `${PODS_PINNED}, AWS ${ACCOUNT}`, [beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a Deny of { Service: * } is no Deny of anyone (only an AWS principal * is anyone)', trustDoc(pinnedPods, account, deny({ Principal: { Service: '*' } })),
      `${PODS_PINNED}, AWS ${ACCOUNT}`, [beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a Deny of anyone (*) stops pods too', trustDoc(pinnedPods, account, deny({ Principal: '*' })),
      'nobody (no Allow statement, or a Deny stops each)', [NOT_TRUSTED]],
    ['a Deny of every AWS principal ({ AWS: * }) stops an account, not a service', trustDoc(pinnedPods, account, deny({ Principal: { AWS: '*' } })), PODS_PINNED, []],
    ['a Deny of every AWS principal ({ AWS: * }) does not stop an OIDC provider', trustDoc(pinnedPods,
      { Effect: 'Allow', Principal: { Federated: OIDC }, Action: 'sts:AssumeRoleWithWebIdentity' }, deny({ Principal: { AWS: '*' }, Action: '*' })),
    `${PODS_PINNED}, Federated ${OIDC}`, [beyond('warning', `Federated ${OIDC}`)]],
    ['a Deny of every AWS principal ({ AWS: * }) does not stop anyone (*)', trustDoc(pinnedPods, { ...account, Principal: '*' }, deny({ Principal: { AWS: '*' } })),
      `${PODS_PINNED}, anyone (*)`, [beyond('error', 'AWS *')]],
    ['a Deny of anyone (*) stops anyone (*)', trustDoc({ ...account, Principal: '*' }, deny({ Principal: '*' })),
      'nobody (no Allow statement, or a Deny stops each)', [NOT_TRUSTED]],
    ['a Deny of pods.eks.amazonaws.com: pods cannot assume the role, the account can',
      trustDoc(pinnedPods, account, deny({ Principal: { Service: POD } })), `AWS ${ACCOUNT}`, [NOT_TRUSTED, beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a conditional Deny may not apply', trustDoc(pinnedPods, account, deny({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } })),
      `${PODS_PINNED}, AWS ${ACCOUNT}`, [beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a Deny of another account', trustDoc(pinnedPods, account, deny({ Principal: { AWS: 'arn:aws:iam::333333333333:root' } })),
      `${PODS_PINNED}, AWS ${ACCOUNT}`, [beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a Deny of the same value as another principal type', trustDoc(pinnedPods, account, deny({ Principal: { Federated: ACCOUNT } })),
      `${PODS_PINNED}, AWS ${ACCOUNT}`, [beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a Deny of sts:TagSession only', trustDoc(pinnedPods, account, deny({ Action: 'sts:TagSession' })),
      `${PODS_PINNED}, AWS ${ACCOUNT}`, [beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a Deny of all but an action the report cannot resolve (it may be sts:AssumeRole)',
      trustDoc(pinnedPods, account, deny({ Action: undefined, NotAction: '${KeptAction}' })), `${PODS_PINNED}, AWS ${ACCOUNT}`, [beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a Deny with NotPrincipal is not read', trustDoc(pinnedPods, account, deny({ Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::333333333333:root' } })),
      `${PODS_PINNED}, AWS ${ACCOUNT}`, [beyond('warning', `AWS ${ACCOUNT}`)]],
    ['a Deny of web identity stops an OIDC provider',
      trustDoc(pinnedPods, { Effect: 'Allow', Principal: { Federated: OIDC }, Action: 'sts:AssumeRoleWithWebIdentity' },
        { Effect: 'Deny', Principal: { Federated: OIDC }, Action: 'sts:AssumeRoleWithWebIdentity' }), PODS_PINNED, []],
    ['a Deny of web identity leaves a provider allowed SAML too',
      trustDoc(pinnedPods, { Effect: 'Allow', Principal: { Federated: OIDC }, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'] },
        { Effect: 'Deny', Principal: { Federated: OIDC }, Action: 'sts:AssumeRoleWithWebIdentity' }), `${PODS_PINNED}, Federated ${OIDC}`, [beyond('warning', `Federated ${OIDC}`)]],
  ])('%s', (_name, trustPolicy, scope, findings) => {
    const defined = JSON.parse(JSON.stringify(trustPolicy));
    expect(trustScope(defined)).toBe(scope);
    expect(described(trustFindings(roleWithTrust(defined)))).toEqual(findings);
  });

  test('pods a certain Deny stops: no finding about the values their trust admits (NotTrustedByPodIdentity says it)', () => {
    const trustPolicy = trustDoc(podStatement({ StringEquals: { ...PINNED, [NS]: 'orders' } }), deny({ Principal: { Service: POD } }));
    expect(described(admitsFindings(roleWithTrust(trustPolicy), { namespace: 'carts' }))).toEqual([]);
    expect(described(trustFindings(roleWithTrust(trustPolicy)))).toEqual([NOT_TRUSTED]);
  });
});

describe('admitsFindings: a trust that pins other namespaces or service accounts', () => {
  const excluded = (what: string, trusted: string, value: string) =>
    `NotTrustedByPodIdentity error role ${ROLE_ARN} trusts ${what} ${trusted} only, not ${value} (tag values are case-sensitive): EKS cannot assume it for these pods`;

  test.each<[string, Json, Record<string, string>, string[]]>([
    ['the pinned values: admitted', trustDoc(podStatement({ StringEquals: PINNED })), { 'namespace': 'carts', 'service account': 'carts' }, []],
    ['another namespace', trustDoc(podStatement({ StringEquals: PINNED })), { 'namespace': 'orders', 'service account': 'carts' }, [excluded('namespace', 'carts', 'orders')]],
    ['another service account, of a StringLike pin', trustDoc(podStatement({ StringLike: { [SA]: 'Carts' } })), { 'service account': 'carts' }, [excluded('service account', 'Carts', 'carts')]],
    ['a value that is a placeholder may be anything', trustDoc(podStatement({ StringEquals: PINNED })), { namespace: '${Namespace}' }, []],
    ['one of several pinned values', trustDoc(podStatement({ StringEquals: { [NS]: ['orders', 'carts'] } })), { namespace: 'carts' }, []],
    ['none of several pinned values, from several statements (each value once)',
      trustDoc(podStatement({ StringEquals: { [NS]: ['orders', 'Carts'] } }), podStatement({ StringEquals: { [NS]: 'orders' } })), { namespace: 'carts' },
      [excluded('namespace', 'orders or Carts', 'carts')]],
    ['an asterisk with StringEquals is a literal: it admits no other value', trustDoc(podStatement({ StringEquals: { [NS]: 'cart*' } })), { namespace: 'carts' },
      [excluded('namespace', 'cart*', 'carts')]],
    ['a test that does not pin excludes nothing', trustDoc(podStatement({ StringNotEquals: { [NS]: 'orders' }, StringEquals: { [NS]: [] } })), { namespace: 'carts' }, []],
    ['one statement admits it: admitted', trustDoc(podStatement({ StringEquals: { [NS]: 'orders' } }), podStatement({ StringEquals: { [NS]: 'carts' } })), { namespace: 'carts' }, []],
    ['a pin with a placeholder among its values may admit it', trustDoc(podStatement({ StringEquals: { [NS]: ['orders', '${Namespace}'] } })), { namespace: 'carts' }, []],
    ['only the tests of that dimension count', trustDoc(podStatement({ StringEquals: { [CLUSTER]: 'c', [NS]: 'carts' } })), { namespace: 'carts' }, []],
    ['the cluster, by any of its keys', trustDoc(podStatement({ ArnEquals: { 'aws:SourceArn': 'arn:aws:eks:us-east-1:111111111111:cluster/c' } })),
      { cluster: 'arn:aws:eks:us-east-1:111111111111:cluster/d' }, [excluded('cluster', 'arn:aws:eks:us-east-1:111111111111:cluster/c', 'arn:aws:eks:us-east-1:111111111111:cluster/d')]],
    ['no statement for pods: nothing to admit (trustFindings says so)', trustDoc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }), { namespace: 'carts' }, []],
  ])('%s', (_name, trustPolicy, values, expected) => {
    expect(described(admitsFindings(roleWithTrust(trustPolicy), values))).toEqual(expected);
  });

  test('a role not in the assembly: nothing is known', () => {
    expect(admitsFindings(NOT_IN_ASSEMBLY, { namespace: 'carts' })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Roles

const PINNED_TRUST = trustDoc(podStatement({ StringEquals: PINNED }));
const doc = (...statements: Json[]) => ({ Version: '2012-10-17', Statement: statements });
const READ = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });

function role(props: Json = {}): Json {
  return { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: PINNED_TRUST, ...props } };
}

function template(name: string, resources: Record<string, Json>, account?: string, assemblyDirectory = 'cdk.out'): Template {
  return { name, file: `${assemblyDirectory}/${name}.template.json`, account, assemblyDirectory, resources, outputs: {}, parameterValues: {}, nested: {}, paths: {} };
}

function assemblyOf(...templates: Template[]): CloudAssembly {
  const assembly = new (CloudAssembly as any)() as CloudAssembly;
  (assembly.templates as Template[]).push(...templates);
  return assembly;
}

/** The role `arn` names, seen from the first template; with the findings about it and the roles of the assembly. */
function lookup(arn: Json, ...templates: Template[]) {
  const roles = new AssemblyRoles(assemblyOf(...templates));
  const findings: ReportFinding[] = [];
  const found = roles.role(arn, templates[0], new Map(), findings, 'role');
  return { role: found, findings, roles };
}

/** Where the role an ARN names is (`Stack/LogicalId`), or the message of its RoleNotInAssembly finding. */
function whereIs(arn: Json, ...templates: Template[]): string {
  const { role: found, findings } = lookup(arn, ...templates);
  return found.inAssembly ? `${found.stack}/${found.logicalId}` : findings.map(f => f.message).join('; ');
}

const notDefined = (arn: string) => `the role ${arn} is not defined in this cloud assembly, so its trust and permissions are unknown`;
const joined = (...parts: Json[]) => ({ 'Fn::Join': ['', parts] });

describe('the role an ARN names', () => {
  const app = template('App', { Role: role({ RoleName: 'app-role' }), Table: { Type: 'AWS::DynamoDB::Table' } }, '111111111111');
  const target = template('Target', { Role: role({ RoleName: 'target-role' }) }, '222222222222');

  test.each<[string, Json, string]>([
    ['a literal ARN of the account', 'arn:aws:iam::111111111111:role/app-role', 'App/Role'],
    ['an ARN of the partition and account placeholders', joined('arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/app-role'), 'App/Role'],
    ['a role with a path', 'arn:aws:iam::111111111111:role/team/app-role', 'App/Role'],
    ['an account that is a parameter: any account', joined('arn:aws:iam::', { Ref: 'TargetAccount' }, ':role/target-role'), 'Target/Role'],
    ['an account field of 13 digits is no account', 'arn:aws:iam::1222222222222:role/target-role', 'Target/Role'],
    ['an account field with a letter is no account', 'arn:aws:iam::x222222222222:role/target-role', 'Target/Role'],
    ['another 12-digit account than the role\'s', 'arn:aws:iam::333333333333:role/target-role', notDefined('arn:aws:iam::333333333333:role/target-role')],
    ['a policy ARN of the name', 'arn:aws:iam::111111111111:policy/app-role', notDefined('arn:aws:iam::111111111111:policy/app-role')],
    ['text before the ARN', 'xarn:aws:iam::111111111111:role/app-role', notDefined('xarn:aws:iam::111111111111:role/app-role')],
    ['a name with a placeholder after it', joined('arn:aws:iam::111111111111:role/app-role', { Ref: 'Suffix' }), notDefined('arn:aws:iam::111111111111:role/app-role${Suffix}')],
    ['a name that no role has', 'arn:aws:iam::111111111111:role/other', notDefined('arn:aws:iam::111111111111:role/other')],
    ['not an IAM ARN', 'arn:aws:s3:::bucket', notDefined('arn:aws:s3:::bucket')],
    ['an attribute of a resource that is not a role', { 'Fn::GetAtt': ['Table', 'Arn'] }, notDefined('${Table.Arn}')],
    ['an attribute of the role', { 'Fn::GetAtt': ['Role', 'Arn'] }, 'App/Role'],
  ])('%s', (_name, arn, expected) => {
    expect(whereIs(arn, app, target)).toBe(expected);
  });

  test('${AWS::AccountId} is the account of the stack that names the role', () => {
    const shared = (name: string, account: string) => template(name, { Role: role({ RoleName: 'shared-role' }) }, account);
    const from = template('From', {}, '111111111111');
    const arn = joined('arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/shared-role');
    expect(whereIs(arn, from, shared('In222', '222222222222'), shared('In111', '111111111111'))).toBe('In111/Role');
  });

  test('a role of an environment-agnostic stack may be in any account', () => {
    expect(whereIs('arn:aws:iam::111111111111:role/agnostic-role', template('From', {}, '111111111111'), template('Agnostic', { Role: role({ RoleName: 'agnostic-role' }) })))
      .toBe('Agnostic/Role');
  });

  test('one name in two stacks of the account: the role of the stack that names it; from a third, which one is unknown', () => {
    const twin = (name: string) => template(name, { Role: role({ RoleName: 'twin-role' }) }, '111111111111');
    const [a, b] = [twin('A'), twin('B')];
    expect(whereIs('arn:aws:iam::111111111111:role/twin-role', b, a)).toBe('B/Role');
    expect(whereIs('arn:aws:iam::111111111111:role/twin-role', template('C', {}, '111111111111'), a, b)).toBe(
      'the role arn:aws:iam::111111111111:role/twin-role is not defined in this cloud assembly (a role of that name is defined in A, B, and which one it is cannot be told), so its trust and permissions are unknown');
  });

  test('one name in two stages: the role of the stage that names it', () => {
    const staged = (directory: string, name: string) => template(name, { Role: role({ RoleName: 'staged-role' }) }, undefined, directory);
    expect(whereIs('arn:aws:iam::111111111111:role/staged-role', template('Prod/From', {}, undefined, 'cdk.out/assembly-Prod'), staged('cdk.out/assembly-Dev', 'Dev/App'),
      staged('cdk.out/assembly-Prod', 'Prod/App'))).toBe('Prod/App/Role');
  });

  test('a role that is not in the assembly: what is unknown, and a RoleNotInAssembly warning naming what it is', () => {
    const roles = new AssemblyRoles(assemblyOf(app));
    const findings: ReportFinding[] = [];
    const missing = roles.role('arn:aws:iam::111111111111:role/gone', app, new Map(), findings, 'target role');
    expect(missing).toEqual({
      arn: 'arn:aws:iam::111111111111:role/gone',
      inAssembly: false,
      trustScope: 'unknown (role not in the cloud assembly)',
      policies: [],
      effectivePermissions: [],
      effectivePermissionsUnknown: 'the role is not in the cloud assembly',
    });
    expect(findings).toEqual([{
      id: 'RoleNotInAssembly',
      severity: FindingSeverity.WARNING,
      message: 'the target role arn:aws:iam::111111111111:role/gone is not defined in this cloud assembly, so its trust and permissions are unknown',
    }]);
    expect(roles.aboutOf(findings[0])).toEqual({ role: { role: missing, self: undefined }, subjects: [] });
  });

  test('a role of the assembly: its stack, logical id, trust and scope, and no boundary', () => {
    const { role: found, findings } = lookup({ 'Fn::GetAtt': ['Role', 'Arn'] }, app);
    expect(found).toEqual({
      arn: '${Role.Arn}',
      inAssembly: true,
      stack: 'App',
      logicalId: 'Role',
      trustPolicy: PINNED_TRUST,
      trustScope: `${POD} (cluster c; namespace carts; service account carts)`,
      policies: [],
      permissionsBoundary: undefined,
      effectivePermissions: [],
      effectivePermissionsUnknown: undefined,
    });
    expect(findings).toEqual([]);
  });
});

/** `kind name arn` of each policy of the role `Role` of the first template. */
function policiesOf(...templates: Template[]): string[] {
  return lookup({ 'Fn::GetAtt': ['Role', 'Arn'] }, ...templates).role.policies.map(p => `${p.kind.name} ${p.name} ${p.arn ?? '-'}`);
}

const policy = (name: Json, roles: Json, document: Json = READ) => ({ Type: 'AWS::IAM::Policy', Properties: { PolicyName: name, Roles: roles, PolicyDocument: document } });
const managed = (props: Json = {}) => ({ Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: READ, ...props } });

describe('the policies of a role', () => {
  test.each<[string, Record<string, Json>, string[]]>([
    ['inline, attached (Policy and RolePolicy, by Ref or name), customer and AWS managed, in that order', {
      Role: role({
        RoleName: 'app-role',
        Policies: [{ PolicyName: 'logs', PolicyDocument: READ }],
        ManagedPolicyArns: ['arn:aws:iam::aws:policy/job-function/ViewOnlyAccess', { Ref: 'Managed' }],
      }),
      Pol: policy('pol', [{ Ref: 'Role' }]),
      Rp: { Type: 'AWS::IAM::RolePolicy', Properties: { PolicyName: 'role-policy', RoleName: 'app-role', PolicyDocument: READ } },
      Managed: managed({ ManagedPolicyName: 'shared', Roles: [{ Ref: 'Role' }] }),
      Unnamed: managed({ Roles: ['app-role'] }),
    }, ['inline logs -', 'attached pol -', 'attached role-policy -', 'customer-managed shared ${Managed}', 'customer-managed Unnamed ${Unnamed}',
      'aws-managed job-function/ViewOnlyAccess arn:aws:iam::aws:policy/job-function/ViewOnlyAccess']],
    ['a policy naming the role twice (by Ref and by name) is attached once, beside another', {
      Role: role({ RoleName: 'app-role' }),
      A: policy('a', [{ Ref: 'Role' }]),
      B: policy('b', [{ Ref: 'Role' }, 'app-role']),
    }, ['attached a -', 'attached b -']],
    ['roles that are not roles of the assembly are skipped', {
      Role: role(),
      Pol: policy('pol', ['external-role', { Ref: 'Topic' }, { Ref: 'Role' }]),
      Opaque: policy('opaque', { Ref: 'RoleNames' }),
      Topic: { Type: 'AWS::SNS::Topic' },
      Profile: { Type: 'AWS::IAM::InstanceProfile', Properties: { Roles: [{ Ref: 'Role' }] } },
    }, ['attached pol -']],
    ['a policy name that is not a string: the logical id', { Role: role(), Pol: policy({ 'Fn::Sub': '${AWS::StackName}-pol' }, [{ Ref: 'Role' }]) }, ['attached Pol -']],
    ['each role its own policies', {
      Other: role({ Policies: [{ PolicyName: 'other-inline', PolicyDocument: READ }] }),
      Role: role(),
      OtherPol: policy('other', [{ Ref: 'Other' }]),
      Pol: policy('mine', [{ Ref: 'Role' }]),
    }, ['attached mine -']],
  ])('%s', (_name, resources, expected) => {
    expect(policiesOf(template('App', resources, '111111111111'))).toEqual(expected);
  });

  test('a policy of another stack of the account attaches by role name, beside one of the same logical id in the role\'s stack', () => {
    const app = template('App', { Role: role({ RoleName: 'app-role' }), Pol: policy('in-app', [{ Ref: 'Role' }]) }, '111111111111');
    const other = template('Other', { Pol: policy('in-other', ['app-role']) }, '111111111111');
    expect(policiesOf(app, other)).toEqual(['attached in-app -', 'attached in-other -']);
  });

  test('the documents, rendered', () => {
    const { role: found } = lookup({ 'Fn::GetAtt': ['Role', 'Arn'] }, template('App', {
      Role: role({ ManagedPolicyArns: [{ Ref: 'Managed' }] }),
      Pol: policy('pol', [{ Ref: 'Role' }], doc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] } })),
      Managed: managed({ PolicyDocument: doc({ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: 'Topic' } }) }),
    }));
    expect(found.policies.map(p => p.document)).toEqual([
      doc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '${Queue.Arn}' }),
      doc({ Effect: 'Allow', Action: 'sns:Publish', Resource: '${Topic}' }),
    ]);
  });

  test.each<[string, Json, string[], string[]]>([
    ['a literal ARN of a managed policy of the account, by its name', 'arn:aws:iam::111111111111:policy/named', ['customer-managed named arn:aws:iam::111111111111:policy/named'], []],
    ['an AWS managed policy', 'arn:aws:iam::aws:policy/ReadOnlyAccess', ['aws-managed ReadOnlyAccess arn:aws:iam::aws:policy/ReadOnlyAccess'], []],
    ['text before an AWS managed policy ARN', 'xarn:aws:iam::aws:policy/ReadOnlyAccess', ['customer-managed xarn:aws:iam::aws:policy/ReadOnlyAccess xarn:aws:iam::aws:policy/ReadOnlyAccess'],
      ['PolicyNotInAssembly warning managed policy xarn:aws:iam::aws:policy/ReadOnlyAccess is not defined in this cloud assembly, so its permissions are unknown']],
    ['a line break in an AWS managed policy name', 'arn:aws:iam::aws:policy/Read\nOnly', ['customer-managed arn:aws:iam::aws:policy/Read\nOnly arn:aws:iam::aws:policy/Read\nOnly'],
      ['PolicyNotInAssembly warning managed policy arn:aws:iam::aws:policy/Read\nOnly is not defined in this cloud assembly, so its permissions are unknown']],
    ['a role ARN of the name', 'arn:aws:iam::111111111111:role/named', ['customer-managed arn:aws:iam::111111111111:role/named arn:aws:iam::111111111111:role/named'],
      ['PolicyNotInAssembly warning managed policy arn:aws:iam::111111111111:role/named is not defined in this cloud assembly, so its permissions are unknown']],
    ['an attribute of a resource that is not a managed policy', { 'Fn::GetAtt': ['Topic', 'TopicArn'] }, ['customer-managed ${Topic.TopicArn} ${Topic.TopicArn}'],
      ['PolicyNotInAssembly warning managed policy ${Topic.TopicArn} is not defined in this cloud assembly, so its permissions are unknown']],
  ])('ManagedPolicyArns: %s', (_name, arn, policies, findings) => {
    const app = template('App', {
      Role: role({ ManagedPolicyArns: [arn] }),
      Named: managed({ ManagedPolicyName: 'named' }),
      // Another resource type with a ManagedPolicyName is not a managed policy (and makes no name ambiguous).
      Custom: { Type: 'Custom::PolicyMaker', Properties: { ManagedPolicyName: 'named', RoleName: 'named' } },
      Topic: { Type: 'AWS::SNS::Topic' },
    }, '111111111111');
    const found = lookup({ 'Fn::GetAtt': ['Role', 'Arn'] }, app);
    expect(found.role.policies.map(p => `${p.kind.name} ${p.name} ${p.arn ?? '-'}`)).toEqual(policies);
    expect(described(found.findings)).toEqual(findings);
  });

  test('ManagedPolicyArns that is a Ref to a list parameter: one policy, unknown', () => {
    const found = lookup({ 'Fn::GetAtt': ['Role', 'Arn'] }, template('App', { Role: role({ ManagedPolicyArns: { Ref: 'PolicyArns' } }) }));
    expect(found.role.policies).toEqual([{ kind: PolicyKind.CUSTOMER_MANAGED, name: '${PolicyArns}', arn: '${PolicyArns}' }]);
    expect(described(found.findings)).toEqual(['PolicyNotInAssembly warning managed policy ${PolicyArns} is not defined in this cloud assembly, so its permissions are unknown']);
  });

  test('a managed policy attached by Roles and listed in ManagedPolicyArns is one policy', () => {
    expect(policiesOf(template('App', {
      Role: role({ ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', { Ref: 'Managed' }] }),
      Managed: managed({ ManagedPolicyName: 'shared', Roles: [{ Ref: 'Role' }] }),
    }))).toEqual(['customer-managed shared ${Managed}', 'aws-managed ReadOnlyAccess arn:aws:iam::aws:policy/ReadOnlyAccess']);
  });

  test('a RolePolicy of a role of the same name in another template is not ambiguous with the role', () => {
    // The RolePolicy's RoleName is a name, not a role: the literal ARN names one role.
    expect(whereIs('arn:aws:iam::111111111111:role/app-role', template('App', {
      Role: role({ RoleName: 'app-role' }),
      Rp: { Type: 'AWS::IAM::RolePolicy', Properties: { PolicyName: 'rp', RoleName: 'app-role', PolicyDocument: READ } },
    }, '111111111111'))).toBe('App/Role');
  });

  test('the permissions boundary: a managed policy of the template, named by its logical id when it has no name', () => {
    const { role: found, findings } = lookup({ 'Fn::GetAtt': ['Role', 'Arn'] }, template('App', {
      Role: role({ PermissionsBoundary: { Ref: 'Boundary' } }),
      Boundary: managed(),
    }));
    expect(found.permissionsBoundary).toEqual({ kind: PolicyKind.CUSTOMER_MANAGED, name: 'Boundary', arn: '${Boundary}', document: READ });
    expect(findings).toEqual([]);
  });
});

describe('malformed roles and policies: the library\'s error naming the file, the resource and the property', () => {
  test.each<[string, Record<string, Json>, string]>([
    ['a role without Properties', { Role: { Type: 'AWS::IAM::Role' } }, 'Resources.Role.Properties is missing.'],
    ['a role without trust policy', { Role: { Type: 'AWS::IAM::Role', Properties: {} } }, 'Resources.Role.Properties.AssumeRolePolicyDocument is missing.'],
    ['a trust policy that is not JSON', { Role: role({ AssumeRolePolicyDocument: 'nope' }) },
      'Resources.Role.Properties.AssumeRolePolicyDocument is a string that is not a JSON policy document.'],
    ['an inline policy document that is not JSON', { Role: role({ Policies: [{ PolicyName: 'p', PolicyDocument: 'nope' }] }) },
      'Resources.Role.Properties.Policies[0].PolicyDocument is a string that is not a JSON policy document.'],
    ['Policies that is a Ref, not a list', { Role: role({ Policies: { Ref: 'P' } }) }, 'Resources.Role.Properties.Policies is {"Ref":"P"}, not a list.'],
    ['an inline policy without a name', { Role: role({ Policies: [{ PolicyDocument: READ }] }) }, 'Resources.Role.Properties.Policies[0].PolicyName is missing.'],
    ['ManagedPolicyArns that is a string', { Role: role({ ManagedPolicyArns: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }) },
      'Resources.Role.Properties.ManagedPolicyArns is a string, not a list.'],
    ['a policy without Properties', { Role: role(), Pol: { Type: 'AWS::IAM::Policy' } }, 'Resources.Pol.Properties is missing.'],
    ['Roles that is a string', { Role: role(), Pol: policy('p', 'app-role') }, 'Resources.Pol.Properties.Roles is a string, not a list.'],
    ['a RolePolicy without RoleName', { Role: role(), Rp: { Type: 'AWS::IAM::RolePolicy', Properties: { PolicyName: 'rp', PolicyDocument: READ } } },
      'Resources.Rp.Properties.RoleName is missing.'],
    ['an attached policy without document', { Role: role(), Pol: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', Roles: [{ Ref: 'Role' }] } } },
      'Resources.Pol.Properties.PolicyDocument is missing.'],
    ['a managed policy without Properties', { Role: role(), Managed: { Type: 'AWS::IAM::ManagedPolicy' } }, 'Resources.Managed.Properties is missing.'],
    ['a managed policy (by Roles) without document', { Role: role(), Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Roles: [{ Ref: 'Role' }] } } },
      'Resources.Managed.Properties.PolicyDocument is missing.'],
    ['a managed policy (by ARN) without document', { Role: role({ ManagedPolicyArns: [{ Ref: 'Managed' }] }), Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: {} } },
      'Resources.Managed.Properties.PolicyDocument is missing.'],
  ])('%s', (_name, resources, expected) => {
    expect(() => lookup({ 'Fn::GetAtt': ['Role', 'Arn'] }, template('App', resources))).toThrow(`[cdk-eks-pod-identity:MalformedCloudAssembly] cdk.out/App.template.json: ${expected} Fix: `);
  });

  test('resources that are no role or policy need no Properties', () => {
    expect(() => new AssemblyRoles(assemblyOf(template('App', { Topic: { Type: 'AWS::SNS::Topic' }, Role: { Type: 'AWS::IAM::Role' }, Managed: { Type: 'Custom::Managed' } })))).not.toThrow();
  });
});

describe('what a finding is about (for acknowledgements)', () => {
  const app = template('App', {
    Role: role({ Policies: [{ PolicyName: 'logs', PolicyDocument: READ }], ManagedPolicyArns: [{ Ref: 'Managed' }, 'arn:aws:iam::111111111111:policy/gone'] }),
    Pol: policy('pol', [{ Ref: 'Role' }]),
    Managed: managed({ ManagedPolicyName: 'shared' }),
  });
  const finding = (): ReportFinding => ({ id: 'WildcardAction', severity: FindingSeverity.ERROR, message: 'm' });
  const names = (subjects: Array<{ template: Template; logicalId: string }>) => subjects.map(s => `${s.template.name}/${s.logicalId}`);

  test.each<[string, string | undefined, string[]]>([
    ['the role itself', undefined, ['App/Role']],
    ['an inline policy: the role', 'inline policy logs, statement 1', ['App/Role', 'App/Role']],
    ['an attached policy, by a statement Sid', 'attached policy pol, statement ReadObjects', ['App/Role', 'App/Pol']],
    ['a managed policy, by statement 12', 'customer-managed policy shared, statement 12', ['App/Role', 'App/Managed']],
    ['a policy the role does not have', 'attached policy other, statement 1', ['App/Role']],
  ])('%s', (_name, from, expected) => {
    const { role: found, roles } = lookup({ 'Fn::GetAtt': ['Role', 'Arn'] }, app);
    const about = finding();
    expect(roles.about(about, found, from)).toBe(about);
    const subjects = roles.aboutOf(about)!;
    expect(names(subjects.subjects)).toEqual(expected);
    expect(subjects.role.role).toBe(found);
    expect(names([subjects.role.self!])).toEqual(['App/Role']);
  });

  test('the role\'s own findings (a managed policy not in the assembly) are about the role', () => {
    const { findings, roles } = lookup({ 'Fn::GetAtt': ['Role', 'Arn'] }, app);
    expect(findings.map(f => f.id)).toEqual(['PolicyNotInAssembly']);
    expect(names(roles.aboutOf(findings[0])!.subjects)).toEqual(['App/Role']);
  });

  test('a finding nobody recorded is about nothing; a role not in the assembly has no resource', () => {
    const { roles } = lookup({ 'Fn::GetAtt': ['Role', 'Arn'] }, app);
    expect(roles.aboutOf(finding())).toBeUndefined();
    const missing = roles.role('arn:aws:iam::111111111111:role/gone', app, new Map(), [], 'role');
    const about = finding();
    roles.about(about, missing, 'inline policy logs, statement 1');
    expect(roles.aboutOf(about)).toEqual({ role: { role: missing, self: undefined }, subjects: [] });
  });
});
