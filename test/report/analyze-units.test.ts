// The report's analysis, unit by unit, on small hand-built templates (no app is synthesized): the template helpers,
// policy documents, permission findings, acknowledgements, the entries of associations and add-ons, and the report.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { ACKNOWLEDGEMENTS_METADATA_KEY } from '../../lib/private/acknowledgements';
import { problemIdOf } from '../../lib/private/errors';
import { Progress } from '../../lib/private/progress';
import { applyAcknowledgements, checkAcknowledgements, readAcknowledgementsFile } from '../../lib/report/acknowledgements';
import { analyzeAssembly } from '../../lib/report/analyze';
import { CloudAssembly } from '../../lib/report/assembly';
import { MalformedValue } from '../../lib/report/malformed';
import { FindingId, FindingSeverity, PodIdentityReportEntry, PolicyKind, ReportFinding, ReportPolicy, ReportRole } from '../../lib/report/model';
import { effectiveOf, permissionFindings } from '../../lib/report/permissions';
import { renderedDocument, statementsOf } from '../../lib/report/policy-documents';
import { PodIdentityReport } from '../../lib/report/report';
import { Json, Template, constructPathOf, isObject, sortedEntries } from '../../lib/report/template';
import { toJsonDocument, toMarkdown } from '../../lib/report/writers';

function template(resources: Record<string, Json> = {}, overrides: Partial<Template> = {}): Template {
  return {
    name: 'Shop',
    file: 'cdk.out/Shop.template.json',
    account: '111111111111',
    assemblyDirectory: 'cdk.out',
    resources,
    outputs: {},
    parameterValues: {},
    nested: {},
    paths: {},
    ...overrides,
  };
}

/** A cloud assembly of hand-built templates (CloudAssembly.read reads files; its constructor is private). */
function assemblyOf(...templates: Template[]): CloudAssembly {
  const assembly = new (CloudAssembly as any)() as CloudAssembly;
  assembly.templates.push(...templates);
  return assembly;
}

/** The message of what `fn` throws ('nothing thrown' when it returns), checked to carry the problem id it names. */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    // The error carries the id its message names (the CLI and PodIdentityReport callers read it).
    expect(`${(error as Error).message} `).toMatch(new RegExp(`^\\[cdk-eks-pod-identity:${problemIdOf(error)}\\] `));
    return (error as Error).message;
  }
  return 'nothing thrown';
}

describe('template helpers', () => {
  test.each<[string, Json, Record<string, string>, string | undefined]>([
    ['the aws:cdk:path metadata, without its leading slash and trailing /Resource', { Metadata: { 'aws:cdk:path': '/Shop/Role/Resource' } }, {}, 'Shop/Role'],
    ['the metadata before the manifest', { Metadata: { 'aws:cdk:path': 'Shop/FromMetadata' } }, { Role: '/Shop/FromManifest' }, 'Shop/FromMetadata'],
    ['the manifest when the metadata has none', { Metadata: {} }, { Role: '/Shop/FromManifest/Resource' }, 'Shop/FromManifest'],
    ['the manifest for a resource without Metadata', {}, { Role: '/Shop/FromManifest' }, 'Shop/FromManifest'],
    ['the manifest when the metadata is not a string', { Metadata: { 'aws:cdk:path': 42 } }, { Role: 'Shop/FromManifest' }, 'Shop/FromManifest'],
    ['a path without a leading slash, as it is', { Metadata: { 'aws:cdk:path': 'Shop/Role' } }, {}, 'Shop/Role'],
    ['only a trailing /Resource removed', { Metadata: { 'aws:cdk:path': '/Shop/Resource/Policy' } }, {}, 'Shop/Resource/Policy'],
    ['undefined when neither says', {}, {}, undefined],
  ])('constructPathOf: %s', (_, resource, paths, expected) => {
    expect(constructPathOf(template({ Role: resource }, { paths }), 'Role')).toBe(expected);
  });

  test('constructPathOf: a logical id not in the template has the manifest path, or none', () => {
    expect(constructPathOf(template({}, { paths: { Gone: '/Shop/Gone/Resource' } }), 'Gone')).toBe('Shop/Gone');
    expect(constructPathOf(template(), 'Gone')).toBeUndefined();
  });

  test.each<[Json, boolean]>([
    [{}, true], [{ a: 1 }, true], [null, false], [undefined, false], [[], false], ['text', false], [3, false],
  ])('isObject(%p) is %p', (value, expected) => {
    expect(isObject(value)).toBe(expected);
  });

  test('sortedEntries sorts by key, whatever the insertion order', () => {
    expect(sortedEntries({ c: 3, a: 1, d: 4, b: 2 })).toEqual([['a', 1], ['b', 2], ['c', 3], ['d', 4]]);
    expect(sortedEntries({ Zeta: 1, Alpha: 2, alpha: 3, Mid: 4, Beta: 5 }).map(([key]) => key)).toEqual(['Alpha', 'Beta', 'Mid', 'Zeta', 'alpha']);
    expect(sortedEntries({})).toEqual([]);
  });
});

