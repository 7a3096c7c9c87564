// The permissions report, attacked: each row is one cloud assembly (mostly written by hand, as any tool could
// produce it) and the exact outcome: a fact of the report, or the CLI's exit code 2 with one line on stderr.
// The report reads cloud assemblies, not apps, so its rows have their own small type (not the app harness).
import * as fs from 'fs';
import * as path from 'path';
import { PodIdentityReport, PodIdentityReportEntry } from '../../lib';
import { knownAddon, knownAddonNames } from '../../lib/private/eks-facts';
import { runCli } from '../../lib/report/cli';
import { filesDirectory, handAssembly } from '../helpers/report';

type Json = any;

interface ReportRow {
  readonly name: string;
  /** Writes the input; returns the cloud assembly directory. */
  readonly input: () => string;
  readonly expect:
  /** The report reads it (exit 0) and `fact` holds. */
  | { readonly fact: (report: PodIdentityReport) => void }
  /** The CLI exits 2 with one line on stderr that matches. */
  | { readonly exit2: RegExp };
}

const POD = 'pods.eks.amazonaws.com';
const PINNED = {
  'aws:RequestTag/eks-cluster-name': 'c',
  'aws:RequestTag/kubernetes-namespace': 'carts',
  'aws:RequestTag/kubernetes-service-account': 'carts',
};

function trust(condition?: Json, action: Json = ['sts:AssumeRole', 'sts:TagSession']): Json {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: POD }, Action: action, ...condition ? { Condition: condition } : {} }] };
}

function doc(...statements: Json[]): Json {
  return { Version: '2012-10-17', Statement: statements };
}

function allow(action: Json, resource: Json = '*', extra: Json = {}): Json {
  return { Effect: 'Allow', Action: action, Resource: resource, ...extra };
}

function deny(action: Json, resource: Json = '*', extra: Json = {}): Json {
  return { Effect: 'Deny', Action: action, Resource: resource, ...extra };
}

function role(props: Json = {}): Json {
  return { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: trust({ StringEquals: PINNED }), ...props } };
}

function association(roleArn: Json, namespace = 'carts', serviceAccount = 'carts'): Json {
  return { Type: 'AWS::EKS::PodIdentityAssociation', Properties: { ClusterName: 'c', Namespace: namespace, ServiceAccount: serviceAccount, RoleArn: roleArn } };
}

const ROLE_ARN = { 'Fn::GetAtt': ['Role', 'Arn'] };

/** One stack: a role `Role` with these properties, associated to carts/carts. */
function oneRole(props: Json = {}, more: Json = {}): () => string {
  return () => handAssembly({ stacks: { App: { template: { Resources: { Role: role(props), Assoc: association(ROLE_ARN), ...more } } } } });
}

/** One stack whose template is `template` (any JSON, or a string written as is). */
function template(value: Json): () => string {
  return () => handAssembly({ stacks: { App: { template: value } } });
}

function only(report: PodIdentityReport): PodIdentityReportEntry {
  expect(report.entries).toHaveLength(1);
  return report.entries[0];
}

const ids = (entry: PodIdentityReportEntry) => entry.findings.map(finding => finding.id);

/** A trust row: the trust condition, the scope line it must show, and whether it pins (no UnscopedTrust). */
function trustRow(name: string, condition: Json, scope: string, pins: boolean): ReportRow {
  return {
    name,
    input: oneRole({ AssumeRolePolicyDocument: trust(condition) }),
    expect: {
      fact: report => {
        const entry = only(report);
        expect(entry.role.trustScope).toBe(`${POD} (${scope})`);
        if (pins) expect(ids(entry)).not.toContain('UnscopedTrust');
        else expect(ids(entry)).toContain('UnscopedTrust');
      },
    },
  };
}

