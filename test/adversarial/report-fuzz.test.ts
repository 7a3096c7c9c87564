// The report on randomly broken cloud assemblies (property-based, fast-check): a valid template, each case with one
// to three nodes replaced by a value of another shape (a listed malformed or unusual shape, or any JSON value). The
// seed is fixed (FC_SEED to try another; fast-check prints the seed and the shrunk case on failure). Whatever the
// input, the report either reads it or throws the library's error naming the file: never a raw TypeError or a
// stack overflow.
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { PodIdentityReport } from '../../lib';
import { handAssembly } from '../helpers/report';

type Json = any;

const POD_TRUST = {
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Condition: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'carts' }, StringLike: { 'aws:RequestTag/kubernetes-service-account': 'c*' } },
  }],
};

/** A valid template that uses what the report reads: roles, every kind of policy, a boundary, add-ons, exports, intrinsics. */
const VALID: Json = {
  Parameters: { Env: { Type: 'String' } },
  Resources: {
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: 'app-role',
        AssumeRolePolicyDocument: POD_TRUST,
        Policies: [
          { PolicyName: 'inline', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] } }, { Effect: 'Deny', Action: ['s3:Delete*'], Resource: '*' }] } },
          { 'Fn::If': ['IsProd', { PolicyName: 'prod', PolicyDocument: { Statement: { Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::x' } } }, { Ref: 'AWS::NoValue' }] },
        ],
        ManagedPolicyArns: [{ Ref: 'Managed' }, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess' }],
        PermissionsBoundary: { Ref: 'Boundary' },
      },
    },
    Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { ManagedPolicyName: 'managed', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['sqs:*'], Resource: '*' }] } } },
    Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['s3:*', 'sqs:SendMessage'], Resource: '*' }] } } },
    Attached: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'attached', Roles: [{ Ref: 'Role' }, 'app-role'], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::ImportValue': 'table-arn' } }] } } },
    Bucket: { Type: 'AWS::S3::Bucket' },
    Assoc: {
      Type: 'AWS::EKS::PodIdentityAssociation',
      Properties: {
        ClusterName: { 'Fn::Sub': '${Env}-cluster' },
        Namespace: 'carts',
        ServiceAccount: 'carts',
        RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
        TargetRoleArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/app-role']] },
        Policy: '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
      },
    },
    Addon: {
      Type: 'AWS::EKS::Addon',
      Properties: {
        ClusterName: 'c',
        AddonName: 'aws-ebs-csi-driver',
        NamespaceConfig: { Namespace: 'storage' },
        PodIdentityAssociations: [{ ServiceAccount: 'ebs-csi-controller-sa', RoleArn: { 'Fn::Select': [0, [{ 'Fn::GetAtt': ['Role', 'Arn'] }]] } }],
      },
    },
  },
  Outputs: { TableArn: { Value: 'arn:aws:dynamodb:us-east-1:111111111111:table/t', Export: { Name: 'table-arn' } } },
};