describe('renderedDocument: a policy document checked and rendered', () => {
  const assembly = assemblyOf();
  const render = (value: Json, placeholders = new Map<string, Json>()) => renderedDocument(assembly, value, 'Policy', template({ Table: { Type: 'AWS::DynamoDB::Table' } }), placeholders);
  const allow = (more: Json = {}) => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', ...more });

  test('a document object: its other fields kept and rendered, Statement always a list', () => {
    expect(render({ Version: '2012-10-17', Id: { Ref: 'Table' }, Statement: allow() }))
      .toEqual({ Version: '2012-10-17', Id: '${Table}', Statement: [allow()] });
  });

  test('a JSON string is parsed; an intrinsic is rendered, then parsed', () => {
    expect(render(JSON.stringify({ Statement: [allow()] }))).toEqual({ Statement: [allow()] });
    const placeholders = new Map<string, Json>();
    expect(render({ 'Fn::Join': ['', ['{"Statement":[{"Effect":"Deny","Action":"*","Resource":"', { 'Fn::GetAtt': ['Table', 'Arn'] }, '"}]}']] }, placeholders))
      .toEqual({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '${Table.Arn}' }] });
    expect([...placeholders.keys()]).toEqual(['Table.Arn']);
  });

  test('a single intrinsic as Action or Resource is rendered as it is (not a list to take apart)', () => {
    expect(render({ Statement: [allow({ Action: { Ref: 'Action' }, Resource: { 'Fn::GetAtt': ['Table', 'Arn'] }, NotResource: { Ref: 'Table' } })] }))
      .toEqual({ Statement: [allow({ Action: '${Action}', Resource: '${Table.Arn}', NotResource: '${Table}' })] });
  });

  test('statements and the values of their lists are rendered', () => {
    expect(render({ Statement: [allow({ Resource: [{ 'Fn::GetAtt': ['Table', 'Arn'] }, 'arn:aws:s3:::b/*'], Condition: { StringEquals: { 'aws:ResourceTag/t': { Ref: 'AWS::Region' } } } })] }))
      .toEqual({ Statement: [allow({ Resource: ['${Table.Arn}', 'arn:aws:s3:::b/*'], Condition: { StringEquals: { 'aws:ResourceTag/t': '${AWS::Region}' } } })] });
  });

  test.each(['Action', 'NotAction', 'Resource', 'NotResource'])('an Fn::If in %s is taken with both branches (AWS::NoValue dropped)', key => {
    const statement = { Effect: 'Allow', [key]: ['a:One', { 'Fn::If': ['IsProd', 'a:Two', { Ref: 'AWS::NoValue' }] }] };
    expect(render({ Statement: [statement] })).toEqual({ Statement: [{ Effect: 'Allow', [key]: ['a:One', 'a:Two'] }] });
    const whole = { Effect: 'Allow', [key]: { 'Fn::If': ['IsProd', ['a:One'], ['a:Two', 'a:Three']] } };
    expect(render({ Statement: [whole] })).toEqual({ Statement: [{ Effect: 'Allow', [key]: ['a:One', 'a:Two', 'a:Three'] }] });
    // IAM takes one string for a list, so an Fn::If may choose between strings (a bug: was malformed).
    const strings = { Effect: 'Allow', [key]: { 'Fn::If': ['IsProd', 'a:One', { Ref: 'Other' }] } };
    expect(render({ Statement: [strings] })).toEqual({ Statement: [{ Effect: 'Allow', [key]: ['a:One', '${Other}'] }] });
  });

  test('an Fn::If of whole principals: one statement per branch, keys in their order; among one type\'s values: both', () => {
    const trust = (principal: Json) => ({ Sid: 'S', Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' });
    expect(render({ Statement: [trust({ 'Fn::If': ['C', { AWS: '*' }, { Service: 's.amazonaws.com' }] })] }).Statement.map((s: Json) => Object.entries(s)))
      .toEqual([Object.entries(trust({ AWS: '*' })), Object.entries(trust({ Service: 's.amazonaws.com' }))]);
    expect(render({ Statement: [trust({ AWS: ['a', { 'Fn::If': ['C', '*', { Ref: 'AWS::NoValue' }] }], Service: { 'Fn::If': ['C', 's', 't'] } })] }))
      .toEqual({ Statement: [trust({ AWS: ['a', '*'], Service: ['s', 't'] })] });
    const { Principal: _principal, ...noPrincipal } = trust(undefined);
    const [withoutPrincipal] = render({ Statement: [trust({ 'Fn::If': ['C', { Ref: 'AWS::NoValue' }, { Ref: 'AWS::NoValue' }] })] }).Statement;
    expect(Object.keys(withoutPrincipal)).toEqual(Object.keys(noPrincipal));
    expect(render({ Statement: [{ Effect: 'Deny', NotPrincipal: { 'Fn::If': ['C', { AWS: 'a' }, { AWS: 'b' }] }, Action: '*' }] }))
      .toEqual({ Statement: [{ Effect: 'Deny', NotPrincipal: { AWS: 'a' }, Action: '*' }, { Effect: 'Deny', NotPrincipal: { AWS: 'b' }, Action: '*' }] });
    expect(render({ Statement: [trust({ Ref: 'Trusted' })] })).toEqual({ Statement: [trust('${Trusted}')] });
  });

  test('an Fn::If in another field is rendered as a placeholder, not taken apart', () => {
    const statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Sid: { 'Fn::If': ['IsProd', 'A', 'B'] } };
    expect(render({ Statement: [statement] })).toEqual({ Statement: [{ ...allow(), Sid: '${If:IsProd?A:B}' }] });
  });

  test('an Fn::If of whole documents: the statements of both', () => {
    const deny = { Effect: 'Deny', Action: '*', Resource: '*' };
    expect(render({ 'Fn::If': ['IsProd', { Version: '2012-10-17', Statement: [allow()] }, { Version: 'other', Statement: [deny] }] }))
      .toEqual({ Version: '2012-10-17', Statement: [allow(), deny] });
  });

  test('an Fn::If of statements: both; a missing Statement: none', () => {
    const deny = { Effect: 'Deny', Action: '*', Resource: '*' };
    // IAM takes one statement object for Statement, so CloudFormation may choose between two (a bug: was malformed).
    expect(render({ Statement: { 'Fn::If': ['IsProd', allow(), deny] } })).toEqual({ Statement: [allow(), deny] });
    expect(render({ Statement: { 'Fn::If': ['IsProd', [allow(), allow({ Sid: 'Two' })], deny] } })).toEqual({ Statement: [allow(), allow({ Sid: 'Two' }), deny] });
    expect(render({ Statement: { 'Fn::If': ['IsProd', allow(), { Ref: 'AWS::NoValue' }] } })).toEqual({ Statement: [allow()] });
    expect(render({ Statement: [allow(), { 'Fn::If': ['IsProd', deny, { Ref: 'AWS::NoValue' }] }] })).toEqual({ Statement: [allow(), deny] });
    expect(render({ Version: '2012-10-17' })).toEqual({ Version: '2012-10-17', Statement: [] });
  });

  test.each<[string, Json, string]>([
    ['missing', undefined, 'Policy is missing'],
    ['null', null, 'Policy is null'],
    ['not JSON', '{"Statement": [', 'Policy is a string that is not a JSON policy document'],
    ['a list', [allow()], 'Policy is an array, not a policy document'],
    ['a number', 7, 'Policy is a number, not a policy document'],
    ['a statement that is not an object', { Statement: [allow(), 'x'] }, 'Policy.Statement[1] is a string, not an object'],
    ['a single statement that is not an object', { Statement: 'x' }, 'Policy.Statement is a string, not an object'],
    ['a Ref as Statement', { Statement: { Ref: 'Statements' } }, 'Policy.Statement is {"Ref":"Statements"}, not a list'],
    ['an Fn::If choosing a statement that is not an object', { Statement: { 'Fn::If': ['C', allow(), 'x'] } }, 'Policy.Statement is a string, not an object'],
    ['an Effect in lower case', { Statement: [allow({ Effect: 'allow' })] }, 'Policy.Statement[0].Effect is "allow", not "Allow" or "Deny"'],
    ['no Effect', { Statement: [{ Action: '*', Resource: '*' }] }, 'Policy.Statement[0].Effect is null, not "Allow" or "Deny"'],
    ['a rendered Effect', { Statement: { Effect: { Ref: 'Effect' }, Action: '*' } }, 'Policy.Statement.Effect is "${Effect}", not "Allow" or "Deny"'],
    ['a principal list that is not a list', { Statement: [allow({ Principal: { AWS: { 'Fn::If': ['C', 7, 'a'] } } })] }, 'Policy.Statement[0].Principal.AWS is a number, not a list'],
    ['an Action list that is not a list', { Statement: [allow({ Action: { 'Fn::If': ['C', 7, 's3:GetObject'] } })] }, 'Policy.Statement[0].Action is a number, not a list'],
  ])('malformed: %s', (_, value, message) => {
    let caught: unknown;
    try {
      render(value);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MalformedValue);
    expect(String((caught as Error).message)).toBe(message);
  });
});

describe('statementsOf', () => {
  test.each<[string, Json, Json[]]>([
    ['a list', { Statement: [{ Effect: 'Allow' }, { Effect: 'Deny' }] }, [{ Effect: 'Allow' }, { Effect: 'Deny' }]],
    ['one statement', { Statement: { Effect: 'Allow' } }, [{ Effect: 'Allow' }]],
    ['no Statement', { Version: '2012-10-17' }, []],
    ['items that are not objects left out', { Statement: ['x', null, { Effect: 'Allow' }, ['y']] }, [{ Effect: 'Allow' }]],
    ['a string', 'text', []],
    ['undefined', undefined, []],
    ['null', null, []],
    ['a list', [{ Statement: [{ Effect: 'Allow' }] }], []],
  ])('%s', (_, document, expected) => {
    expect(statementsOf(document)).toEqual(expected);
  });
});

const ROLE_ARN = 'arn:aws:iam::111111111111:role/shop';

function role(policies: ReportPolicy[], boundary?: ReportPolicy, arn = ROLE_ARN): ReportRole {
  return { arn, inAssembly: true, trustScope: 'any', policies, permissionsBoundary: boundary, ...effectiveOf(policies, boundary) };
}

const inline = (name: string, ...statements: Json[]): ReportPolicy => ({ kind: PolicyKind.INLINE, name, document: { Statement: statements } });
const awsManaged = (name: string): ReportPolicy => ({ kind: PolicyKind.AWS_MANAGED, name, arn: `arn:aws:iam::aws:policy/${name}` });

/** The findings of a role, each with the `from` its callback got (undefined for a managed policy's). */
function findingsOf(reportRole: ReportRole): Array<[string, string, string, string | undefined]> {
  return permissionFindings(reportRole, (finding, from) => ({ ...finding, from } as ReportFinding))
    .map(finding => [finding.id, finding.severity.name, finding.message, (finding as any).from]);
}