const app = (id: string, statement: Json) => ({
  Role: role({ RoleName: 'app-role', Policies: [{ PolicyName: id, PolicyDocument: doc(statement) }] }),
  Assoc: association({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/app-role']] }),
});

/** Actions of the effective permissions of the only entry's role. */
const effectiveActions = (report: PodIdentityReport) => only(report).role.effectivePermissions.flatMap(e => [e.statement.Action].flat());

const rows: ReportRow[] = [
  // 1. Trust scope: only exact values pin the (cluster, namespace, service account).
  trustRow('trust: StringEquals on cluster, namespace and service account pins them', { StringEquals: PINNED },
    'cluster c; namespace carts; service account carts', true),
  trustRow("trust: StringLike namespace 'car*' does not pin the namespace", { StringEquals: { ...PINNED, 'aws:RequestTag/kubernetes-namespace': undefined }, StringLike: { 'aws:RequestTag/kubernetes-namespace': 'car*' } },
    'cluster c; namespace StringLike car*; service account carts', false),
  trustRow("trust: StringLike namespace '*' does not pin the namespace", { StringEquals: { ...PINNED, 'aws:RequestTag/kubernetes-namespace': undefined }, StringLike: { 'aws:RequestTag/kubernetes-namespace': '*' } },
    'cluster c; namespace StringLike *; service account carts', false),
  trustRow('trust: StringNotEquals namespace is everything but that namespace', { StringEquals: { ...PINNED, 'aws:RequestTag/kubernetes-namespace': undefined }, StringNotEquals: { 'aws:RequestTag/kubernetes-namespace': 'carts' } },
    'cluster c; namespace StringNotEquals carts; service account carts', false),
  trustRow('trust: StringNotLike service account does not pin it', { StringEquals: { ...PINNED, 'aws:RequestTag/kubernetes-service-account': undefined }, StringNotLike: { 'aws:RequestTag/kubernetes-service-account': 'admin*' } },
    'cluster c; namespace carts; service account StringNotLike admin*', false),
  trustRow('trust: StringEqualsIfExists passes when the tag is absent: no pin', { StringEqualsIfExists: PINNED },
    'cluster StringEqualsIfExists c; namespace StringEqualsIfExists carts; service account StringEqualsIfExists carts', false),
  trustRow('trust: ForAnyValue:StringEquals is not a pin', { 'ForAnyValue:StringEquals': PINNED },
    'cluster ForAnyValue:StringEquals c; namespace ForAnyValue:StringEquals carts; service account ForAnyValue:StringEquals carts', false),
  trustRow('trust: condition keys in another case still pin (IAM keys are case-insensitive)', { StringEquals: { 'AWS:REQUESTTAG/EKS-Cluster-Name': 'c', 'aws:requesttag/kubernetes-namespace': 'carts', 'Aws:RequestTag/Kubernetes-Service-Account': 'carts' } },
    'cluster c; namespace carts; service account carts', true),
  trustRow('trust: StringLike without a wildcard is exact', { StringLike: PINNED },
    'cluster c; namespace carts; service account carts', true),
  trustRow('trust: namespace and service account pinned, no condition on the cluster: any cluster of the account', { StringEquals: { ...PINNED, 'aws:RequestTag/eks-cluster-name': undefined } },
    'namespace carts; service account carts', false),
  trustRow('trust: a policy variable as the value is not a pin', { StringEquals: { ...PINNED, 'aws:RequestTag/kubernetes-namespace': '${aws:PrincipalTag/team}' } },
    'cluster c; namespace StringEquals ${aws:PrincipalTag/team}; service account carts', false),
  {
    name: 'trust: a pinned namespace in another case (Carts) does not admit carts: NotTrustedByPodIdentity (tag values are case-sensitive)',
    input: oneRole({ AssumeRolePolicyDocument: trust({ StringEquals: { ...PINNED, 'aws:RequestTag/kubernetes-namespace': 'Carts' } }) }),
    expect: {
      fact: report => {
        expect(ids(only(report))).toEqual(['NotTrustedByPodIdentity']);
        expect(only(report).findings[0].message).toBe('role ${Role.Arn} trusts namespace Carts only, not carts (tag values are case-sensitive): EKS cannot assume it for these pods');
      },
    },
  },
  {
    name: 'trust: two statements, one for carts and one for orders: carts is admitted (near-miss)',
    input: oneRole({
      AssumeRolePolicyDocument: doc(
        { Effect: 'Allow', Principal: { Service: POD }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { ...PINNED, 'aws:RequestTag/kubernetes-namespace': 'orders' } } },
        { Effect: 'Allow', Principal: { Service: POD }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: PINNED } },
      ),
    }),
    expect: { fact: report => expect(ids(only(report))).toEqual([]) },
  },
  {
    name: 'trust: an unscoped sts:TagSession-only statement beside a pinned AssumeRole statement is scoped',
    input: oneRole({
      AssumeRolePolicyDocument: doc(
        { Effect: 'Allow', Principal: { Service: POD }, Action: 'sts:AssumeRole', Condition: { StringEquals: PINNED } },
        { Effect: 'Allow', Principal: { Service: POD }, Action: 'sts:TagSession' },
      ),
    }),
    expect: { fact: report => expect(ids(only(report))).toEqual([]) },
  },

  // 2. Roles with one name in two accounts or stages.
  {
    name: 'roles: app-role in two accounts (stages), each association gets its own account\'s role',
    input: () => handAssembly({
      stages: {
        Dev: { stacks: { App: { account: '111111111111', template: { Resources: app('dev', allow('s3:GetObject', 'arn:aws:s3:::dev/*')) } } } },
        Prod: { stacks: { App: { account: '222222222222', template: { Resources: app('prod', allow('s3:PutObject', 'arn:aws:s3:::prod/*')) } } } },
      },
    }),
    expect: {
      fact: report => {
        expect(report.entries.map(e => `${e.stack} ${e.role.stack} ${e.role.policies.map(p => p.name)}`)).toEqual(['Dev/App Dev/App dev', 'Prod/App Prod/App prod']);
      },
    },
  },
  {
    name: 'roles: app-role in two environment-agnostic stages: each association gets the role of its own stage',
    input: () => handAssembly({
      stages: {
        Dev: { stacks: { App: { template: { Resources: app('dev', allow('s3:GetObject', 'arn:aws:s3:::dev/*')) } } } },
        Prod: { stacks: { App: { template: { Resources: app('prod', allow('s3:PutObject', 'arn:aws:s3:::prod/*')) } } } },
      },
    }),
    expect: { fact: report => expect(report.entries.map(e => `${e.stack} ${e.role.policies.map(p => p.name)}`)).toEqual(['Dev/App dev', 'Prod/App prod']) },
  },
  {
    name: 'roles: a literal ARN of account 222 from a stack of account 111 finds the role of account 222, and policies attach by account',
    input: () => handAssembly({
      stacks: {
        A: {
          account: '111111111111',
          template: {
            Resources: {
              ...app('a', allow('s3:GetObject', 'arn:aws:s3:::a/*')),
              Other: association('arn:aws:iam::222222222222:role/app-role', 'other', 'other'),
              Extra: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'extra-a', Roles: ['app-role'], PolicyDocument: doc(allow('sqs:SendMessage', 'arn:aws:sqs:us-east-1:111111111111:a')) } },
            },
          },
        },
        B: { account: '222222222222', template: { Resources: app('b', allow('s3:PutObject', 'arn:aws:s3:::b/*')) } },
      },
    }),
    expect: {
      fact: report => {
        expect(report.entries.map(e => `${e.stack} ${e.namespace} ${e.role.stack} ${e.role.policies.map(p => p.name)}`))
          .toEqual(['A carts A a,extra-a', 'A other B b', 'B carts B b']);
      },
    },
  },

  {
    name: 'roles: app-role in two environment-agnostic stacks, named from a third: ambiguous, reported as unknown rather than guessed',
    input: () => handAssembly({
      stacks: {
        A: { template: { Resources: { Role: role({ RoleName: 'app-role' }) } } },
        B: { template: { Resources: { Role: role({ RoleName: 'app-role' }) } } },
        C: { template: { Resources: { Assoc: association('arn:aws:iam::111111111111:role/app-role') } } },
      },
    }),
    expect: {
      fact: report => {
        expect(ids(only(report))).toEqual(['RoleNotInAssembly']);
        expect(only(report).findings[0].message).toContain('(a role of that name is defined in A, B, and which one it is cannot be told)');
      },
    },
  },

  // 3. Explicit Deny and permissions boundaries.
  {
    name: 'deny: Deny s3:* cancels Allow s3:GetObject: no access reported',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: doc(allow('s3:GetObject', 'arn:aws:s3:::b/*'), deny('s3:*')) }] }),
    expect: {
      fact: report => {
        expect(effectiveActions(report)).toEqual([]);
        expect(report.toMarkdown()).toContain('Effective permissions: none');
      },
    },
  },
  {
    name: 'deny: Allow s3:* cancelled by Deny s3:* is no WildcardAction',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: doc(allow('s3:*', 'arn:aws:s3:::b/*')) }, { PolicyName: 'd', PolicyDocument: doc(deny(['s3:*'])) }] }),
    expect: { fact: report => expect(ids(only(report))).toEqual([]) },
  },
  {
    name: 'deny: a Deny of part of the actions leaves the rest',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: doc(allow(['s3:GetObject', 's3:PutObject'], 'arn:aws:s3:::b/*'), deny('s3:Put*')) }] }),
    expect: { fact: report => expect(effectiveActions(report)).toEqual(['s3:GetObject']) },
  },
  {
    name: 'deny: a Deny with a Condition may not apply: the access stays (near-miss)',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: doc(allow('s3:*', 'arn:aws:s3:::b/*'), deny('s3:*', '*', { Condition: { Bool: { 'aws:SecureTransport': 'false' } } })) }] }),
    expect: { fact: report => expect(ids(only(report))).toEqual(['WildcardAction']) },
  },
  {
    name: 'deny: a Deny in one branch of an Fn::If may not apply: the access stays',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: doc(allow('s3:GetObject', 'arn:aws:s3:::b/*'), { 'Fn::If': ['Locked', deny('s3:*'), { Ref: 'AWS::NoValue' }] }) }] }),
    expect: { fact: report => expect(effectiveActions(report)).toEqual(['s3:GetObject']) },
  },
  {
    name: 'deny: a Deny whose action is an Fn::If may not apply: the access stays',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: doc(allow('s3:GetObject', 'arn:aws:s3:::b/*'), deny({ 'Fn::If': ['Locked', 's3:*', 'sqs:*'] })) }] }),
    expect: { fact: report => expect(effectiveActions(report)).toEqual(['s3:GetObject']) },
  },
  {
    name: 'deny: a policy document that is an Fn::If: one branch\'s Deny does not cancel the other branch\'s Allow',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: { 'Fn::If': ['Locked', doc(deny('s3:*')), doc(allow('s3:GetObject', 'arn:aws:s3:::b/*'))] } }] }),
    expect: { fact: report => expect(effectiveActions(report)).toEqual(['s3:GetObject']) },
  },
  {
    name: 'deny: a trust Deny in one branch of an Fn::If does not hide who else may assume the role',
    input: oneRole({
      AssumeRolePolicyDocument: doc(trust({ StringEquals: PINNED }).Statement[0], { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'sts:AssumeRole' },
        { 'Fn::If': ['Locked', { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }, { Ref: 'AWS::NoValue' }] }),
    }),
    expect: { fact: report => expect(ids(only(report))).toEqual(['TrustedBeyondPodIdentity']) },
  },
  {
    name: 'deny: a Deny on another resource does not cancel (near-miss)',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: doc(allow('s3:GetObject', 'arn:aws:s3:::b/*'), deny('s3:*', 'arn:aws:s3:::other/*')) }] }),
    expect: { fact: report => expect(effectiveActions(report)).toEqual(['s3:GetObject']) },
  },
  {
    name: 'boundary: a managed policy of the template limits s3:* to s3:GetObject (no WildcardAction)',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: doc(allow('s3:*', 'arn:aws:s3:::b/*')) }], PermissionsBoundary: { Ref: 'Boundary' } },
      { Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc(allow('s3:GetObject')) } } }),
    expect: {
      fact: report => {
        expect(effectiveActions(report)).toEqual(['s3:GetObject']);
        expect(ids(only(report))).toEqual([]);
      },
    },
  },
  {
    name: 'boundary: a Deny in the boundary cancels too',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: doc(allow('s3:GetObject', 'arn:aws:s3:::b/*')) }], PermissionsBoundary: { Ref: 'Boundary' } },
      { Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc(allow('*'), deny('s3:GetObject')) } } }),
    expect: { fact: report => expect(effectiveActions(report)).toEqual([]) },
  },
  {
    name: 'boundary: an imported boundary ARN: the report says the effective permissions are unknown',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: doc(allow('s3:*', 'arn:aws:s3:::b/*')) }], PermissionsBoundary: 'arn:aws:iam::111111111111:policy/org-boundary' }),
    expect: {
      fact: report => {
        const entry = only(report);
        expect(entry.role.effectivePermissionsUnknown).toBe('the permissions boundary arn:aws:iam::111111111111:policy/org-boundary is not in the cloud assembly');
        expect(entry.findings.find(f => f.id === 'WildcardAction')!.message).toContain('if the permissions boundary arn:aws:iam::111111111111:policy/org-boundary allows it');
        expect(report.toMarkdown()).toContain('Effective permissions: unknown: the permissions boundary arn:aws:iam::111111111111:policy/org-boundary is not in the cloud assembly');
      },
    },
  },
  {
    name: 'boundary: another AWS managed policy (known by name only): effective permissions unknown, said so',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: doc(allow('s3:GetObject', 'arn:aws:s3:::b/*')) }], PermissionsBoundary: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/PowerUserAccess' } }),
    expect: { fact: report => expect(only(report).role.effectivePermissionsUnknown).toBe('the permissions boundary is the AWS managed policy PowerUserAccess, known by name only') },
  },
  {
    name: 'boundary: a literal ARN naming a managed policy of the same account in the template is read',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: doc(allow(['s3:GetObject', 'sqs:SendMessage'], '*')) }], PermissionsBoundary: 'arn:aws:iam::111111111111:policy/pod-boundary' },
      { Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { ManagedPolicyName: 'pod-boundary', PolicyDocument: doc(allow('sqs:*')) } } }),
    expect: { fact: report => expect(effectiveActions(report)).toEqual(['sqs:SendMessage']) },
  },
  {
    name: 'boundary: the AWS managed AdministratorAccess limits nothing (near-miss)',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: doc(allow('s3:*', 'arn:aws:s3:::b/*')) }], PermissionsBoundary: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
    expect: {
      fact: report => {
        expect(effectiveActions(report)).toEqual(['s3:*']);
        expect(ids(only(report))).toEqual(['WildcardAction']);
      },
    },
  },

  // 4. Malformed cloud assemblies: exit 2, one line naming the file and what is wrong.
  { name: 'malformed: a template that is [] (not 0 associations and exit 0)', input: template([]), expect: { exit2: /App\.template\.json.*is an array, not a template object/ } },
  { name: 'malformed: a template that is a number', input: template(3), expect: { exit2: /App\.template\.json.*is a number, not a template object/ } },
  { name: 'malformed: a template that is not JSON', input: template('{"Resources":'), expect: { exit2: /UnreadableCloudAssembly.*App\.template\.json/ } },
  { name: 'malformed: Resources.X is null', input: template({ Resources: { X: null } }), expect: { exit2: /App\.template\.json: Resources\.X is null, not an object/ } },
  { name: 'malformed: Resources is a string', input: template({ Resources: 'none' }), expect: { exit2: /App\.template\.json: Resources is a string, not an object/ } },
  { name: 'malformed: a resource without Type', input: template({ Resources: { X: { Properties: {} } } }), expect: { exit2: /App\.template\.json: Resources\.X\.Type is missing/ } },
  { name: 'malformed: Properties of the wrong type', input: template({ Resources: { Role: { Type: 'AWS::IAM::Role', Properties: [] } } }), expect: { exit2: /App\.template\.json: Resources\.Role\.Properties is an array, not an object/ } },
  { name: 'malformed: Policies: [null]', input: oneRole({ Policies: [null] }), expect: { exit2: /App\.template\.json: Resources\.Role\.Properties\.Policies\[0\] is null, not an object/ } },
  { name: 'malformed: a PolicyDocument that is a string but not JSON', input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: 'allow everything' }] }), expect: { exit2: /Resources\.Role\.Properties\.Policies\[0\]\.PolicyDocument is a string that is not a JSON policy document/ } },
  { name: 'malformed: an association without RoleArn', input: template({ Resources: { A: { Type: 'AWS::EKS::PodIdentityAssociation', Properties: { ClusterName: 'c', Namespace: 'n', ServiceAccount: 's' } } } }), expect: { exit2: /Resources\.A\.Properties\.RoleArn is missing/ } },
  { name: 'malformed: Fn::Join with a number as its arguments', input: template({ Resources: { A: association({ 'Fn::Join': 3 }) } }), expect: { exit2: /Resources\.A: Fn::Join takes \[separator, list\], not 3/ } },
  { name: 'malformed: manifest.json missing (an empty directory)', input: () => filesDirectory({}), expect: { exit2: /NotACloudAssembly\] no manifest\.json in / } },
  { name: 'malformed: a directory that does not exist', input: () => path.join(filesDirectory({}), 'nope'), expect: { exit2: /NotACloudAssembly\] no manifest\.json in .*nope/ } },
  { name: 'malformed: manifest.json that is not JSON', input: () => filesDirectory({ 'manifest.json': '{' }), expect: { exit2: /UnreadableCloudAssembly\] cannot read .*manifest\.json/ } },
  { name: 'malformed: manifest.json that is an array', input: () => filesDirectory({ 'manifest.json': '[]' }), expect: { exit2: /manifest\.json: the manifest is an array, not an object/ } },
  { name: 'malformed: a directory whose manifest.json is not a cloud assembly manifest', input: () => filesDirectory({ 'manifest.json': '{"name":"my-app"}' }), expect: { exit2: /NotACloudAssembly\] .*manifest\.json has no version/ } },
  { name: 'malformed: artifacts is a list', input: () => filesDirectory({ 'manifest.json': '{"version":"36.0.0","artifacts":[]}' }), expect: { exit2: /manifest\.json: artifacts is an array, not an object/ } },
  {
    name: 'malformed: a stack artifact whose template file is missing',
    input: () => filesDirectory({ 'manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json' } } } }) }),
    expect: { exit2: /UnreadableCloudAssembly\] cannot read .*App\.template\.json/ },
  },
  {
    name: 'malformed: a stack artifact without templateFile',
    input: () => filesDirectory({ 'manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { App: { type: 'aws:cloudformation:stack', properties: {} } } }) }),
    expect: { exit2: /manifest\.json: artifacts\.App\.properties\.templateFile is missing/ },
  },
  {
    name: 'malformed: a stage whose nested assembly has no manifest',
    input: () => filesDirectory({ 'manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { S: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-S' } } } }), 'assembly-S/x': '' }),
    expect: { exit2: /NotACloudAssembly\] no manifest\.json in .*assembly-S/ },
  },
  {
    name: 'malformed: a stage that contains itself',
    input: () => filesDirectory({ 'manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { S: { type: 'cdk:cloud-assembly', properties: { directoryName: '.' } } } }) }),
    expect: { exit2: /manifest\.json: artifacts\.S contains the assembly that contains it/ },
  },
  {
    name: 'malformed: Fn::ImportValue of an export that imports itself',
    input: template({
      Resources: { A: association({ 'Fn::ImportValue': 'loop' }) },
      Outputs: { O: { Value: { 'Fn::ImportValue': 'loop' }, Export: { Name: 'loop' } } },
    }),
    expect: { exit2: /App\.template\.json: Resources\.A: the export loop refers to itself/ },
  },

  {
    name: 'malformed: a nested stack whose template (aws:asset:path) is missing',
    input: template({ Resources: { Nested: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'Nested.nested.template.json' }, Properties: { TemplateURL: 'https://x' } } } }),
    expect: { exit2: /App\.template\.json: Resources\.Nested: is a nested stack whose template .*Nested\.nested\.template\.json \(Metadata aws:asset:path\) is missing/ },
  },
  {
    name: 'malformed: a nested stack whose template is the template itself',
    input: template({ Resources: { Nested: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'App.template.json' }, Properties: { TemplateURL: 'https://x' } } } }),
    expect: { exit2: /App\.template\.json: Resources\.Nested is a nested stack whose template .* is this template or one that contains it/ },
  },

  // Valid but unusual: read correctly.
  {
    name: 'unusual: an association in a nested stack, its role in the parent through a parameter',
    input: () => {
      const directory = handAssembly({
        stacks: {
          App: {
            template: {
              Resources: {
                Role: role(),
                Nested: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'Nested.nested.template.json' }, Properties: { TemplateURL: 'https://x', Parameters: { RoleArn: ROLE_ARN } } },
              },
            },
          },
        },
      });
      fs.writeFileSync(path.join(directory, 'Nested.nested.template.json'), JSON.stringify({ Parameters: { RoleArn: { Type: 'String' } }, Resources: { Assoc: association({ Ref: 'RoleArn' }) } }));
      return directory;
    },
    expect: { fact: report => expect(`${only(report).stack} ${only(report).role.stack} ${only(report).role.logicalId}`).toBe('App/Nested App Role') },
  },
  {
    name: 'unusual: Statement a single object and Action a string',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: allow('s3:*', 'arn:aws:s3:::b/*') } }] }),
    expect: { fact: report => expect(ids(only(report))).toEqual(['WildcardAction']) },
  },
  {
    name: 'unusual: a PolicyDocument given as a JSON string',
    input: oneRole({ Policies: [{ PolicyName: 'p', PolicyDocument: JSON.stringify(doc(allow('s3:*', 'arn:aws:s3:::b/*'))) }] }),
    expect: { fact: report => expect(ids(only(report))).toEqual(['WildcardAction']) },
  },
  {
    name: 'unusual: Fn::If in Policies and AWS::NoValue: both branches are reported',
    input: oneRole({
      Policies: [{ 'Fn::If': ['IsProd', { PolicyName: 'prod', PolicyDocument: doc(allow('s3:GetObject', 'arn:aws:s3:::b/*')) }, { Ref: 'AWS::NoValue' }] },
        { 'Fn::If': ['IsProd', { PolicyName: 'a', PolicyDocument: doc(allow('sqs:SendMessage', 'arn:aws:sqs:::q')) }, { PolicyName: 'b', PolicyDocument: doc(allow('sns:Publish', 'arn:aws:sns:::t')) }] }],
    }),
    expect: { fact: report => expect(only(report).role.policies.map(p => p.name)).toEqual(['prod', 'a', 'b']) },
  },
  {
    name: 'unusual: ManagedPolicyArns as a Ref to a list parameter: unknown policies, not a crash',
    input: oneRole({ ManagedPolicyArns: { Ref: 'PolicyArns' } }),
    expect: { fact: report => expect(ids(only(report))).toEqual(['PolicyNotInAssembly']) },
  },
  {
    name: 'unusual: Fn::Sub and Fn::Join in the role ARN resolve to the role',
    input: oneRole({}, { Assoc: association({ 'Fn::Sub': '${Role.Arn}' }) }),
    expect: { fact: report => expect(only(report).role.logicalId).toBe('Role') },
  },

  // 5. Add-ons the library knows: the report knows their namespace.
  ...['aws-fsx-csi-driver', 'aws-privateca-connector-for-kubernetes'].map((addonName): ReportRow => ({
    name: `add-on: ${addonName}'s namespace is the library's (${knownAddon(addonName)!.namespace})`,
    input: template({
      Resources: {
        Role: role(),
        Addon: { Type: 'AWS::EKS::Addon', Properties: { ClusterName: 'c', AddonName: addonName, PodIdentityAssociations: [{ ServiceAccount: knownAddon(addonName)!.serviceAccount, RoleArn: ROLE_ARN }] } },
      },
    }),
    expect: { fact: report => expect(only(report).namespace).toBe(knownAddon(addonName)!.namespace) },
  })),
];