/** Every path to a node of a JSON value (object keys and array indexes). */
function pathsOf(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const children = Array.isArray(value) ? value.map((item, index) => [index, item] as const)
    : value !== null && typeof value === 'object' ? Object.entries(value) : [];
  return [prefix, ...children.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}

/** What a node may be replaced with: every JSON shape, malformed intrinsics, and valid-but-unusual ones. */
const REPLACEMENTS: Array<(old: Json) => Json> = [
  () => null, () => [], () => ({}), () => 'text', () => 3, () => true, () => undefined,
  old => [old], old => ({ 'Fn::If': ['IsProd', old, { Ref: 'AWS::NoValue' }] }), old => JSON.stringify(old ?? null),
  () => ({ Ref: 3 }), () => ({ Ref: 'Nowhere' }), () => ({ 'Fn::Join': 3 }), () => ({ 'Fn::Join': ['', 'x'] }), () => ({ 'Fn::GetAtt': null }),
  () => ({ 'Fn::Sub': ['${X}', 5] }), () => ({ 'Fn::Select': 'x' }), () => ({ 'Fn::If': 'x' }), () => ({ 'Fn::ImportValue': { 'Fn::ImportValue': 'table-arn' } }),
  () => ({ 'Fn::Split': [',', 'a,b'] }), () => ({ Ref: 'AWS::NoValue' }), () => '*', () => ({ 'Fn::GetAtt': ['Role', 'Arn'] }),
];

function mutate(value: Json, target: Array<string | number>, replacement: (old: Json) => Json): Json {
  if (target.length === 0) return replacement(value);
  const copy: Json = Array.isArray(value) ? [...value] : { ...value };
  const [key, ...rest] = target;
  const next = mutate(copy[key], rest, replacement);
  if (next === undefined && !Array.isArray(copy)) delete copy[key];
  else copy[key] = next;
  return copy;
}

const CASES = 400;
const LIBRARY_ERROR = /^\[cdk-eks-pod-identity:(MalformedCloudAssembly|UnreadableCloudAssembly)\] [^\n]*App\.template\.json[: ][^\n]*\. Fix: /;

test('the valid template itself is read, with the facts the mutations start from', () => {
  const report = PodIdentityReport.fromCloudAssembly(handAssembly({ stacks: { App: { account: '111111111111', template: VALID } } }));
  expect(report.entries.map(e => `${e.namespace}/${e.serviceAccount} ${e.role.logicalId} ${e.targetRole?.logicalId}`))
    .toEqual(['carts/carts Role Role', 'storage/ebs-csi-controller-sa Role undefined']);
  const role = report.entries[0].role;
  expect(role.policies.map(p => `${p.kind.name} ${p.name}`)).toEqual(['inline inline', 'inline prod', 'attached attached', 'customer-managed managed', 'aws-managed ReadOnlyAccess']);
  // Within the boundary (s3:*, sqs:SendMessage) and minus the Deny of s3:Delete*.
  expect(role.effectivePermissions.map(e => `${e.from}: ${[e.statement.Action ?? `not ${e.statement.NotAction}`].flat()}`)).toEqual([
    'inline policy inline, statement 1: s3:GetObject',
    'inline policy prod, statement 1: s3:*,sqs:SendMessage',
    'customer-managed policy managed, statement 1: sqs:SendMessage',
  ]);
});

const SEED = Number(process.env.FC_SEED ?? 18);

test(`${CASES} mutated templates: read, or the library's error naming the file (never a raw error)`, () => {
  const paths = pathsOf(VALID);
  const directory = handAssembly({ stacks: { App: { account: '111111111111', template: VALID } } });
  const file = path.join(directory, 'App.template.json');
  const outcomes = { read: 0, rejected: 0 };
  const replacement = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...REPLACEMENTS) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(value => () => value) },
  );
  const mutation = fc.tuple(fc.constantFrom(...paths), replacement);
  fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), mutations => {
    // Paths of a later mutation may no longer exist after an earlier one: mutate() then builds them.
    const mutated = mutations.reduce<Json>((template, [target, replace]) => template === undefined || template === null || typeof template !== 'object'
      ? template : mutate(template, target, replace), VALID);
    fs.writeFileSync(file, mutated === undefined ? '' : JSON.stringify(mutated));
    try {
      const report = PodIdentityReport.fromCloudAssembly(directory);
      report.toMarkdown();
      JSON.parse(report.toJson());
      outcomes.read++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!LIBRARY_ERROR.test(message) || message.includes('\n')) {
        throw new Error(`not the library's one-line error: ${error instanceof Error ? error.name : ''} ${message}`);
      }
      outcomes.rejected++;
    }
  }), { seed: SEED, numRuns: CASES, endOnFailure: true });
  // Both outcomes happen: the generator reaches malformed and valid-but-unusual inputs.
  expect(outcomes.read).toBeGreaterThan(CASES / 10);
  expect(outcomes.rejected).toBeGreaterThan(CASES / 10);
});