describe('effectiveOf: the effective permissions of a role', () => {
  const READ = { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' };

  test('each Allow statement by where it comes from (its Sid, else its number); Deny statements only remove', () => {
    const result = effectiveOf([
      inline('logs', { Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }, { Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
      inline('deny', { Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }, READ, { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }),
    ], undefined);
    expect(result).toEqual({
      effectivePermissions: [
        { from: 'inline policy logs, statement 1', statement: { Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: '*' } },
        { from: 'inline policy logs, statement Read', statement: { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' } },
        { from: 'inline policy deny, statement 2', statement: { ...READ, Action: ['s3:GetObject'] } },
      ],
      effectivePermissionsUnknown: undefined,
    });
  });

  test('a boundary in the assembly limits the statements, and its Deny statements deny', () => {
    const boundary: ReportPolicy = {
      kind: PolicyKind.CUSTOMER_MANAGED,
      name: 'boundary',
      arn: 'arn:aws:iam::111111111111:policy/boundary',
      document: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }] },
    };
    const result = effectiveOf([inline('p', READ, { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' })], boundary);
    expect(result).toEqual({
      effectivePermissions: [{ from: 'inline policy p, statement 1', statement: { ...READ, Action: ['s3:PutObject'], Resource: ['*'] } }],
      effectivePermissionsUnknown: undefined,
    });
  });

  test.each<[string, ReportPolicy, string | undefined]>([
    ['AdministratorAccess limits nothing', awsManaged('AdministratorAccess'), undefined],
    ['another AWS managed policy is known by name only', awsManaged('PowerUserAccess'),
      'the permissions boundary is the AWS managed policy PowerUserAccess, known by name only'],
    ['a customer managed policy named AdministratorAccess is not the AWS one',
      { kind: PolicyKind.CUSTOMER_MANAGED, name: 'AdministratorAccess', arn: 'arn:aws:iam::111111111111:policy/AdministratorAccess' },
      'the permissions boundary arn:aws:iam::111111111111:policy/AdministratorAccess is not in the cloud assembly'],
    ['a boundary without an ARN, by name', { kind: PolicyKind.CUSTOMER_MANAGED, name: 'limits' }, 'the permissions boundary limits is not in the cloud assembly'],
  ])('a boundary without a document: %s', (_, boundary, unknown) => {
    const result = effectiveOf([inline('p', READ)], boundary);
    expect(result.effectivePermissionsUnknown).toBe(unknown);
    // The statements as the policies say (the boundary cannot be applied).
    expect(result.effectivePermissions).toEqual([{ from: 'inline policy p, statement 1', statement: READ }]);
  });

  test('no policies, no boundary: nothing', () => {
    expect(effectiveOf([], undefined)).toEqual({ effectivePermissions: [], effectivePermissionsUnknown: undefined });
  });
});

describe('permissionFindings', () => {
  const W = FindingId.WILDCARD_ACTION;
  const R = FindingId.WILDCARD_RESOURCE_ON_WRITE;
  const at = (policy: string, statement: string | number) => `inline policy ${policy} of role ${ROLE_ARN}, statement ${statement}`;
  const from = (policy: string, statement: string | number) => `inline policy ${policy}, statement ${statement}`;

  test.each<[string, Json, Array<[string, string, string, string | undefined]>]>([
    ['a read on one resource: none', { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }, []],
    ['a read on every resource: none', { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' }, []],
    ['a write on one resource: none', { Effect: 'Allow', Action: 's3:PutObject', Resource: ['arn:aws:s3:::b/*'] }, []],
    ['a prefix wildcard that is not a whole service: none', { Effect: 'Allow', Action: ['s3:Get*', 's3:*Object', 'a:b:*'], Resource: 'arn:aws:s3:::b/*' }, []],
    ['every action', { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b' }, [[W, 'error', `${at('p', 1)} allows *`, from('p', 1)]]],
    ['every action of services', { Effect: 'Allow', Action: ['s3:*', 's3:GetObject', 'dynamodb:*'], Resource: 'arn:aws:s3:::b' },
      [[W, 'error', `${at('p', 1)} allows s3:*, dynamodb:*`, from('p', 1)]]],
    ['writes on every resource', { Sid: 'Put', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: ['arn:aws:s3:::b', '*'] },
      [[R, 'warning', `${at('p', 'Put')} allows s3:PutObject, s3:DeleteObject on every resource (*)`, from('p', 'Put')]]],
    ['a write with NotResource', { Effect: 'Allow', Action: 's3:PutObject', NotResource: 'arn:aws:s3:::secret/*' },
      [[R, 'warning', `${at('p', 1)} allows s3:PutObject on every resource (NotResource)`, from('p', 1)]]],
    ['a read with NotResource: none', { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }, []],
    ['NotAction on one resource', { Effect: 'Allow', NotAction: ['iam:*', 'sts:*'], Resource: 'arn:aws:s3:::b' },
      [[W, 'error', `${at('p', 1)} allows every action except iam:*, sts:* (NotAction)`, from('p', 1)]]],
    ['NotAction on every resource', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }, [
      [W, 'error', `${at('p', 1)} allows every action except iam:* (NotAction)`, from('p', 1)],
      [R, 'warning', `${at('p', 1)} allows write actions on every resource (*)`, from('p', 1)],
    ]],
    ['* on every resource', { Effect: 'Allow', Action: '*', Resource: '*' }, [
      [W, 'error', `${at('p', 1)} allows *`, from('p', 1)],
      [R, 'warning', `${at('p', 1)} allows * on every resource (*)`, from('p', 1)],
    ]],
  ])('%s', (_, statement, expected) => {
    expect(findingsOf(role([inline('p', statement)]))).toEqual(expected);
  });

  test.each<[string, boolean]>([
    ['AdministratorAccess', true], ['PowerUserAccess', true], ['AmazonS3FullAccess', true], ['FullAccess', true],
    ['job-function/ViewOnlyAccess', false], ['ReadOnlyAccess', false], ['AdministratorAccess-Amplify', false],
    ['NotAdministratorAccess', false], ['AmazonS3FullAccessX', false], ['service-role/AmazonS3FullAccess', true],
  ])('the AWS managed policy %s grants every action: %p', (name, broad) => {
    expect(findingsOf(role([awsManaged(name)]))).toEqual(broad
      ? [[W, 'error', `aws-managed policy ${name} of role ${ROLE_ARN} grants every action of a service (or of all services)`, undefined]] : []);
  });

  test('a customer managed policy named AdministratorAccess is read by its statements, not its name', () => {
    const policy: ReportPolicy = { kind: PolicyKind.CUSTOMER_MANAGED, name: 'AdministratorAccess', document: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } };
    expect(findingsOf(role([policy]))).toEqual([]);
  });

  test.each<[string, Json, boolean]>([
    ['an unconditional Deny of * on *', { Effect: 'Deny', Action: '*', Resource: '*' }, false],
    ['a Deny listing * among others', { Effect: 'Deny', Action: ['s3:GetObject', '*'], Resource: ['arn:aws:s3:::b', '*'] }, false],
    ['a conditional Deny', { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }, true],
    ['a Deny of one service', { Effect: 'Deny', Action: 's3:*', Resource: '*' }, true],
    ['a Deny on one resource', { Effect: 'Deny', Action: '*', Resource: 'arn:aws:s3:::b' }, true],
    ['an Allow of * on *', { Effect: 'Allow', Action: '*', Resource: '*' }, true],
  ])('AdministratorAccess with %s in an inline policy: reported %p', (_, statement, reported) => {
    const found = findingsOf(role([awsManaged('AdministratorAccess'), inline('p', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, statement)]));
    expect(found.some(([, , message]) => message.startsWith('aws-managed policy AdministratorAccess'))).toBe(reported);
  });

  test('a Deny of everything in the boundary: the broad AWS managed policy grants nothing', () => {
    const boundary: ReportPolicy = { kind: PolicyKind.CUSTOMER_MANAGED, name: 'b', document: { Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] } };
    expect(findingsOf(role([awsManaged('AdministratorAccess')], boundary))).toEqual([]);
  });

  test('when the boundary is unknown, each finding says it holds only if the boundary allows it', () => {
    const withArn: ReportPolicy = { kind: PolicyKind.CUSTOMER_MANAGED, name: 'b', arn: 'arn:aws:iam::111111111111:policy/b' };
    expect(findingsOf(role([awsManaged('AmazonS3FullAccess'), inline('p', { Effect: 'Allow', Action: 's3:*', Resource: '*' })], withArn))).toEqual([
      [W, 'error', `aws-managed policy AmazonS3FullAccess of role ${ROLE_ARN} grants every action of a service (or of all services), if the permissions boundary arn:aws:iam::111111111111:policy/b allows it`, undefined],
      [W, 'error', `${at('p', 1)} allows s3:*, if the permissions boundary arn:aws:iam::111111111111:policy/b allows it`, from('p', 1)],
      [R, 'warning', `${at('p', 1)} allows s3:* on every resource (*), if the permissions boundary arn:aws:iam::111111111111:policy/b allows it`, from('p', 1)],
    ]);
    expect(findingsOf(role([inline('p', { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b' })], awsManaged('PowerUserAccess')))).toEqual([
      [W, 'error', `${at('p', 1)} allows *, if the permissions boundary arn:aws:iam::aws:policy/PowerUserAccess allows it`, from('p', 1)],
    ]);
    expect(findingsOf(role([inline('p', { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b' })], { kind: PolicyKind.CUSTOMER_MANAGED, name: 'named' }))).toEqual([
      [W, 'error', `${at('p', 1)} allows *, if the permissions boundary named allows it`, from('p', 1)],
    ]);
  });

  test('a known boundary that allows the statement: no condition in the message', () => {
    const boundary: ReportPolicy = { kind: PolicyKind.CUSTOMER_MANAGED, name: 'b', document: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };
    expect(findingsOf(role([inline('p', { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b' })], boundary))).toEqual([
      [W, 'error', `${at('p', 1)} allows s3:*`, from('p', 1)],
    ]);
    expect(findingsOf(role([inline('p', { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b' })], awsManaged('AdministratorAccess')))).toEqual([
      [W, 'error', `${at('p', 1)} allows s3:*`, from('p', 1)],
    ]);
  });
});

describe('applyAcknowledgements', () => {
  const KEY = ACKNOWLEDGEMENTS_METADATA_KEY;
  const REASON = 'the pods need it, reviewed';
  const finding: ReportFinding = { id: FindingId.WILDCARD_ACTION, severity: FindingSeverity.ERROR, message: 'allows *' };
  const shop = template({
    Association: { Type: 'AWS::EKS::PodIdentityAssociation', Metadata: { 'aws:cdk:path': '/Shop/Api/Association' } },
    Role: { Type: 'AWS::IAM::Role', Metadata: { 'aws:cdk:path': '/Shop/Api/Role/Resource' } },
    Policy: { Type: 'AWS::IAM::Policy' },
  });
  const reportRole: ReportRole = { arn: ROLE_ARN, inAssembly: true, logicalId: 'Role', trustScope: 'any', policies: [], effectivePermissions: [] };
  const entry = {
    stack: 'Shop', cluster: '${Cluster}', clusterDisplayName: 'prod', namespace: 'shop', serviceAccount: 'api', role: reportRole,
  } as PodIdentityReportEntry;
  const subjects = [{ template: shop, logicalId: 'Association' }, { template: shop, logicalId: 'Role' }, { template: shop, logicalId: 'Policy' }];
  const about = { role: reportRole, self: { template: shop, logicalId: 'Role' } };
  const given = (ack: Record<string, string>) => ({ ack: { id: FindingId.WILDCARD_ACTION, reason: REASON, ...ack }, source: 'acks.json acknowledgements[0]' });
  const acknowledgedBy = (ack: Record<string, string>, aboutRole: Json = about, on: Json = subjects) =>
    applyAcknowledgements(entry, [{ finding, subjects: on, role: aboutRole }], [given(ack)])[0].acknowledged?.source;

  test.each<[string, Record<string, string>, boolean]>([
    ['stack', { stack: 'Shop' }, true],
    ['stack glob', { stack: 'Sh*' }, true],
    ['another stack', { stack: 'Shop2' }, false],
    ['cluster as rendered', { cluster: '${Cluster}' }, true],
    ['cluster by its display name', { cluster: 'prod' }, true],
    ['another cluster', { cluster: 'dev' }, false],
    ['namespace', { namespace: 'shop' }, true],
    ['namespace prefix glob', { namespace: 's*' }, true],
    ['another namespace', { namespace: 'shop-2' }, false],
    ['service account', { serviceAccount: 'api' }, true],
    ['another service account', { serviceAccount: 'web' }, false],
    ['role by ARN', { role: ROLE_ARN }, true],
    ['role by ARN glob', { role: 'arn:aws:iam::*:role/shop' }, true],
    ['role by logical id', { role: 'Role' }, true],
    ['role by construct path', { role: 'Shop/Api/Role' }, true],
    ['another role', { role: 'Other' }, false],
    ['resource: the association by logical id', { resource: 'Association' }, true],
    ['resource: the association by construct path', { resource: 'Shop/Api/Association' }, true],
    ['resource: the policy (a subject without a path)', { resource: 'Policy' }, true],
    ['resource glob over paths', { resource: 'Shop/Api/*' }, true],
    ['resource that is none of the subjects', { resource: 'Table' }, false],
    ['resource: no text stands for a subject without a path', { resource: 'undefined' }, false],
    ['several selectors, all matching', { stack: 'Shop', namespace: 'shop', serviceAccount: 'api' }, true],
    ['several selectors, one not matching', { stack: 'Shop', namespace: 'shop', serviceAccount: 'web' }, false],
    ['several selectors, only the last matching', { stack: 'Other', serviceAccount: 'api' }, false],
    ['a glob is whole: no prefix match', { namespace: 'sho' }, false],
    ['a glob is whole: no suffix match', { namespace: 'hop' }, false],
    ['a dot is a dot', { serviceAccount: 'a.i' }, false],
  ])('a file acknowledgement selecting %s: applies %p', (_, ack, applies) => {
    expect(acknowledgedBy(ack)).toBe(applies ? 'acks.json acknowledgements[0]' : undefined);
  });

  test('the role selector names the role the finding is about, without its resource when it is not in the assembly', () => {
    const missing: ReportRole = { arn: 'arn:aws:iam::222222222222:role/away', inAssembly: false, trustScope: 'unknown', policies: [], effectivePermissions: [] };
    expect(acknowledgedBy({ role: 'arn:aws:iam::222222222222:role/away' }, { role: missing })).toBe('acks.json acknowledgements[0]');
    expect(acknowledgedBy({ role: 'Role' }, { role: missing })).toBeUndefined();
    expect(acknowledgedBy({ role: '* *' }, { role: missing })).toBeUndefined();
    expect(acknowledgedBy({ role: 'undefined' }, { role: { ...missing, logicalId: undefined } })).toBeUndefined();
  });

  test('a resource selector matches the subjects only', () => {
    expect(acknowledgedBy({ resource: 'Role' }, about, [subjects[0]])).toBeUndefined();
    expect(acknowledgedBy({ resource: 'Role' }, about, [subjects[1]])).toBe('acks.json acknowledgements[0]');
    expect(acknowledgedBy({ resource: '*' }, about, [])).toBeUndefined();
  });

  test.each<[string, string, boolean]>([
    ['a.b', 'a.b', true], ['a.b', 'axb', false], ['a+b', 'a+b', true], ['a+b', 'aab', false], ['a?', 'a?', true], ['a?', 'ab', false],
    ['(x)', '(x)', true], ['a$b', 'a$b', true], ['[ab]', '[ab]', true], ['[ab]', 'a', false], ['a|b', 'a|b', true], ['a|b', 'a', false],
    ['a\\b', 'a\\b', true], ['{1}', '{1}', true], ['^a', '^a', true], ['*', 'line\nbreak', true], ['a*b*c', 'aXXbYYc', true], ['a*b*c', 'aXXc', false],
    ['S*', 'Shop', true], ['\\S*', 'Shop', false], ['\\w', 'x', false],
  ])('the glob %p matching the namespace %p: %p', (pattern, namespace, applies) => {
    const result = applyAcknowledgements({ ...entry, namespace }, [{ finding, subjects, role: about }], [given({ namespace: pattern })]);
    expect(result[0].acknowledged !== undefined).toBe(applies);
  });

  test('an acknowledgement of another finding id does not apply', () => {
    const other = { ack: { id: FindingId.UNSCOPED_TRUST, reason: REASON, stack: '*' }, source: 'acknowledgements[0]' };
    expect(applyAcknowledgements(entry, [{ finding, subjects, role: about }], [other])).toEqual([finding]);
  });

  test('the first given acknowledgement that applies, its reason trimmed', () => {
    const acks = [
      { ack: { id: FindingId.WILDCARD_ACTION, reason: REASON, stack: 'Other' }, source: 'acknowledgements[0]' },
      { ack: { id: FindingId.WILDCARD_ACTION, reason: `  ${REASON}\n`, stack: 'Shop' }, source: 'acknowledgements[1]' },
      { ack: { id: FindingId.WILDCARD_ACTION, reason: 'a later reason', stack: '*' }, source: 'acknowledgements[2]' },
    ];
    expect(applyAcknowledgements(entry, [{ finding, subjects, role: about }], acks))
      .toEqual([{ ...finding, acknowledged: { reason: REASON, source: 'acknowledgements[1]' } }]);
  });

  test('metadata: the first subject with an acknowledgement of the id and a string reason, before any given one', () => {
    const written = template({
      Association: { Type: 'AWS::EKS::PodIdentityAssociation', Metadata: { [KEY]: [null, 'x', { id: FindingId.WILDCARD_ACTION }, { id: FindingId.UNSCOPED_TRUST, reason: 'about the trust' }] } },
      Gone: undefined,
      Plain: { Type: 'AWS::IAM::Role' },
      NotAList: { Type: 'AWS::IAM::Role', Metadata: { [KEY]: { id: FindingId.WILDCARD_ACTION, reason: 'not in a list' } } },
      Role: { Type: 'AWS::IAM::Role', Metadata: { [KEY]: [{ id: FindingId.WILDCARD_ACTION, reason: 'the role needs it', extra: 1 }] } },
      Policy: { Type: 'AWS::IAM::Policy', Metadata: { 'aws:cdk:path': '/Shop/Policy/Resource', [KEY]: [{ id: FindingId.WILDCARD_ACTION, reason: 'the policy needs it' }] } },
    }, { paths: { Role: '/Shop/Api/Role/Resource' } });
    const on = ['Association', 'Missing', 'Gone', 'Plain', 'NotAList', 'Role', 'Policy'].map(logicalId => ({ template: written, logicalId }));
    expect(applyAcknowledgements(entry, [{ finding, subjects: on, role: about }], [given({ stack: '*' })]))
      .toEqual([{ ...finding, acknowledged: { reason: 'the role needs it', source: 'metadata of Shop/Api/Role' } }]);
    expect(applyAcknowledgements(entry, [{ finding, subjects: on.slice(6), role: about }], []))
      .toEqual([{ ...finding, acknowledged: { reason: 'the policy needs it', source: 'metadata of Shop/Policy' } }]);
    expect(applyAcknowledgements(entry, [{ finding, subjects: on.slice(0, 5), role: about }], [given({ stack: '*' })]))
      .toEqual([{ ...finding, acknowledged: { reason: REASON, source: 'acks.json acknowledgements[0]' } }]);
  });

  test('metadata of a resource without a construct path is named by stack and logical id', () => {
    const written = template({ Role: { Type: 'AWS::IAM::Role', Metadata: { [KEY]: [{ id: FindingId.WILDCARD_ACTION, reason: 'the role needs it' }] } } });
    expect(applyAcknowledgements(entry, [{ finding, subjects: [{ template: written, logicalId: 'Role' }], role: about }], []))
      .toEqual([{ ...finding, acknowledged: { reason: 'the role needs it', source: 'metadata of Shop/Role' } }]);
  });

  test('each finding on its own, in order', () => {
    const trust: ReportFinding = { id: FindingId.UNSCOPED_TRUST, severity: FindingSeverity.WARNING, message: 'trusts any' };
    const result = applyAcknowledgements(entry, [{ finding, subjects, role: about }, { finding: trust, subjects, role: about }],
      [{ ack: { id: FindingId.UNSCOPED_TRUST, reason: REASON, namespace: 'shop' }, source: 'acknowledgements[0]' }]);
    expect(result).toEqual([finding, { ...trust, acknowledged: { reason: REASON, source: 'acknowledgements[0]' } }]);
  });
});

describe('acknowledgements given to the report', () => {
  const REASON = 'the pods need it, reviewed';
  const FORMAT = 'a JSON object { "acknowledgements": [{ "id": "<finding id>", "reason": "<why, 10+ characters>", and at least one of "stack", "cluster", "namespace", "serviceAccount", "role", "resource" }] }';
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acks-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const wrong = (file: string, what: string) => `[cdk-eks-pod-identity:MalformedAcknowledgements] ${file}: ${what}. Fix: write ${FORMAT}`;

  test('a file: each acknowledgement as written (a copy)', () => {
    const acks = [{ id: 'WildcardAction', reason: REASON, stack: 'Shop' }, { id: 'UnscopedTrust', reason: REASON, role: '*', namespace: 'shop' }];
    const file = write('good.json', JSON.stringify({ acknowledgements: acks, comment: 'other fields are ignored' }));
    expect(readAcknowledgementsFile(file)).toEqual(acks);
    expect(readAcknowledgementsFile(write('empty.json', '{ "acknowledgements": [] }'))).toEqual([]);
  });

  test.each<[string, string, string]>([
    ['not JSON', '{ "acknowledgements": [', 'is not JSON ('],
    ['a list', '[]', 'is an array, not an object'],
    ['null', 'null', 'is null, not an object'],
    ['no acknowledgements', '{}', 'acknowledgements is undefined, not an array'],
    ['acknowledgements not a list', '{ "acknowledgements": { "id": "WildcardAction" } }', 'acknowledgements is an object, not an array'],
    ['an item not an object', `{ "acknowledgements": [{ "id": "WildcardAction", "reason": "${REASON}", "stack": "*" }, 7] }`, 'acknowledgements[1] is a number, not an object'],
    ['an unknown id', '{ "acknowledgements": [{ "id": "Wildcard", "reason": "long enough reason", "stack": "*" }] }', 'acknowledgements[0]: id "Wildcard" is not a finding id of the report ('],
    ['a short reason', '{ "acknowledgements": [{ "id": "WildcardAction", "reason": "short", "stack": "*" }] }', 'acknowledgements[0]: the reason for WildcardAction is "short": a reason of at least 10 characters is required'],
    ['an unknown field', `{ "acknowledgements": [{ "id": "WildcardAction", "reason": "${REASON}", "stack": "*", "rol": "x" }] }`, 'acknowledgements[0] has the unknown field "rol" (fields: id, reason, stack, cluster, namespace, serviceAccount, role, resource)'],
    ['an empty selector', `{ "acknowledgements": [{ "id": "WildcardAction", "reason": "${REASON}", "stack": "" }] }`, 'acknowledgements[0].stack is "", not a non-empty string'],
    ['a selector not a string', `{ "acknowledgements": [{ "id": "WildcardAction", "reason": "${REASON}", "stack": "Shop", "role": 5 }] }`, 'acknowledgements[0].role is 5, not a non-empty string'],
    ['a null selector', `{ "acknowledgements": [{ "id": "WildcardAction", "reason": "${REASON}", "resource": null }] }`, 'acknowledgements[0].resource is null, not a non-empty string'],
    ['no selector', `{ "acknowledgements": [{ "id": "WildcardAction", "reason": "${REASON}" }] }`, 'acknowledgements[0] (WildcardAction) selects nothing: give at least one of stack, cluster, namespace, serviceAccount, role, resource (use "*" deliberately, e.g. "stack": "*")'],
  ])('a file with %s', (name, text, what) => {
    const file = write(`${name.replace(/ /g, '-')}.json`, text);
    const message = thrown(() => readAcknowledgementsFile(file));
    if (what.endsWith('(')) expect(message.startsWith(`[cdk-eks-pod-identity:MalformedAcknowledgements] ${file}: ${what}`)).toBe(true);
    else expect(message).toBe(wrong(file, what));
  });

  test('a file that cannot be read: its error code; a message on one line', () => {
    const missing = path.join(dir, 'no\n  such.json');
    expect(thrown(() => readAcknowledgementsFile(missing))).toBe(wrong(path.join(dir, 'no such.json'), 'cannot be read (ENOENT)'));
    expect(thrown(() => readAcknowledgementsFile(path.join(dir, 'a\nb.json')))).toBe(wrong(path.join(dir, 'a b.json'), 'cannot be read (ENOENT)'));
    expect(thrown(() => readAcknowledgementsFile(dir))).toBe(wrong(dir, 'cannot be read (EISDIR)'));
  });

  test('checkAcknowledgements: fine ones pass', () => {
    expect(() => checkAcknowledgements([])).not.toThrow();
    expect(() => checkAcknowledgements([{ id: 'WildcardAction', reason: REASON, serviceAccount: 'api' }, { id: 'UnscopedTrust', reason: REASON, cluster: '*' }])).not.toThrow();
  });

  const FIX = 'give a finding id, a reason of at least 10 characters, and what it applies to (stack, cluster, namespace, serviceAccount, role or resource)';
  test.each<[string, Json, string]>([
    ['not a list', 'x', '[cdk-eks-pod-identity:InvalidAcknowledgement] acknowledgements is a string, not an array. Fix: give an array of acknowledgements, each with a finding id, a reason of at least 10 characters, and what it applies to'],
    ['undefined', undefined, '[cdk-eks-pod-identity:InvalidAcknowledgement] acknowledgements is undefined, not an array. Fix: give an array of acknowledgements, each with a finding id, a reason of at least 10 characters, and what it applies to'],
    ['an item not an object', [{ id: 'WildcardAction', reason: REASON, stack: '*' }, null], `[cdk-eks-pod-identity:InvalidAcknowledgement] acknowledgements[1]: is null, not an object. Fix: ${FIX}`],
    ['a short reason', [{ id: 'WildcardAction', reason: 'short', stack: '*' }], `[cdk-eks-pod-identity:InvalidAcknowledgement] acknowledgements[0]: the reason for WildcardAction is "short": a reason of at least 10 characters is required. Fix: ${FIX}`],
    ['no selector', [{ id: 'WildcardAction', reason: REASON }], `[cdk-eks-pod-identity:InvalidAcknowledgement] acknowledgements[0] (WildcardAction) selects nothing: give at least one of stack, cluster, namespace, serviceAccount, role, resource (use "*" deliberately, e.g. "stack": "*"). Fix: ${FIX}`],
    ['an unknown field', [{ id: 'WildcardAction', reason: REASON, stack: '*', Namespace: 'x' }], `[cdk-eks-pod-identity:InvalidAcknowledgement] acknowledgements[0] has the unknown field "Namespace" (fields: id, reason, stack, cluster, namespace, serviceAccount, role, resource). Fix: ${FIX}`],
  ])('checkAcknowledgements: %s', (_, acks, message) => {
    expect(thrown(() => checkAcknowledgements(acks))).toBe(message);
  });
});

describe('analyzeAssembly: the entries of associations', () => {
  const KEY = ACKNOWLEDGEMENTS_METADATA_KEY;
  const REASON = 'the pods need it, reviewed';
  const podTrust = (namespace = 'shop', serviceAccount = 'api') => ({
    Statement: [{
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: { StringEquals: { 'aws:RequestTag/eks-cluster-name': 'prod', 'aws:RequestTag/kubernetes-namespace': namespace, 'aws:RequestTag/kubernetes-service-account': serviceAccount } },
    }],
  });
  const roleWith = (statements: Json[] = [], more: Json = {}) => ({
    Type: 'AWS::IAM::Role',
    Properties: { AssumeRolePolicyDocument: podTrust(), Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: statements } }] },
    ...more,
  });
  const association = (props: Json = {}, more: Json = {}) => ({
    Type: 'AWS::EKS::PodIdentityAssociation',
    Properties: { ClusterName: 'prod', Namespace: 'shop', ServiceAccount: 'api', RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] }, ...props },
    ...more,
  });
  const S3_ALL = { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b' };
  const analyze = (resources: Record<string, Json>, acks: Json[] = []) => analyzeAssembly(assemblyOf(template(resources)), acks);
  const findings = (entry: PodIdentityReportEntry) => entry.findings.map(f => [f.id, f.severity.name, f.message, f.acknowledged?.source]);

  test('an association with a cluster of the assembly: every field', () => {
    const [entry, ...rest] = analyze({
      Cluster: { Type: 'AWS::EKS::Cluster', Properties: { Name: 'prod' } },
      Role: roleWith([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }]),
      Association: association({ ClusterName: { Ref: 'Cluster' } }),
    });
    expect(rest).toEqual([]);
    expect({ ...entry, role: undefined }).toEqual({
      stack: 'Shop',
      logicalId: 'Association',
      resourceType: 'AWS::EKS::PodIdentityAssociation',
      cluster: '${Cluster}',
      clusterDisplayName: 'prod',
      namespace: 'shop',
      serviceAccount: 'api',
      role: undefined,
      targetRole: undefined,
      roleChain: ['${Role.Arn}'],
      sessionTagsEnabled: true,
      sessionTags: {
        'eks-cluster-arn': '${Cluster.Arn}',
        'eks-cluster-name': '${Cluster}',
        'kubernetes-namespace': 'shop',
        'kubernetes-service-account': 'api',
        'kubernetes-pod-name': '${PodName}',
        'kubernetes-pod-uid': '${PodUid}',
      },
      sessionPolicy: undefined,
      placeholders: {
        'Cluster': { Ref: 'Cluster' },
        'Cluster.Arn': { 'Fn::GetAtt': ['Cluster', 'Arn'] },
        'PodName': 'the name of the pod (differs per pod)',
        'PodUid': 'the uid of the pod (differs per pod)',
        'Role.Arn': { 'Fn::GetAtt': ['Role', 'Arn'] },
      },
      findings: [],
    });
    expect(Object.keys(entry.placeholders)).toEqual(['Cluster', 'Cluster.Arn', 'PodName', 'PodUid', 'Role.Arn']);
    expect(entry.role).toMatchObject({ arn: '${Role.Arn}', inAssembly: true, stack: 'Shop', logicalId: 'Role' });
  });

  test('a cluster known by name: the ARN EKS builds from it, with the placeholders of the partition, region and account', () => {
    const [entry] = analyze({ Role: roleWith(), Association: association() });
    expect(entry.cluster).toBe('prod');
    expect(entry.clusterDisplayName).toBe('prod');
    expect(entry.sessionTags['eks-cluster-arn']).toBe('arn:${AWS::Partition}:eks:${AWS::Region}:${AWS::AccountId}:cluster/prod');
    expect(Object.keys(entry.placeholders)).toEqual(['AWS::AccountId', 'AWS::Partition', 'AWS::Region', 'PodName', 'PodUid', 'Role.Arn']);
    expect(entry.placeholders['AWS::Region']).toEqual({ Ref: 'AWS::Region' });
  });

  test.each<[string, Json, string, string]>([
    ['aws-eks-v2 Name', { Type: 'AWS::EKS::Cluster', Properties: { Name: 'v2', Config: { name: 'other' } } }, 'v2', '${Cluster.Arn}'],
    ['aws-eks Config.name', { Type: 'Custom::AWSCDK-EKS-Cluster', Properties: { Config: { name: 'legacy' } } }, 'legacy', '${Cluster.Arn}'],
    ['no name: the construct path', { Type: 'AWS::EKS::Cluster', Properties: {}, Metadata: { 'aws:cdk:path': '/Shop/Eks/Resource' } }, 'Shop/Eks', '${Cluster.Arn}'],
    ['no Properties: the construct path', { Type: 'AWS::EKS::Cluster', Metadata: { 'aws:cdk:path': 'Shop/Eks' } }, 'Shop/Eks', '${Cluster.Arn}'],
    ['a name that is not a literal: the construct path', { Type: 'AWS::EKS::Cluster', Properties: { Name: { Ref: 'Name' } }, Metadata: { 'aws:cdk:path': 'Shop/Eks' } }, 'Shop/Eks', '${Cluster.Arn}'],
    ['no name, no path: as rendered', { Type: 'AWS::EKS::Cluster', Properties: {} }, '${Cluster}', '${Cluster.Arn}'],
    ['not a cluster: as rendered, the ARN built from it', { Type: 'AWS::SSM::Parameter', Properties: { Name: 'p' } }, '${Cluster}',
      'arn:${AWS::Partition}:eks:${AWS::Region}:${AWS::AccountId}:cluster/${Cluster}'],
  ])('the cluster (a Ref to a resource): %s', (_, cluster, displayName, arn) => {
    const [entry] = analyze({ Cluster: cluster, Role: roleWith(), Association: association({ ClusterName: { Ref: 'Cluster' } }) });
    expect([entry.cluster, entry.clusterDisplayName, entry.sessionTags['eks-cluster-arn']]).toEqual(['${Cluster}', displayName, arn]);
  });

  test.each(['constructor', '__proto__', 'toString'])('a cluster and a role named %p (a member every object has): not resources of the template', name => {
    const [entry] = analyze({ Association: association({ ClusterName: { Ref: name }, RoleArn: { 'Fn::GetAtt': [name, 'Arn'] } }) });
    expect([entry.cluster, entry.clusterDisplayName, entry.sessionTags['eks-cluster-arn']])
      .toEqual([`\${${name}}`, `\${${name}}`, `arn:\${AWS::Partition}:eks:\${AWS::Region}:\${AWS::AccountId}:cluster/\${${name}}`]);
    expect(findings(entry)).toEqual([
      [FindingId.ROLE_NOT_IN_ASSEMBLY, 'warning', `the role \${${name}.Arn} is not defined in this cloud assembly, so its trust and permissions are unknown`, undefined],
    ]);
  });

  test.each<[Json, boolean]>([[true, false], ['true', false], [false, true], ['false', true], [undefined, true]])('DisableSessionTags %p: session tags %p', (disable, enabled) => {
    const [entry] = analyze({ Role: roleWith(), Association: association({ DisableSessionTags: disable }) });
    expect(entry.sessionTagsEnabled).toBe(enabled);
    expect(Object.keys(entry.sessionTags)).toEqual(enabled
      ? ['eks-cluster-arn', 'eks-cluster-name', 'kubernetes-namespace', 'kubernetes-service-account', 'kubernetes-pod-name', 'kubernetes-pod-uid'] : []);
    expect(Object.keys(entry.placeholders)).toEqual(enabled ? ['AWS::AccountId', 'AWS::Partition', 'AWS::Region', 'PodName', 'PodUid', 'Role.Arn'] : ['Role.Arn']);
  });

  test.each<[string, Json, Json]>([
    ['a JSON string: parsed', '{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}', { Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] }],
    ['an intrinsic: rendered, then parsed', { 'Fn::Sub': '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"${Bucket.Arn}"}]}' },
      { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '${Bucket.Arn}' }] }],
    ['text that is not JSON: as it is', '{"Statement": [', '{"Statement": ['],
    ['a string "null": null', 'null', null],
  ])('the session policy: %s', (_, policy, expected) => {
    const [entry] = analyze({ Role: roleWith(), Association: association({ Policy: policy }) });
    expect(entry.sessionPolicy).toEqual(expected);
  });

  test('a target role: in the role chain, its permissions reported (its trust is not the pods\')', () => {
    const [entry] = analyze({
      Role: roleWith(),
      Target: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] }, Policies: [{ PolicyName: 't', PolicyDocument: { Statement: [S3_ALL] } }] } },
      Association: association({ TargetRoleArn: { 'Fn::GetAtt': ['Target', 'Arn'] } }),
    });
    expect(entry.roleChain).toEqual(['${Role.Arn}', '${Target.Arn}']);
    expect(entry.targetRole).toMatchObject({ arn: '${Target.Arn}', logicalId: 'Target' });
    expect(findings(entry)).toEqual([[FindingId.WILDCARD_ACTION, 'error', 'inline policy t of role ${Target.Arn}, statement 1 allows s3:*', undefined]]);
  });

  test('roles not in the assembly: a finding each, naming what they are', () => {
    const [entry] = analyze({
      Association: association({ RoleArn: 'arn:aws:iam::111111111111:role/away', TargetRoleArn: 'arn:aws:iam::222222222222:role/far' }),
    });
    expect(entry.roleChain).toEqual(['arn:aws:iam::111111111111:role/away', 'arn:aws:iam::222222222222:role/far']);
    expect(findings(entry)).toEqual([
      [FindingId.ROLE_NOT_IN_ASSEMBLY, 'warning', 'the role arn:aws:iam::111111111111:role/away is not defined in this cloud assembly, so its trust and permissions are unknown', undefined],
      [FindingId.ROLE_NOT_IN_ASSEMBLY, 'warning', 'the target role arn:aws:iam::222222222222:role/far is not defined in this cloud assembly, so its trust and permissions are unknown', undefined],
    ]);
  });

  test('the same role as role and target role: its findings once', () => {
    const [entry] = analyze({ Role: roleWith([S3_ALL]), Association: association({ TargetRoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] } }) });
    expect(findings(entry)).toEqual([[FindingId.WILDCARD_ACTION, 'error', 'inline policy p of role ${Role.Arn}, statement 1 allows s3:*', undefined]]);
  });

  test('trust findings: the role\'s trust checked against the association\'s namespace and service account', () => {
    const [entry] = analyze({ Role: roleWith(), Association: association({ Namespace: 'other', ServiceAccount: 'web' }) });
    expect(findings(entry)).toEqual([
      [FindingId.NOT_TRUSTED_BY_POD_IDENTITY, 'error', 'role ${Role.Arn} trusts namespace shop only, not other (tag values are case-sensitive): EKS cannot assume it for these pods', undefined],
      [FindingId.NOT_TRUSTED_BY_POD_IDENTITY, 'error', 'role ${Role.Arn} trusts service account api only, not web (tag values are case-sensitive): EKS cannot assume it for these pods', undefined],
    ]);
  });

  test('findings sorted: errors first, then by id and message', () => {
    const [entry] = analyze({
      Role: roleWith([
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' },
        { Effect: 'Allow', Action: 'b:*', Resource: 'x' },
        { Effect: 'Allow', Action: 'a:*', Resource: 'x' },
      ]),
      Association: association({ ServiceAccount: 'web' }),
    });
    expect(findings(entry).map(([id, severity, message]) => `${severity} ${id} ${message}`)).toEqual([
      'error NotTrustedByPodIdentity role ${Role.Arn} trusts service account api only, not web (tag values are case-sensitive): EKS cannot assume it for these pods',
      'error WildcardAction inline policy p of role ${Role.Arn}, statement 2 allows b:*',
      'error WildcardAction inline policy p of role ${Role.Arn}, statement 3 allows a:*',
      'warning WildcardResourceOnWrite inline policy p of role ${Role.Arn}, statement 1 allows sqs:SendMessage on every resource (*)',
    ].sort((a, b) => (a.startsWith('error') === b.startsWith('error') ? (a < b ? -1 : 1) : a.startsWith('error') ? -1 : 1)));
  });

  test('entries sorted by stack, cluster, namespace, service account and logical id, whatever the template order', () => {
    const resources = (prefix: string) => ({
      Role: roleWith(),
      [`${prefix}E`]: association({ ClusterName: 'b', Namespace: 'a', ServiceAccount: 'a' }),
      [`${prefix}D`]: association({ ClusterName: 'a', Namespace: 'b', ServiceAccount: 'a' }),
      [`${prefix}C`]: association({ ClusterName: 'a', Namespace: 'a', ServiceAccount: 'b' }),
      [`${prefix}B`]: association({ ClusterName: 'a', Namespace: 'a', ServiceAccount: 'a' }),
      [`${prefix}A`]: association({ ClusterName: 'a', Namespace: 'a', ServiceAccount: 'a' }),
    });
    const entries = analyzeAssembly(assemblyOf(template(resources('Z'), { name: 'Web' }), template(resources('Y'), { name: 'Api' })));
    expect(entries.map(e => `${e.stack} ${e.cluster} ${e.namespace} ${e.serviceAccount} ${e.logicalId}`)).toEqual([
      'Api a a a YA', 'Api a a a YB', 'Api a a b YC', 'Api a b a YD', 'Api b a a YE',
      'Web a a a ZA', 'Web a a a ZB', 'Web a a b ZC', 'Web a b a ZD', 'Web b a a ZE',
    ]);
  });

  test('an add-on: an entry per association, its namespace from NamespaceConfig, the known add-on, or a placeholder', () => {
    const addon = (name: string, more: Json = {}) => ({
      Type: 'AWS::EKS::Addon',
      Properties: {
        AddonName: name,
        ClusterName: 'prod',
        PodIdentityAssociations: [{ ServiceAccount: 'sa-1', RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] } }, { 'Fn::If': ['C', { ServiceAccount: 'sa-2', RoleArn: 'arn:aws:iam::111111111111:role/away' }, { Ref: 'AWS::NoValue' }] }],
        ...more,
      },
    });
    const entries = analyze({
      Role: roleWith(),
      Known: addon('vpc-cni'),
      Configured: addon('vpc-cni', { NamespaceConfig: { Namespace: 'networking' } }),
      Unknown: addon('my-addon'),
      Empty: { Type: 'AWS::EKS::Addon', Properties: { ClusterName: 'prod' } },
      EmptyList: { Type: 'AWS::EKS::Addon', Properties: { ClusterName: 'prod', PodIdentityAssociations: [] } },
    });
    expect(entries.map(e => [e.logicalId, e.resourceType, e.cluster, e.namespace, e.serviceAccount, e.role.arn])).toEqual([
      ['Unknown', 'AWS::EKS::Addon', 'prod', '${Addon:my-addon.Namespace}', 'sa-1', '${Role.Arn}'],
      ['Unknown', 'AWS::EKS::Addon', 'prod', '${Addon:my-addon.Namespace}', 'sa-2', 'arn:aws:iam::111111111111:role/away'],
      ['Known', 'AWS::EKS::Addon', 'prod', 'kube-system', 'sa-1', '${Role.Arn}'],
      ['Known', 'AWS::EKS::Addon', 'prod', 'kube-system', 'sa-2', 'arn:aws:iam::111111111111:role/away'],
      ['Configured', 'AWS::EKS::Addon', 'prod', 'networking', 'sa-1', '${Role.Arn}'],
      ['Configured', 'AWS::EKS::Addon', 'prod', 'networking', 'sa-2', 'arn:aws:iam::111111111111:role/away'],
    ]);
  });

  test('entries of equal keys (an add-on associating a service account twice) keep the order of the template', () => {
    const roles = ['arn:aws:iam::111111111111:role/c', 'arn:aws:iam::111111111111:role/a', 'arn:aws:iam::111111111111:role/b'];
    const entries = analyze({
      Addon: {
        Type: 'AWS::EKS::Addon',
        Properties: { AddonName: 'x', ClusterName: 'prod', PodIdentityAssociations: roles.map(RoleArn => ({ ServiceAccount: 'sa', RoleArn })) },
      },
    });
    expect(entries.map(e => e.role.arn)).toEqual(roles);
  });

  test('other resources give no entries', () => {
    expect(analyze({ Role: roleWith(), Cluster: { Type: 'AWS::EKS::Cluster', Properties: {} } })).toEqual([]);
  });

  test.each<[string, Json, string]>([
    ['an association without Properties', { Type: 'AWS::EKS::PodIdentityAssociation' }, 'Resources.Association.Properties is missing'],
    ['an association without ClusterName', association({ ClusterName: undefined }), 'Resources.Association.Properties.ClusterName is missing'],
    ['an association without Namespace', association({ Namespace: undefined }), 'Resources.Association.Properties.Namespace is missing'],
    ['an association without ServiceAccount', association({ ServiceAccount: undefined }), 'Resources.Association.Properties.ServiceAccount is missing'],
    ['an association without RoleArn', association({ RoleArn: undefined }), 'Resources.Association.Properties.RoleArn is missing'],
    ['an add-on without Properties', { Type: 'AWS::EKS::Addon' }, 'Resources.Association.Properties is missing'],
    ['an add-on without AddonName', { Type: 'AWS::EKS::Addon', Properties: { PodIdentityAssociations: [{ ServiceAccount: 's', RoleArn: 'r' }] } }, 'Resources.Association.Properties.AddonName is missing'],
    ['an add-on whose PodIdentityAssociations is a Ref (to a list parameter), not a list', { Type: 'AWS::EKS::Addon', Properties: { AddonName: 'a', PodIdentityAssociations: { Ref: 'Associations' } } }, 'Resources.Association.Properties.PodIdentityAssociations is {"Ref":"Associations"}, not a list'],
    ['an add-on association that is not an object', { Type: 'AWS::EKS::Addon', Properties: { AddonName: 'a', PodIdentityAssociations: ['x'] } }, 'Resources.Association.Properties.PodIdentityAssociations[0] is a string, not an object'],
    ['an add-on association without ServiceAccount', { Type: 'AWS::EKS::Addon', Properties: { AddonName: 'a', PodIdentityAssociations: [{ RoleArn: 'r' }] } }, 'Resources.Association.Properties.PodIdentityAssociations[0].ServiceAccount is missing'],
    ['an add-on association without RoleArn', { Type: 'AWS::EKS::Addon', Properties: { AddonName: 'a', PodIdentityAssociations: [{ ServiceAccount: 's' }] } }, 'Resources.Association.Properties.PodIdentityAssociations[0].RoleArn is missing'],
    ['an add-on NamespaceConfig that is not an object', { Type: 'AWS::EKS::Addon', Properties: { AddonName: 'a', NamespaceConfig: 'ns', PodIdentityAssociations: [{ ServiceAccount: 's', RoleArn: 'r' }] } }, 'Resources.Association.Properties.NamespaceConfig is a string, not an object'],
  ])('malformed: %s', (_, resource, what) => {
    expect(thrown(() => analyze({ Association: resource }))).toContain(`cdk.out/Shop.template.json: ${what}`);
  });

  test('progress: one update per resource of every template, then the end (also when reading fails)', () => {
    const calls: Json[] = [];
    const progress = { update: (done: number, total: number) => calls.push([done, total]), end: () => calls.push('end') } as unknown as Progress;
    const entries = analyzeAssembly(assemblyOf(template({ Role: roleWith(), Association: association() }), template({ A: {}, B: {}, C: {} }, { name: 'Other' })), [], progress);
    expect(entries).toHaveLength(1);
    expect(calls).toEqual([[1, 5], [2, 5], [3, 5], [4, 5], [5, 5], 'end']);
    calls.length = 0;
    expect(() => analyzeAssembly(assemblyOf(template({ Association: association({ RoleArn: undefined }) })), [], progress)).toThrow(/RoleArn is missing/);
    expect(calls).toEqual([[1, 1], 'end']);
  });

  describe('acknowledgements', () => {
    const resources = (roleMore: Json = {}, associationMore: Json = {}) => ({
      Role: roleWith([S3_ALL], roleMore),
      Target: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } }, Metadata: { 'aws:cdk:path': '/Shop/Target/Resource' } },
      TargetPolicy: {
        Type: 'AWS::IAM::Policy',
        Properties: { PolicyName: 'tp', Roles: [{ Ref: 'Target' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: 'x' }] } },
        Metadata: { 'aws:cdk:path': '/Shop/TargetPolicy/Resource' },
      },
      Association: association({ TargetRoleArn: { 'Fn::GetAtt': ['Target', 'Arn'] }, ServiceAccount: 'web' }, associationMore),
    });
    const TRUST = [FindingId.NOT_TRUSTED_BY_POD_IDENTITY, 'error', 'role ${Role.Arn} trusts service account api only, not web (tag values are case-sensitive): EKS cannot assume it for these pods'];
    const ROLE_S3 = [FindingId.WILDCARD_ACTION, 'error', 'inline policy p of role ${Role.Arn}, statement 1 allows s3:*'];
    const TARGET_DDB = [FindingId.WILDCARD_ACTION, 'error', 'attached policy tp of role ${Target.Arn}, statement 1 allows dynamodb:*'];
    const given = (ack: Json) => [{ ack: { reason: REASON, ...ack }, source: 'acknowledgements[0]' }];

    test('none: every finding unacknowledged', () => {
      expect(findings(analyze(resources())[0])).toEqual([[...TRUST, undefined], [...TARGET_DDB, undefined], [...ROLE_S3, undefined]]);
    });

    test('in the association\'s Metadata: any finding of the entry', () => {
      const entry = analyze(resources({}, { Metadata: { [KEY]: [{ id: FindingId.WILDCARD_ACTION, reason: REASON }] } }))[0];
      expect(findings(entry)).toEqual([[...TRUST, undefined], [...TARGET_DDB, 'metadata of Shop/Association'], [...ROLE_S3, 'metadata of Shop/Association']]);
    });

    test('in the role\'s Metadata: the findings about the role only', () => {
      const written = [{ id: FindingId.WILDCARD_ACTION, reason: REASON }, { id: FindingId.NOT_TRUSTED_BY_POD_IDENTITY, reason: REASON }];
      const entry = analyze(resources({ Metadata: { [KEY]: written } }))[0];
      expect(findings(entry)).toEqual([[...TRUST, 'metadata of Shop/Role'], [...TARGET_DDB, undefined], [...ROLE_S3, 'metadata of Shop/Role']]);
    });

    test.each<[string, Json, Array<string | undefined>]>([
      ['the target role by logical id', { id: FindingId.WILDCARD_ACTION, role: 'Target' }, [undefined, 'acknowledgements[0]', undefined]],
      ['the target role by construct path', { id: FindingId.WILDCARD_ACTION, role: 'Shop/Target' }, [undefined, 'acknowledgements[0]', undefined]],
      ['the role by ARN', { id: FindingId.WILDCARD_ACTION, role: '${Role.Arn}' }, [undefined, undefined, 'acknowledgements[0]']],
      ['the role, for its trust finding', { id: FindingId.NOT_TRUSTED_BY_POD_IDENTITY, role: 'Role' }, ['acknowledgements[0]', undefined, undefined]],
      ['the target role\'s policy as resource', { id: FindingId.WILDCARD_ACTION, resource: 'Shop/TargetPolicy' }, [undefined, 'acknowledgements[0]', undefined]],
      ['the association as resource', { id: FindingId.WILDCARD_ACTION, resource: 'Association' }, [undefined, 'acknowledgements[0]', 'acknowledgements[0]']],
      ['the role as resource', { id: FindingId.WILDCARD_ACTION, resource: 'Role' }, [undefined, undefined, 'acknowledgements[0]']],
      ['the display name of the cluster', { id: FindingId.WILDCARD_ACTION, cluster: 'prod' }, [undefined, 'acknowledgements[0]', 'acknowledgements[0]']],
    ])('given, selecting %s', (_, ack, sources) => {
      expect(findings(analyze(resources(), given(ack))[0]).map(finding => finding[3])).toEqual(sources);
    });
  });
});

describe('PodIdentityReport', () => {
  const REASON = 'the pods need it, reviewed';
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
      version: '36.0.0',
      artifacts: { Shop: { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/us-east-1', properties: { templateFile: 'Shop.template.json' } } },
    }));
    const trust = (serviceAccount: string) => ({
      Statement: [{
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: { StringEquals: { 'aws:RequestTag/eks-cluster-name': 'prod', 'aws:RequestTag/kubernetes-namespace': 'shop', 'aws:RequestTag/kubernetes-service-account': serviceAccount } },
      }],
    });
    const roleOf = (serviceAccount: string, statement: Json) => ({
      Type: 'AWS::IAM::Role',
      Properties: { AssumeRolePolicyDocument: trust(serviceAccount), Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [statement] } }] },
    });
    fs.writeFileSync(path.join(dir, 'Shop.template.json'), JSON.stringify({
      Resources: {
        // api: a warning (a write on every resource); web: an error (s3:*); admin: clean, in another namespace.
        ApiRole: roleOf('api', { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }),
        WebRole: roleOf('web', { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b' }),
        Api: { Type: 'AWS::EKS::PodIdentityAssociation', Properties: { ClusterName: 'prod', Namespace: 'shop', ServiceAccount: 'api', RoleArn: { 'Fn::GetAtt': ['ApiRole', 'Arn'] } } },
        Web: { Type: 'AWS::EKS::PodIdentityAssociation', Properties: { ClusterName: 'prod', Namespace: 'shop', ServiceAccount: 'web', RoleArn: { 'Fn::GetAtt': ['WebRole', 'Arn'] } } },
        WebElsewhere: { Type: 'AWS::EKS::PodIdentityAssociation', Properties: { ClusterName: 'prod', Namespace: 'other', ServiceAccount: 'web', RoleArn: 'arn:aws:iam::111111111111:role/away' } },
      },
    }));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const brief = (report: PodIdentityReport) => report.findings.map(f => `${f.severity.name} ${f.id} ${f.acknowledged?.source ?? '-'}`);

  test('read without options (or null ones, from JavaScript): findings errors first', () => {
    const reports = [
      PodIdentityReport.fromCloudAssembly(dir), PodIdentityReport.fromCloudAssembly(dir, null as any), PodIdentityReport.fromCloudAssembly(dir, {}),
    ];
    for (const report of reports) {
      expect(report.entries.map(e => `${e.namespace}/${e.serviceAccount}`)).toEqual(['other/web', 'shop/api', 'shop/web']);
      expect(brief(report)).toEqual(['error WildcardAction -', 'warning RoleNotInAssembly -', 'warning WildcardResourceOnWrite -']);
    }
  });

  test('hasFindings: of the severity or worse, not acknowledged', () => {
    const report = PodIdentityReport.fromCloudAssembly(dir);
    expect(report.hasFindings(FindingSeverity.ERROR)).toBe(true);
    expect(report.hasFindings(FindingSeverity.WARNING)).toBe(true);
    const errorAcknowledged = PodIdentityReport.fromCloudAssembly(dir, { acknowledgements: [{ id: 'WildcardAction', reason: REASON, serviceAccount: 'web' }] });
    expect(errorAcknowledged.hasFindings(FindingSeverity.ERROR)).toBe(false);
    expect(errorAcknowledged.hasFindings(FindingSeverity.WARNING)).toBe(true);
    const allAcknowledged = PodIdentityReport.fromCloudAssembly(dir, {
      acknowledgements: ['WildcardAction', 'WildcardResourceOnWrite', 'RoleNotInAssembly'].map(id => ({ id, reason: REASON, stack: '*' })),
    });
    expect(allAcknowledged.hasFindings(FindingSeverity.WARNING)).toBe(false);
    expect(brief(allAcknowledged)).toEqual(['error WildcardAction acknowledgements[0]', 'warning RoleNotInAssembly acknowledgements[2]', 'warning WildcardResourceOnWrite acknowledgements[1]']);
  });

  test('hasFindings: an entry with an unacknowledged error among other findings', () => {
    const finding = (severity: FindingSeverity, acknowledged?: Json): ReportFinding => ({ id: FindingId.WILDCARD_ACTION, severity, message: 'm', acknowledged });
    const make = (...findingsOfEntries: ReportFinding[][]) =>
      new (PodIdentityReport as any)(findingsOfEntries.map(findings => ({ findings }))) as PodIdentityReport;
    const report = make([finding(FindingSeverity.WARNING), finding(FindingSeverity.ERROR)], [finding(FindingSeverity.ERROR, { reason: REASON, source: 's' })]);
    expect(report.hasFindings(FindingSeverity.ERROR)).toBe(true);
    const acknowledged = make([finding(FindingSeverity.WARNING)], [finding(FindingSeverity.ERROR, { reason: REASON, source: 's' })]);
    expect(acknowledged.hasFindings(FindingSeverity.ERROR)).toBe(false);
    expect(make([]).hasFindings(FindingSeverity.WARNING)).toBe(false);
  });

  test('acknowledgements in code, then from a file, each named by where it was given', () => {
    const file = path.join(dir, 'acks.json');
    fs.writeFileSync(file, JSON.stringify({ acknowledgements: [{ id: 'UnscopedTrust', reason: REASON, stack: '*' }, { id: 'WildcardAction', reason: REASON, stack: '*' }] }));
    const report = PodIdentityReport.fromCloudAssembly(dir, {
      acknowledgements: [{ id: 'RoleNotInAssembly', reason: REASON, namespace: 'other' }, { id: 'WildcardAction', reason: REASON, serviceAccount: 'web' }],
      acknowledgementsFile: file,
    });
    expect(brief(report)).toEqual(['error WildcardAction acknowledgements[1]', 'warning RoleNotInAssembly acknowledgements[0]', 'warning WildcardResourceOnWrite -']);
    const fromFile = PodIdentityReport.fromCloudAssembly(dir, { acknowledgementsFile: file });
    expect(brief(fromFile)).toEqual([`error WildcardAction ${file} acknowledgements[1]`, 'warning RoleNotInAssembly -', 'warning WildcardResourceOnWrite -']);
  });

  test('acknowledgements are checked before the assembly is read', () => {
    expect(() => PodIdentityReport.fromCloudAssembly(path.join(dir, 'missing'), { acknowledgements: [{ id: 'WildcardAction', reason: REASON }] }))
      .toThrow(/InvalidAcknowledgement\] acknowledgements\[0\] \(WildcardAction\) selects nothing/);
    expect(() => PodIdentityReport.fromCloudAssembly(dir, { acknowledgementsFile: path.join(dir, 'none.json') })).toThrow(/MalformedAcknowledgements\] .*none\.json: cannot be read \(ENOENT\)/);
  });

  test('entriesFor: the namespace and the service account both', () => {
    const report = PodIdentityReport.fromCloudAssembly(dir);
    expect(report.entriesFor('shop', 'web').map(e => e.logicalId)).toEqual(['Web']);
    expect(report.entriesFor('other', 'web').map(e => e.logicalId)).toEqual(['WebElsewhere']);
    expect(report.entriesFor('shop', 'nobody')).toEqual([]);
    expect(report.entriesFor('nowhere', 'api')).toEqual([]);
  });

  test('toJson: the JSON document, indented, with a final newline; toMarkdown: the writer\'s', () => {
    const report = PodIdentityReport.fromCloudAssembly(dir);
    const json = report.toJson();
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.startsWith('{\n  "formatVersion": ')).toBe(true);
    expect(JSON.parse(json).associations).toHaveLength(3);
    expect(json).toBe(`${JSON.stringify(toJsonDocument(report.entries), undefined, 2)}\n`);
    expect(report.toMarkdown()).toBe(toMarkdown(report.entries));
    expect(report.toMarkdown()).toContain('WildcardAction');
  });

  test('acknowledge: written into the Metadata of the resource', () => {
    const stack = new Stack();
    const resource = new CfnResource(stack, 'Role', { type: 'AWS::IAM::Role' });
    PodIdentityReport.acknowledge(resource, [{ id: 'WildcardAction', reason: `  ${REASON} ` }]);
    expect(resource.getMetadata(ACKNOWLEDGEMENTS_METADATA_KEY)).toEqual([{ id: 'WildcardAction', reason: REASON }]);
  });
});