describe('report: adversarial cloud assemblies', () => {
  test.each(rows.map(row => [row.name, row] as const))('%s', (_name, row) => {
    const directory = row.input();
    let out = '';
    let err = '';
    const code = runCli(['report', directory, '--format', 'json'], { out: text => out += text, err: text => err += text });
    if ('exit2' in row.expect) {
      expect({ code, out }).toEqual({ code: 2, out: '' });
      expect(err.endsWith('\n')).toBe(true);
      expect(err.trimEnd().split('\n')).toHaveLength(1);
      expect(err).toMatch(row.expect.exit2);
      expect(err).toMatch(/^cdk-eks-pod-identity: \[cdk-eks-pod-identity:\w+\] .*Fix: /);
      expect(err).not.toMatch(/TypeError|\n\s+at /);
    } else {
      expect({ code, err }).toEqual({ code: 0, err: '' });
      JSON.parse(out);
      row.expect.fact(PodIdentityReport.fromCloudAssembly(directory));
    }
  });
});

test('every add-on the library knows is known to the report (namespace, not ${Addon:...})', () => {
  const resources: Json = { Role: role() };
  for (const addonName of knownAddonNames()) {
    resources[`Addon${addonName.replace(/[^a-zA-Z0-9]/g, '')}`] = {
      Type: 'AWS::EKS::Addon',
      Properties: { ClusterName: 'c', AddonName: addonName, PodIdentityAssociations: [{ ServiceAccount: knownAddon(addonName)!.serviceAccount, RoleArn: ROLE_ARN }] },
    };
  }
  const report = PodIdentityReport.fromCloudAssembly(handAssembly({ stacks: { App: { template: { Resources: resources } } } }));
  expect(knownAddonNames().length).toBeGreaterThanOrEqual(7);
  expect(report.entries.map(e => `${e.namespace}/${e.serviceAccount}`).sort())
    .toEqual(knownAddonNames().map(name => `${knownAddon(name)!.namespace}/${knownAddon(name)!.serviceAccount}`).sort());
});

test('hand-written assemblies are laid out as cdk synth lays them out', () => {
  const directory = handAssembly({ stages: { S: { stacks: { A: { template: {} } } } } });
  expect(JSON.parse(fs.readFileSync(path.join(directory, 'assembly-S', 'manifest.json'), 'utf8')).artifacts.A.displayName).toBe('S/A');
});
