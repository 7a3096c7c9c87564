// Unit tests of the report's writers (lib/report/writers.ts), cloud assembly reader (lib/report/assembly.ts),
// malformed-value helpers (lib/report/malformed.ts) and command line (lib/report/cli.ts), on small hand-built inputs
// (report entries, hand-written cloud assembly files): exact Markdown and JSON, exact error messages, exit codes.
import * as fs from 'fs';
import * as path from 'path';
import { PodIdentityError } from '../../lib/private/errors';
import { PodIdentityReport } from '../../lib/report';
import { CloudAssembly } from '../../lib/report/assembly';
import { runCli } from '../../lib/report/cli';
import { MalformedValue, checkIntrinsic, expectObject, malformed, required } from '../../lib/report/malformed';
import { FindingSeverity, PodIdentityReportEntry, PolicyKind, ReportRole } from '../../lib/report/model';
import { toJsonDocument, toMarkdown } from '../../lib/report/writers';
import { filesDirectory, handAssembly } from '../helpers/report';

const HEADER = ['# EKS Pod Identity permissions', ''];
const TABLE_HEAD = ['| Stack | Cluster | Namespace | Service account | Role | Target role | Findings |', '|---|---|---|---|---|---|---|'];
const POLICY_HEAD = ['| Effect | Actions | Resources | Condition | From |', '|---|---|---|---|---|'];
const EFFECTIVE_HEAD = ['| Actions | Resources | Condition | From |', '|---|---|---|---|'];
/** The heading and facts of the `carts/api` entry of `entry()`. */
const CARTS_API_HEAD = [
  '## `carts/api` on cluster `prod`',
  '',
  '- Association: `Assoc` (AWS::EKS::PodIdentityAssociation) in stack `Shop`',
  '- Role: `${AppRole.Arn}` (`AppRole` in stack `Shop`)',
  '- Target role: none',
  '- Session tags: on',
  '- Trust: carts/api only',
  '',
];
const FOOTER = [
  'Placeholders: `${LogicalId}` is what `Ref` returns for that resource, `${LogicalId.Attribute}` its `Fn::GetAtt`. AWS managed policies are listed by name only.',
  '',
];

function role(overrides: Partial<ReportRole> = {}): ReportRole {
  return {
    arn: '${AppRole.Arn}',
    inAssembly: true,
    stack: 'Shop',
    logicalId: 'AppRole',
    trustScope: 'carts/api only',
    trustPolicy: { Statement: [] },
    policies: [],
    effectivePermissions: [],
    ...overrides,
  };
}

/** A role that is not in the cloud assembly (known by ARN only). */
function outsideRole(arn: string, overrides: Partial<ReportRole> = {}): ReportRole {
  return role({ arn, inAssembly: false, stack: undefined, logicalId: undefined, trustPolicy: undefined, trustScope: 'unknown', ...overrides });
}

function entry(overrides: Partial<PodIdentityReportEntry> = {}): PodIdentityReportEntry {
  return {
    stack: 'Shop',
    logicalId: 'Assoc',
    resourceType: 'AWS::EKS::PodIdentityAssociation',
    cluster: 'prod',
    clusterDisplayName: 'prod',
    namespace: 'carts',
    serviceAccount: 'api',
    role: role(),
    roleChain: ['${AppRole.Arn}'],
    sessionTagsEnabled: true,
    sessionTags: {},
    placeholders: {},
    findings: [],
    ...overrides,
  };
}

const ERROR = { id: 'WildcardAction', severity: FindingSeverity.ERROR, message: 'inline policy `read`: s3:* on *' };
const WARNING = { id: 'UnscopedTrust', severity: FindingSeverity.WARNING, message: 'trusts a|b|c' };
const ACKNOWLEDGED = {
  id: 'RoleNotInAssembly',
  severity: FindingSeverity.WARNING,
  message: 'gone',
  acknowledged: { reason: 'we know <why> *really*', source: 'f.json acknowledgements[0]' },
};

/** Every part of an entry: a cluster display name, a boundary, a Deny, a target role outside the assembly, a session policy, findings. */
function fullEntry(): PodIdentityReportEntry {
  return entry({
    stack: 'Shop|Main|Blue',
    cluster: '${Cluster}',
    clusterDisplayName: 'prod-cluster',
    sessionTagsEnabled: false,
    role: role({
      trustScope: 'a|b|c <x> <y> *d* _e_\nnext\nlast',
      policies: [
        {
          kind: PolicyKind.INLINE,
          name: 'read',
          document: {
            Statement: [
              { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: 'arn:aws:s3:::b|c|d/*' },
              {
                Effect: 'Deny',
                NotAction: ['s3:Get*', 'iam:*'],
                NotResource: 'arn:x',
                Condition: { StringEquals: { 'aws:RequestTag/a': ['x', 'y'], 'k2': 'z' }, Bool: { 'aws:SecureTransport': 'false' }, Weird: 'notAnObject' },
              },
            ],
          },
        },
        { kind: PolicyKind.AWS_MANAGED, name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
        { kind: PolicyKind.CUSTOMER_MANAGED, name: 'arn:aws:iam::1:policy/gone', arn: 'arn:aws:iam::1:policy/gone' },
        { kind: PolicyKind.ATTACHED, name: 'Empty`Policy', document: { Statement: [] } },
      ],
      permissionsBoundary: { kind: PolicyKind.CUSTOMER_MANAGED, name: 'Boundary', document: { Statement: { Effect: 'Allow', Action: '*', Resource: '*' } } },
      effectivePermissions: [
        { from: 'inline policy read, statement 1', statement: { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::b/*', Condition: { StringLike: { k: 'v*' } } } },
        { from: 'inline policy <x>|<y>', statement: { Effect: 'Allow', NotAction: 'iam:*', NotResource: ['arn:1', 'arn:2'] } },
      ],
    }),
    targetRole: outsideRole('arn:aws:iam::1:role/target'),
    roleChain: ['${AppRole.Arn}', 'arn:aws:iam::1:role/target'],
    sessionPolicy: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'line1\nline2\nline3' }] },
    findings: [ERROR, WARNING, ACKNOWLEDGED],
  });
}

describe('toMarkdown', () => {
  test('no association: the counts and one sentence', () => {
    expect(toMarkdown([])).toBe([
      ...HEADER,
      '0 associations · 0 errors · 0 warnings',
      '',
      'No `AWS::EKS::PodIdentityAssociation` and no add-on `PodIdentityAssociations` in this cloud assembly.',
      '',
    ].join('\n'));
  });

  test('every part of an entry, and an entry without findings, policies or target role', () => {
    expect(toMarkdown([fullEntry(), entry()]).split('\n')).toEqual([
      ...HEADER,
      '2 associations · 1 error · 1 warning · 1 acknowledged',
      '',
      ...TABLE_HEAD,
      '| `Shop\\|Main\\|Blue` | `prod-cluster` | `carts` | `api` | `${AppRole.Arn}` | `arn:aws:iam::1:role/target` | 🛑 1 error, ⚠️ 1 warning, ✅ 1 acknowledged |',
      '| `Shop` | `prod` | `carts` | `api` | `${AppRole.Arn}` | none | none |',
      '',
      '## `carts/api` on cluster `prod-cluster`',
      '',
      '- Cluster: `prod-cluster` (name `${Cluster}`)',
      '- Association: `Assoc` (AWS::EKS::PodIdentityAssociation) in stack `Shop\\|Main\\|Blue`',
      '- Role: `${AppRole.Arn}` (`AppRole` in stack `Shop`)',
      '- Target role: `arn:aws:iam::1:role/target` (not in the cloud assembly) (pods get its credentials)',
      '- Session tags: off',
      '- Trust: a\\|b\\|c \\<x\\> \\<y\\> \\*d\\* \\_e\\_ next last',
      '- Target role trust: unknown',
      '',
      ...POLICY_HEAD,
      '| Allow | `s3:GetObject`<br>`s3:ListBucket` | `arn:aws:s3:::b\\|c\\|d/*` |  | role: inline `read` |',
      '| Deny | all except `s3:Get*`<br>`iam:*` | all except `arn:x` | StringEquals `aws:RequestTag/a`: `x`<br>`y`<br>StringEquals `k2`: `z`<br>Bool `aws:SecureTransport`: `false` | role: inline `read` |',
      '| | (AWS managed policy) | | | role: aws-managed `ReadOnlyAccess` |',
      '| | (unknown: not in the cloud assembly) | | | role: customer-managed `arn:aws:iam::1:policy/gone` |',
      '| | (no statements) | | | role: attached ``Empty`Policy`` |',
      '| Allow | `*` | `*` |  | role: permissions boundary `Boundary` (limits) |',
      '| | (unknown: role not in the cloud assembly) | | | target role: `arn:aws:iam::1:role/target` |',
      '| Allow | `s3:*` | `line1 line2 line3` |  | session policy (limits) |',
      '',
      'Role: effective permissions (the Allow statements within the permissions boundary, minus what an explicit Deny cancels):',
      '',
      ...EFFECTIVE_HEAD,
      '| `s3:GetObject` | `arn:aws:s3:::b/*` | StringLike `k`: `v*` | inline policy read, statement 1 |',
      '| all except `iam:*` | all except `arn:1`<br>`arn:2` |  | inline policy \\<x\\>\\|\\<y\\> |',
      '',
      'Findings:',
      '',
      '- 🛑 error `WildcardAction`: inline policy `read`: s3:\\* on \\*',
      '- ⚠️ warning `UnscopedTrust`: trusts a\\|b\\|c',
      '- ✅ acknowledged warning `RoleNotInAssembly`: gone. Reason: we know \\<why\\> \\*really\\* (f.json acknowledgements[0])',
      '',
      ...CARTS_API_HEAD,
      ...POLICY_HEAD,
      '',
      ...FOOTER,
    ]);
  });

  test('counts per entry: only the severities present, acknowledged only when some are; the summary without acknowledged', () => {
    const twoWarnings = entry({ namespace: 'a', findings: [WARNING, { ...WARNING, id: 'TrustedBeyondPodIdentity' }] });
    const oneError = entry({ namespace: 'b', findings: [ERROR] });
    const markdown = toMarkdown([twoWarnings, oneError]).split('\n');
    expect(markdown.slice(0, 8)).toEqual([
      ...HEADER,
      '2 associations · 1 error · 2 warnings',
      '',
      ...TABLE_HEAD,
      '| `Shop` | `prod` | `a` | `api` | `${AppRole.Arn}` | none | ⚠️ 2 warnings |',
      '| `Shop` | `prod` | `b` | `api` | `${AppRole.Arn}` | none | 🛑 1 error |',
    ]);
    const allAcknowledged = entry({ findings: [ACKNOWLEDGED, { ...ERROR, acknowledged: ACKNOWLEDGED.acknowledged }] });
    expect(toMarkdown([allAcknowledged]).split('\n').slice(2, 7)).toEqual([
      '1 association · 0 errors · 0 warnings · 2 acknowledged',
      '',
      ...TABLE_HEAD,
      '| `Shop` | `prod` | `carts` | `api` | `${AppRole.Arn}` | none | ✅ 2 acknowledged |',
    ]);
  });

  test('effective permissions: shown only for a role in the assembly that a Deny or a boundary limits', () => {
    const allowOnly = { kind: PolicyKind.INLINE, name: 'allow', document: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } };
    const allowAndDeny = {
      kind: PolicyKind.ATTACHED,
      name: 'Deny',
      document: { Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }, { Effect: 'Deny', Action: '*', Resource: '*' }] },
    };
    const effective = [{ from: 'inline policy allow, statement 1', statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } }];
    const boundary = { kind: PolicyKind.CUSTOMER_MANAGED, name: 'arn:aws:iam::1:policy/b', arn: 'arn:aws:iam::1:policy/b' };
    // A boundary not in the assembly: unknown. The target role: a Deny in its second policy (no boundary) cancels everything.
    const unknown = entry({
      role: role({ policies: [allowOnly], permissionsBoundary: boundary, effectivePermissions: effective, effectivePermissionsUnknown: 'the boundary <b> is not in the cloud assembly' }),
      targetRole: role({ arn: '${Target.Arn}', logicalId: 'Target', trustScope: 'the role ${AppRole.Arn}', policies: [allowOnly, allowAndDeny], effectivePermissions: [] }),
    });
    expect(toMarkdown([unknown]).split('\n').slice(15, -2)).toEqual([
      '- Target role trust: the role ${AppRole.Arn}',
      '',
      ...POLICY_HEAD,
      '| Allow | `s3:GetObject` | `*` |  | role: inline `allow` |',
      '| | (unknown: not in the cloud assembly) | | | role: permissions boundary `arn:aws:iam::1:policy/b` (limits) |',
      '| Allow | `s3:GetObject` | `*` |  | target role: inline `allow` |',
      '| Allow | `sqs:*` | `*` |  | target role: attached `Deny` |',
      '| Deny | `*` | `*` |  | target role: attached `Deny` |',
      '',
      'Role: effective permissions: unknown: the boundary \\<b\\> is not in the cloud assembly; at most the Allow statements above.',
      '',
      'Target role: effective permissions: none (every Allow is cancelled by an explicit Deny or outside the permissions boundary).',
      '',
    ]);
    // Not limited (Allow statements only, no boundary), or not in the assembly: no effective permissions section.
    const unlimited = entry({ role: role({ policies: [allowOnly], effectivePermissions: effective }) });
    const outside = entry({ role: outsideRole('arn:aws:iam::1:role/r', { permissionsBoundary: boundary, effectivePermissions: effective }) });
    expect(toMarkdown([unlimited, outside]).split('\n').slice(9)).toEqual([
      ...CARTS_API_HEAD,
      ...POLICY_HEAD,
      '| Allow | `s3:GetObject` | `*` |  | inline `allow` |',
      '',
      '## `carts/api` on cluster `prod`',
      '',
      '- Association: `Assoc` (AWS::EKS::PodIdentityAssociation) in stack `Shop`',
      '- Role: `arn:aws:iam::1:role/r` (not in the cloud assembly)',
      '- Target role: none',
      '- Session tags: on',
      '- Trust: unknown',
      '',
      ...POLICY_HEAD,
      '| | (unknown: not in the cloud assembly) | | | permissions boundary `arn:aws:iam::1:policy/b` (limits) |',
      '| | (unknown: role not in the cloud assembly) | | | `arn:aws:iam::1:role/r` |',
      '',
      ...FOOTER,
    ]);
  });

  test('effective permissions of an entry without a target role: titled Effective', () => {
    const limited = entry({
      role: role({
        policies: [{ kind: PolicyKind.INLINE, name: 'p', document: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:Delete*', Resource: '*' }] } }],
        effectivePermissions: [{ from: 'inline policy p, statement 1', statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } }],
      }),
    });
    expect(toMarkdown([limited]).split('\n').slice(18, -2)).toEqual([
      '| Allow | `s3:*` | `*` |  | inline `p` |',
      '| Deny | `s3:Delete*` | `*` |  | inline `p` |',
      '',
      'Effective permissions (the Allow statements within the permissions boundary, minus what an explicit Deny cancels):',
      '',
      ...EFFECTIVE_HEAD,
      '| `s3:*` | `*` |  | inline policy p, statement 1 |',
      '',
    ]);
  });

  test('a session policy that is not a JSON document has no statements', () => {
    const markdown = toMarkdown([entry({ sessionPolicy: 'not { json' })]).split('\n');
    expect(markdown.slice(16, 20)).toEqual([...POLICY_HEAD, '| | (no statements) | | | session policy (limits) |', '']);
  });
});

describe('toJsonDocument', () => {
  test('the summary, and every field of each association (target role and boundary when present)', () => {
    const full = fullEntry();
    const plain = entry({ sessionTags: { 'eks-cluster-name': 'prod' }, placeholders: { 'AppRole.Arn': { 'Fn::GetAtt': ['AppRole', 'Arn'] } } });
    const boundary = full.role.permissionsBoundary!;
    const roleJson = (r: ReportRole, policies: unknown[], permissionsBoundary?: unknown) => ({
      arn: r.arn,
      inAssembly: r.inAssembly,
      stack: r.stack,
      logicalId: r.logicalId,
      trustScope: r.trustScope,
      trustPolicy: r.trustPolicy,
      policies,
      permissionsBoundary,
      effectivePermissions: r.effectivePermissions,
      effectivePermissionsUnknown: r.effectivePermissionsUnknown,
    });
    expect(toJsonDocument([full, plain])).toStrictEqual({
      formatVersion: 1,
      summary: { associations: 2, errors: 1, warnings: 1, acknowledged: 1 },
      associations: [
        {
          stack: 'Shop|Main|Blue',
          logicalId: 'Assoc',
          resourceType: 'AWS::EKS::PodIdentityAssociation',
          cluster: '${Cluster}',
          clusterDisplayName: 'prod-cluster',
          namespace: 'carts',
          serviceAccount: 'api',
          role: roleJson(full.role, [
            { kind: 'inline', name: 'read', arn: undefined, document: full.role.policies[0].document },
            { kind: 'aws-managed', name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', document: undefined },
            { kind: 'customer-managed', name: 'arn:aws:iam::1:policy/gone', arn: 'arn:aws:iam::1:policy/gone', document: undefined },
            { kind: 'attached', name: 'Empty`Policy', arn: undefined, document: { Statement: [] } },
          ], { kind: 'customer-managed', name: 'Boundary', arn: undefined, document: boundary.document }),
          targetRole: roleJson(full.targetRole!, [], undefined),
          roleChain: ['${AppRole.Arn}', 'arn:aws:iam::1:role/target'],
          sessionTagsEnabled: false,
          sessionTags: {},
          sessionPolicy: full.sessionPolicy,
          placeholders: {},
          findings: [
            { id: 'WildcardAction', severity: 'error', message: ERROR.message, acknowledged: undefined },
            { id: 'UnscopedTrust', severity: 'warning', message: WARNING.message, acknowledged: undefined },
            { id: 'RoleNotInAssembly', severity: 'warning', message: 'gone', acknowledged: ACKNOWLEDGED.acknowledged },
          ],
        },
        {
          stack: 'Shop',
          logicalId: 'Assoc',
          resourceType: 'AWS::EKS::PodIdentityAssociation',
          cluster: 'prod',
          clusterDisplayName: 'prod',
          namespace: 'carts',
          serviceAccount: 'api',
          role: roleJson(plain.role, [], undefined),
          targetRole: undefined,
          roleChain: ['${AppRole.Arn}'],
          sessionTagsEnabled: true,
          sessionTags: { 'eks-cluster-name': 'prod' },
          sessionPolicy: undefined,
          placeholders: { 'AppRole.Arn': { 'Fn::GetAtt': ['AppRole', 'Arn'] } },
          findings: [],
        },
      ],
    });
    expect(toJsonDocument([entry({ findings: [WARNING, ERROR, { ...ERROR, id: 'X' }] })]).summary)
      .toStrictEqual({ associations: 1, errors: 2, warnings: 1, acknowledged: 0 });
  });
});

const MALFORMED_FIX = 'synthesize the app again (`cdk synth`), or correct the template: the report reads CloudFormation templates and cloud assemblies as `cdk synth` writes them';

/** A directory of these files (a value that is not a string is written as JSON). */
function files(contents: Record<string, unknown>): string {
  return filesDirectory(Object.fromEntries(Object.entries(contents)
    .map(([file, content]) => [file, typeof content === 'string' ? content : JSON.stringify(content)])));
}

function stackArtifact(templateFile: string, extra: Record<string, unknown> = {}) {
  return { type: 'aws:cloudformation:stack', properties: { templateFile }, ...extra };
}

/** An assembly of one stack `App` with this template (and these other files). */
function oneStack(template: unknown, others: Record<string, unknown> = {}): string {
  return files({ 'manifest.json': { version: '36.0.0', artifacts: { App: stackArtifact('App.template.json') } }, 'App.template.json': template, ...others });
}

/** The error `CloudAssembly.read(directory)` throws. */
function readError(directory: string): PodIdentityError {
  try {
    CloudAssembly.read(directory);
  } catch (error) {
    return error as PodIdentityError;
  }
  throw new Error('expected an error');
}

/** The message of the library's MalformedCloudAssembly error about `file`. */
function malformedMessage(file: string, what: string): string {
  return `[cdk-eks-pod-identity:MalformedCloudAssembly] ${file}: ${what}. Fix: ${MALFORMED_FIX}`;
}

function expectMalformed(directory: string, file: string, what: string): void {
  const error = readError(directory);
  expect(error).toBeInstanceOf(PodIdentityError);
  expect(error.problemId).toBe('MalformedCloudAssembly');
  expect(error.message).toBe(malformedMessage(path.join(directory, file), what));
}

describe('CloudAssembly.read: the manifest', () => {
  test('no manifest.json: NotACloudAssembly', () => {
    const directory = files({ 'other.json': {} });
    const error = readError(directory);
    expect(error.problemId).toBe('NotACloudAssembly');
    expect(error.message).toBe(`[cdk-eks-pod-identity:NotACloudAssembly] no manifest.json in ${directory}. Fix: run \`cdk synth\` first, or pass the cloud assembly directory (default cdk.out)`);
  });

  test.each([[{ artifacts: {} }], [{ version: 36, artifacts: {} }]])('a manifest without a string version (%j): NotACloudAssembly', manifest => {
    const directory = files({ 'manifest.json': manifest });
    const error = readError(directory);
    expect(error.problemId).toBe('NotACloudAssembly');
    expect(error.message).toBe(`[cdk-eks-pod-identity:NotACloudAssembly] ${path.join(directory, 'manifest.json')} has no version: it is not the manifest of a cloud assembly. Fix: pass the cloud assembly directory (default cdk.out)`);
  });

  test('a manifest that is not JSON: UnreadableCloudAssembly, the parser message on one line', () => {
    const text = 'x\ny \n\t\n z';
    let parserMessage = '';
    try {
      JSON.parse(text);
    } catch (error) {
      parserMessage = (error as Error).message;
    }
    // Node 20 quotes the text in the message: each line break, with the white space around it, becomes one space.
    const reason = parserMessage.includes('x\ny') ? parserMessage.replace('x\ny \n\t\n z', 'x y z') : parserMessage;
    const directory = files({ 'manifest.json': text });
    const error = readError(directory);
    expect(error.problemId).toBe('UnreadableCloudAssembly');
    expect(error.message).toBe(`[cdk-eks-pod-identity:UnreadableCloudAssembly] cannot read ${path.join(directory, 'manifest.json')}: ${reason}. Fix: synthesize again (\`cdk synth\`)`);
  });

  test.each<[string, unknown, string]>([
    ['an array', [], 'the manifest is an array, not an object'],
    ['artifacts an array', { version: '36.0.0', artifacts: [] }, 'artifacts is an array, not an object'],
    ['an artifact null', { version: '36.0.0', artifacts: { App: null } }, 'artifacts.App is null, not an object'],
    ['a stack without properties', { version: '36.0.0', artifacts: { App: { type: 'aws:cloudformation:stack' } } }, 'artifacts.App.properties is missing'],
    ['a stack without templateFile', { version: '36.0.0', artifacts: { App: { type: 'aws:cloudformation:stack', properties: {} } } }, 'artifacts.App.properties.templateFile is missing'],
    ['a templateFile number', { version: '36.0.0', artifacts: { App: stackArtifact(7 as any) } }, 'artifacts.App.properties.templateFile is a number, not a string'],
    ['an asset manifest without file', { version: '36.0.0', artifacts: { Assets: { type: 'cdk:asset-manifest', properties: { file: null } } } }, 'artifacts.Assets.properties.file is null, not a string'],
    ['a stage without directoryName', { version: '36.0.0', artifacts: { Stage: { type: 'cdk:cloud-assembly', properties: { displayName: 'Stage' } } } }, 'artifacts.Stage.properties.directoryName is missing'],
  ])('%s: MalformedCloudAssembly naming the manifest', (_, manifest, what) => {
    const directory = files({ 'manifest.json': manifest });
    expectMalformed(directory, 'manifest.json', what);
  });

  test('no artifacts, and artifacts the report does not read: no templates', () => {
    expect(CloudAssembly.read(files({ 'manifest.json': { version: '36.0.0' } })).templates).toEqual([]);
    const tree = files({ 'manifest.json': { version: '36.0.0', artifacts: { Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } } } } });
    expect(CloudAssembly.read(tree).templates).toEqual([]);
  });
});

describe('CloudAssembly.read: stacks and stages', () => {
  test('name (display name, else the artifact id), account (a 12-digit account of the environment only), file, directory', () => {
    const template = { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } };
    const directory = files({
      'manifest.json': {
        version: '36.0.0',
        artifacts: {
          A: stackArtifact('A.json', { displayName: 'Shown', environment: 'aws://123456789012/eu-west-1' }),
          B: stackArtifact('B.json', { environment: 'aws://unknown-account/unknown-region' }),
          C: stackArtifact('C.json', { displayName: 7, environment: 'xaws://123456789012/eu-west-1' }),
          D: stackArtifact('D.json', { environment: 'aws://1234567890123/eu-west-1' }),
          E: stackArtifact('E.json', { environment: ['aws://123456789012/eu-west-1'] }),
          F: stackArtifact('F.json', { environment: 'aws://12345678901/eu-west-1' }),
          Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Stage', displayName: 'Stage' } },
          G: stackArtifact('G.json', { environment: 'aws://210987654321/us-east-1' }),
        },
      },
      'A.json': template,
      'B.json': template,
      'C.json': template,
      'D.json': template,
      'E.json': template,
      'F.json': template,
      'G.json': {},
      'assembly-Stage/manifest.json': { version: '36.0.0', artifacts: { S: stackArtifact('S.json', { displayName: 'Stage/S', environment: 'aws://111111111111/us-east-1' }) } },
      'assembly-Stage/S.json': template,
    });
    const assembly = CloudAssembly.read(directory);
    const here = fs.realpathSync(directory);
    expect(assembly.templates.map(t => [t.name, t.account, t.file, t.assemblyDirectory])).toEqual([
      ['Shown', '123456789012', path.join(directory, 'A.json'), here],
      ['B', undefined, path.join(directory, 'B.json'), here],
      ['C', undefined, path.join(directory, 'C.json'), here],
      ['D', undefined, path.join(directory, 'D.json'), here],
      ['E', undefined, path.join(directory, 'E.json'), here],
      ['F', undefined, path.join(directory, 'F.json'), here],
      ['Stage/S', '111111111111', path.join(directory, 'assembly-Stage', 'S.json'), path.join(here, 'assembly-Stage')],
      ['G', '210987654321', path.join(directory, 'G.json'), here],
    ]);
    // Records by name have no prototype (a logical id `constructor` is only the template's).
    const own = (record: object) => Object.assign(Object.create(null), record);
    expect(assembly.templates[0]).toStrictEqual({
      name: 'Shown',
      file: path.join(directory, 'A.json'),
      account: '123456789012',
      assemblyDirectory: here,
      resources: own(template.Resources),
      outputs: own({}),
      parent: undefined,
      parameterValues: own({}),
      nested: own({}),
      paths: own({}),
    });
    expect(assembly.templates[7].resources).toEqual({});
  });

  test('a stage whose directory is missing: NotACloudAssembly naming it', () => {
    const directory = files({ 'manifest.json': { version: '36.0.0', artifacts: { Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: 'gone' } } } } });
    expect(readError(directory).message).toBe(`[cdk-eks-pod-identity:NotACloudAssembly] no manifest.json in ${path.join(directory, 'gone')}. Fix: run \`cdk synth\` first, or pass the cloud assembly directory (default cdk.out)`);
  });

  test('a stage that is its own assembly, or one that contains it: MalformedCloudAssembly', () => {
    const self = files({ 'manifest.json': { version: '36.0.0', artifacts: { Loop: { type: 'cdk:cloud-assembly', properties: { directoryName: '.' } } } } });
    expectMalformed(self, 'manifest.json', 'artifacts.Loop contains the assembly that contains it (directoryName ".")');
    const parent = files({
      'manifest.json': { version: '36.0.0', artifacts: { Outer: { type: 'cdk:cloud-assembly', properties: { directoryName: 'outer' } } } },
      'outer/manifest.json': { version: '36.0.0', artifacts: { Inner: { type: 'cdk:cloud-assembly', properties: { directoryName: 'inner' } } } },
      'outer/inner/manifest.json': { version: '36.0.0', artifacts: { Back: { type: 'cdk:cloud-assembly', properties: { directoryName: '../..' } } } },
    });
    expectMalformed(parent, 'outer/inner/manifest.json', 'artifacts.Back contains the assembly that contains it (directoryName "../..")');
  });
});

describe('CloudAssembly.read: templates', () => {
  test('Resources and Outputs are optional', () => {
    const [template] = CloudAssembly.read(oneStack({ Description: 'empty' })).templates;
    expect([template.resources, template.outputs]).toEqual([{}, {}]);
  });

  test.each<[string, unknown, string]>([
    ['an array', [1], 'the template is an array, not a template object'],
    ['Resources a string', { Resources: 'x' }, 'Resources is a string, not an object'],
    ['Outputs an array', { Outputs: [] }, 'Outputs is an array, not an object'],
    ['a resource null', { Resources: { X: null } }, 'Resources.X is null, not an object'],
    ['a resource without Type', { Resources: { X: { Properties: {} } } }, 'Resources.X.Type is missing'],
    ['a Type number', { Resources: { X: { Type: 3 } } }, 'Resources.X.Type is a number, not a string'],
    ['Properties a string', { Resources: { X: { Type: 'AWS::SNS::Topic', Properties: 'p' } } }, 'Resources.X.Properties is a string, not an object'],
    ['Metadata an array', { Resources: { X: { Type: 'AWS::SNS::Topic', Metadata: [] } } }, 'Resources.X.Metadata is an array, not an object'],
    ['an output null', { Outputs: { O: null } }, 'Outputs.O is null, not an object'],
    ['an Export string', { Outputs: { O: { Value: 'v', Export: 'e' } } }, 'Outputs.O.Export is a string, not an object'],
    ['an export name that is a malformed intrinsic', { Outputs: { O: { Value: 'v', Export: { Name: { 'Fn::Join': 3 } } } } }, 'Outputs.O.Export.Name: Fn::Join takes [separator, list], not 3'],
    ['nested-stack Parameters a string', {
      Resources: { N: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'n.json' }, Properties: { Parameters: 'p' } } },
    }, 'Resources.N.Properties.Parameters is a string, not an object'],
  ])('%s: MalformedCloudAssembly naming the template', (_, template, what) => {
    const directory = oneStack(template, { 'n.json': {} });
    expectMalformed(directory, 'App.template.json', what);
  });

  test('a template that is not JSON: UnreadableCloudAssembly', () => {
    const directory = oneStack('{"Resources": ');
    expect(readError(directory).message).toBe(`[cdk-eks-pod-identity:UnreadableCloudAssembly] cannot read ${path.join(directory, 'App.template.json')}: Unexpected end of JSON input. Fix: synthesize again (\`cdk synth\`)`);
  });

  test('a name Object.prototype has (constructor, toString) stands for what the template defines, or nothing', () => {
    const directory = oneStack({ Resources: { constructor: { Type: 'AWS::IAM::Role' } } });
    const assembly = CloudAssembly.read(directory);
    const [template] = assembly.templates;
    expect(assembly.locate({ 'Fn::GetAtt': ['constructor', 'Arn'] }, template)).toEqual({ template, logicalId: 'constructor', attribute: 'Arn' });
    expect(assembly.locate({ Ref: 'toString' }, template)).toBeUndefined();
    expect(assembly.locate({ 'Fn::GetAtt': ['hasOwnProperty', 'Outputs.Arn'] }, template)).toBeUndefined();
    expect(assembly.render({ 'Fn::GetAtt': ['valueOf', 'Outputs.Arn'] }, template, new Map())).toBe('${valueOf.Outputs.Arn}');
    const association = {
      Type: 'AWS::EKS::PodIdentityAssociation',
      Properties: { ClusterName: 'c', Namespace: 'carts', ServiceAccount: 'carts', RoleArn: { 'Fn::GetAtt': ['constructor', 'Outputs.RoleArn'] } },
    };
    const report = PodIdentityReport.fromCloudAssembly(oneStack({ Resources: { Assoc: association } }));
    expect(report.entries.map(found => [found.role.arn, found.role.inAssembly])).toEqual([['${constructor.Outputs.RoleArn}', false]]);
  });

  test('exports: an output with an export name is what Fn::ImportValue of that name (in the same account) gives', () => {
    const directory = files({
      'manifest.json': {
        version: '36.0.0',
        artifacts: {
          Producer: stackArtifact('Producer.json', { environment: 'aws://111111111111/us-east-1' }),
          Consumer: stackArtifact('Consumer.json', { environment: 'aws://111111111111/us-east-1' }),
          Other: stackArtifact('Other.json', { environment: 'aws://222222222222/us-east-1' }),
        },
      },
      'Producer.json': {
        Resources: { Table: { Type: 'AWS::DynamoDB::Table' } },
        Outputs: {
          TableArn: { Value: { 'Fn::GetAtt': ['Table', 'Arn'] }, Export: { Name: { 'Fn::Join': ['-', ['shared', 'table']] } } },
          NoExport: { Value: 'plain' },
          NoName: { Value: 'nameless', Export: {} },
        },
      },
      'Consumer.json': {},
      'Other.json': {},
    });
    const assembly = CloudAssembly.read(directory);
    const [, consumer, other] = assembly.templates;
    expect(assembly.render({ 'Fn::ImportValue': 'shared-table' }, consumer, new Map())).toBe('${Table.Arn}');
    expect(assembly.render({ 'Fn::ImportValue': 'shared-table' }, other, new Map())).toBe('${Import:shared-table}');
    expect(assembly.locate({ 'Fn::ImportValue': 'shared-table' }, consumer)).toEqual({ template: assembly.templates[0], logicalId: 'Table', attribute: 'Arn' });
  });
});

describe('CloudAssembly.read: nested stacks', () => {
  const templateUrl = (key: string) => ({ 'Fn::Join': ['', ['https://s3.us-east-1.', { Ref: 'AWS::URLSuffix' }, `/cdk-assets/${key}`]] });

  test('found by aws:asset:path (relative or absolute) or through the asset manifest by the TemplateURL object key', () => {
    const elsewhere = files({ 'far.nested.json': { Resources: { FarTopic: { Type: 'AWS::SNS::Topic' } } } });
    const directory = files({
      'manifest.json': {
        version: '36.0.0',
        artifacts: {
          'App.assets': { type: 'cdk:asset-manifest', properties: { file: 'App.assets.json' } },
          'Null.assets': { type: 'cdk:asset-manifest', properties: { file: 'null.assets.json' } },
          'Empty.assets': { type: 'cdk:asset-manifest', properties: { file: 'empty.assets.json' } },
          'App': stackArtifact('App.template.json', { environment: 'aws://123456789012/us-east-1', metadata: { '/App/Topic/Resource': [{ type: 'aws:cdk:logicalId', data: 'Topic' }] } }),
        },
      },
      'App.assets.json': {
        version: '36.0.0',
        files: {
          noDestinations: { source: { path: 'x.json' } },
          nullAsset: null,
          noSource: { destinations: { d: { objectKey: 'nosource.json' } } },
          numberPath: { source: { path: 5 }, destinations: { d: { objectKey: 'number.json' } } },
          byKey: {
            source: { path: 'asset.byKey.nested.json' },
            destinations: { nullDestination: null, noKey: { bucketName: 'b' }, current: { bucketName: 'b', objectKey: 'abc123.json' } },
          },
          fallback: { source: { path: 'fallback.nested.json' }, destinations: { current: { objectKey: 'fff000.json' } } },
        },
      },
      'null.assets.json': 'null',
      'empty.assets.json': { version: '36.0.0' },
      'App.template.json': {
        Resources: {
          Topic: { Type: 'AWS::SNS::Topic' },
          // A function's code asset is a directory: not a nested stack's template.
          Fn: { Type: 'AWS::Lambda::Function', Metadata: { 'aws:asset:path': 'asset.code' } },
          ByPath: {
            Type: 'AWS::CloudFormation::Stack',
            Metadata: { 'aws:asset:path': 'bypath.nested.json' },
            Properties: { TemplateURL: templateUrl('zzz999.json'), Parameters: { TopicArn: { Ref: 'Topic' } } },
          },
          ByKey: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: templateUrl('abc123.json') } },
          Absolute: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': path.join(elsewhere, 'far.nested.json') } },
          Fallback: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'gone.nested.json' }, Properties: { TemplateURL: templateUrl('fff000.json') } },
          Unknown: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: templateUrl('unknown.json') } },
          // The object key is the end of the URL: abc123.json.bak is not the asset abc123.json.
          Backup: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: templateUrl('abc123.json.bak') } },
          NoProperties: { Type: 'AWS::CloudFormation::Stack' },
        },
      },
      'asset.code/index.js': 'exports.handler = () => {};',
      'bypath.nested.json': { Resources: { Inner: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'inner.nested.json' } } } },
      'inner.nested.json': { Resources: { InnerTopic: { Type: 'AWS::SNS::Topic' } } },
      'asset.byKey.nested.json': { Resources: { KeyTopic: { Type: 'AWS::SNS::Topic' } } },
      'fallback.nested.json': {},
    });
    const assembly = CloudAssembly.read(directory);
    expect(assembly.templates.map(t => [t.name, t.file, t.parent?.name, t.account, Object.keys(t.nested)])).toEqual([
      ['App', path.join(directory, 'App.template.json'), undefined, '123456789012', ['Absolute', 'ByKey', 'ByPath', 'Fallback']],
      ['App/Absolute', path.join(elsewhere, 'far.nested.json'), 'App', '123456789012', []],
      ['App/ByKey', path.join(directory, 'asset.byKey.nested.json'), 'App', '123456789012', []],
      ['App/ByPath', path.join(directory, 'bypath.nested.json'), 'App', '123456789012', ['Inner']],
      ['App/ByPath/Inner', path.join(directory, 'inner.nested.json'), 'App/ByPath', '123456789012', []],
      ['App/Fallback', path.join(directory, 'fallback.nested.json'), 'App', '123456789012', []],
    ]);
    const [app, absolute, byKey, byPath, inner] = assembly.templates;
    expect(app.nested).toEqual({ Absolute: absolute, ByKey: byKey, ByPath: byPath, Fallback: assembly.templates[5] });
    expect(byPath.nested.Inner).toBe(inner);
    expect(byPath.parameterValues).toEqual({ TopicArn: { Ref: 'Topic' } });
    expect(byKey.parameterValues).toEqual({});
    // The paths of the manifest are the top-level stack's; a nested stack has none.
    expect(app.paths).toEqual({ Topic: '/App/Topic/Resource' });
    expect(assembly.templates.slice(1).map(t => t.paths)).toEqual([{}, {}, {}, {}, {}]);
    expect(assembly.templates.map(t => t.assemblyDirectory)).toEqual(Array(6).fill(fs.realpathSync(directory)));
  });

  test('a nested stack whose aws:asset:path is missing (or a directory): MalformedCloudAssembly naming the resource', () => {
    const missing = oneStack({ Resources: { N: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'missing.json' } } } });
    expectMalformed(missing, 'App.template.json', `Resources.N: is a nested stack whose template ${path.join(missing, 'missing.json')} (Metadata aws:asset:path) is missing`);
    const directory = oneStack({ Resources: { N: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'dir.json' } } } }, { 'dir.json/x': '' });
    expectMalformed(directory, 'App.template.json', `Resources.N: is a nested stack whose template ${path.join(directory, 'dir.json')} (Metadata aws:asset:path) is missing`);
  });

  test('a nested stack whose template is its own, or one that contains it: MalformedCloudAssembly', () => {
    const self = oneStack({ Resources: { Self: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'App.template.json' } } } });
    expectMalformed(self, 'App.template.json', `Resources.Self is a nested stack whose template ${path.join(self, 'App.template.json')} is this template or one that contains it`);
    const loop = oneStack({ Resources: { Down: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'a.json' } } } }, {
      'a.json': { Resources: { Deeper: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'b.json' } } } },
      'b.json': { Resources: { Up: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'App.template.json' } } } },
    });
    expectMalformed(loop, 'b.json', `Resources.Up is a nested stack whose template ${path.join(loop, 'App.template.json')} is this template or one that contains it`);
  });
});

describe('CloudAssembly.read: construct paths from the manifest metadata', () => {
  test('aws:cdk:logicalId entries of the manifest and of its additionalMetadataFile; other entries ignored', () => {
    const directory = files({
      'manifest.json': {
        version: '36.0.0',
        artifacts: {
          Both: stackArtifact('t.json', {
            metadata: {
              '/Both/Role/Resource': [{ type: 'aws:cdk:warning', data: 'ignored' }, { type: 'aws:cdk:logicalId', data: 'Role' }],
              '/Both/NotAList': { type: 'aws:cdk:logicalId', data: 'NotAList' },
              '/Both/NotAString': [{ type: 'aws:cdk:logicalId', data: 5 }],
              '/Both/Null': [null, 'text'],
            },
            additionalMetadataFile: 'Both.metadata.json',
          }),
          // Metadata that is not an object is ignored (not spread into the file's).
          FileOnly: stackArtifact('t.json', { metadata: [[{ type: 'aws:cdk:logicalId', data: 'Odd' }]], additionalMetadataFile: 'FileOnly.metadata.json' }),
          Unreadable: stackArtifact('t.json', { metadata: { '/Unreadable/Queue/Resource': [{ type: 'aws:cdk:logicalId', data: 'Queue' }] }, additionalMetadataFile: 'missing.json' }),
          Broken: stackArtifact('t.json', { metadata: { '/Broken/Queue/Resource': [{ type: 'aws:cdk:logicalId', data: 'Queue' }] }, additionalMetadataFile: 'broken.json' }),
          None: stackArtifact('t.json', { metadata: ['/None/X'] }),
        },
      },
      't.json': {},
      'Both.metadata.json': { '/Both/Table/Resource': [{ type: 'aws:cdk:logicalId', data: 'Table' }] },
      'FileOnly.metadata.json': { '/FileOnly/Bucket/Resource': [{ type: 'aws:cdk:logicalId', data: 'Bucket' }] },
      'broken.json': '{',
    });
    expect(CloudAssembly.read(directory).templates.map(t => [t.name, t.paths])).toEqual([
      ['Both', { Role: '/Both/Role/Resource', Table: '/Both/Table/Resource' }],
      ['FileOnly', { Bucket: '/FileOnly/Bucket/Resource' }],
      ['Unreadable', { Queue: '/Unreadable/Queue/Resource' }],
      ['Broken', { Queue: '/Broken/Queue/Resource' }],
      ['None', {}],
    ]);
  });
});

describe('malformed values: shapes and messages', () => {
  test.each<[string, unknown, string]>([
    ['Fn::GetAtt', ['Role', 'Arn', 'x'], 'Fn::GetAtt takes [logicalId, attribute] or "logicalId.attribute", not ["Role","Arn","x"]'],
    ['Fn::Join', ['-', ['a'], 'x'], 'Fn::Join takes [separator, list], not ["-",["a"],"x"]'],
    ['Fn::Sub', ['x', {}, 'y'], 'Fn::Sub takes a string or [string, variables], not ["x",{},"y"]'],
    ['Fn::Select', [0, ['a'], 1], 'Fn::Select takes [index, list], not [0,["a"],1]'],
    ['Fn::If', ['C', 1], 'Fn::If takes [condition, value if true, value if false], not ["C",1]'],
    ['Fn::GetAtt', 'ab', 'Fn::GetAtt takes [logicalId, attribute] or "logicalId.attribute", not "ab"'],
    ['Fn::GetAtt', null, 'Fn::GetAtt takes [logicalId, attribute] or "logicalId.attribute", not null'],
    ['Fn::Join', null, 'Fn::Join takes [separator, list], not null'],
    ['Fn::Select', null, 'Fn::Select takes [index, list], not null'],
    ['Fn::If', null, 'Fn::If takes [condition, value if true, value if false], not null'],
  ])('%s %j: not the shape (one element too many or too few, not a list)', (fn, args, message) => {
    expect(() => checkIntrinsic(fn, args)).toThrow(new MalformedValue(message));
  });

  test('MalformedValue: where and what', () => {
    expect(new MalformedValue('is null', 'Properties.X')).toMatchObject({ what: 'is null', at: 'Properties.X', message: 'Properties.X is null' });
    expect(new MalformedValue('the export X refers to itself')).toMatchObject({ what: 'the export X refers to itself', at: undefined, message: 'the export X refers to itself' });
  });

  test('malformed: every line break, with the spaces around it, is one space', () => {
    const error = malformed('f.json', 'a \n  b\n\nc');
    expect(error.message).toBe(`[cdk-eks-pod-identity:MalformedCloudAssembly] f.json: a b c. Fix: ${MALFORMED_FIX}`);
    expect(error.problemId).toBe('MalformedCloudAssembly');
  });

  test('expectObject: null is not an object even when optional; required: null and missing', () => {
    expect(() => expectObject(null, 'Properties')).toThrow(new MalformedValue('is null, not an object', 'Properties'));
    expect(() => expectObject('s', 'Properties', false)).toThrow(new MalformedValue('is a string, not an object', 'Properties'));
    expect(required({ RoleArn: '' }, 'RoleArn')).toBe('');
    expect(required({ RoleArn: 0 }, 'RoleArn')).toBe(0);
  });
});

const UNSCOPED_TRUST = { Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] };

const USAGE = `Usage: cdk-eks-pod-identity report [cloud-assembly-dir] [--format markdown|json] [--fail-on warning|error]
                                   [--acknowledgements file.json]

Lists every EKS Pod Identity association of a synthesized cloud assembly (default: cdk.out) with the permissions
its pods get, and findings.

  --format            markdown (default, for a pull-request comment) or json
  --fail-on           exit 1 when a finding of this severity or worse is not acknowledged
  --acknowledgements  a JSON file of acknowledged findings, for assemblies this library did not make:
                      { "acknowledgements": [{ "id": "WildcardResourceOnWrite", "role": "*LoadBalancer*",
                        "reason": "why it is acceptable (10+ characters)" }] }
                      (select with stack, cluster, namespace, serviceAccount, role, resource; * is a wildcard)
  -h, --help          this text

Findings acknowledged in code (PodIdentityReport.acknowledge, presets) or in the file are listed with their reason
and never counted for --fail-on. Exit code 0; 1 when --fail-on is given and an unacknowledged finding of that
severity or worse exists; 2 on a usage error, an unreadable cloud assembly or a malformed acknowledgements file.`;

const NOT_AN_ASSEMBLY_FIX = 'Fix: run `cdk synth` first, or pass the cloud assembly directory (default cdk.out)';

/** A hand-written assembly: one association whose role trusts every association (a warning) and, with `s3:*`, has an error. */
function cliAssembly(action: string): string {
  const policy = { PolicyName: 'p', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: action, Resource: 'arn:aws:s3:::b/*' }] } };
  return handAssembly({
    stacks: {
      App: {
        template: {
          Resources: {
            Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: UNSCOPED_TRUST, Policies: [policy] } },
            Assoc: { Type: 'AWS::EKS::PodIdentityAssociation', Properties: { ClusterName: 'c', Namespace: 'jobs', ServiceAccount: 'runner', RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
          },
        },
      },
    },
  });
}

function run(args: string[]) {
  let out = '';
  let err = '';
  const code = runCli(args, { out: text => out += text, err: text => err += text });
  return { code, out, err };
}

function failOnMessage(severity: string): string {
  return `cdk-eks-pod-identity: unacknowledged findings of severity ${severity} or worse (--fail-on ${severity}); acknowledge one with its reason in code (PodIdentityReport.acknowledge) or with --acknowledgements\n`;
}

describe('runCli', () => {
  const warningOnly = cliAssembly('s3:GetObject');
  const withError = cliAssembly('s3:*');

  test('Markdown by default: the report, exit 0 whatever the findings', () => {
    const result = run(['report', withError]);
    expect(result).toEqual({ code: 0, out: PodIdentityReport.fromCloudAssembly(withError).toMarkdown(), err: '' });
    expect(result.out.split('\n').slice(0, 3)).toEqual(['# EKS Pod Identity permissions', '', '1 association · 1 error · 1 warning']);
    expect(run(['report', '--format', 'markdown', withError]).out).toBe(result.out);
  });

  test('--format json, as two arguments or one', () => {
    const json = PodIdentityReport.fromCloudAssembly(warningOnly).toJson();
    expect(JSON.parse(json).summary).toEqual({ associations: 1, errors: 0, warnings: 1, acknowledged: 0 });
    expect(run(['report', warningOnly, '--format', 'json'])).toEqual({ code: 0, out: json, err: '' });
    expect(run(['--format=json', 'report', warningOnly])).toEqual({ code: 0, out: json, err: '' });
  });

  test('--fail-on: exit 1 with one line when an unacknowledged finding of that severity or worse exists', () => {
    const markdown = PodIdentityReport.fromCloudAssembly(warningOnly).toMarkdown();
    expect(run(['report', warningOnly, '--fail-on', 'warning'])).toEqual({ code: 1, out: markdown, err: failOnMessage('warning') });
    expect(run(['report', warningOnly, '--fail-on', 'error'])).toEqual({ code: 0, out: markdown, err: '' });
    expect(run(['report', withError, '--fail-on=error'])).toEqual({ code: 1, out: PodIdentityReport.fromCloudAssembly(withError).toMarkdown(), err: failOnMessage('error') });
  });

  test('--acknowledgements, as two arguments or one: acknowledged findings are not counted for --fail-on', () => {
    const directory = filesDirectory({
      'acks=ours.json': JSON.stringify({ acknowledgements: [{ id: 'UnscopedTrust', namespace: 'jobs', reason: 'every association here is ours' }] }),
    });
    // A file name with = in it: only the first = of an option ends its name.
    const acks = path.join(directory, 'acks=ours.json');
    const acknowledged = run(['report', warningOnly, '--fail-on', 'warning', '--acknowledgements', acks]);
    expect(acknowledged.code).toBe(0);
    expect(acknowledged.err).toBe('');
    expect(acknowledged.out).toBe(PodIdentityReport.fromCloudAssembly(warningOnly, { acknowledgementsFile: acks }).toMarkdown());
    expect(acknowledged.out.split('\n')[2]).toBe('1 association · 0 errors · 0 warnings · 1 acknowledged');
    expect(run(['report', warningOnly, '--fail-on=warning', `--acknowledgements=${acks}`])).toEqual(acknowledged);
  });

  test('cdk.out is the default directory', () => {
    const cwd = process.cwd();
    const empty = filesDirectory({ 'x.txt': '' });
    const withOut = filesDirectory({ 'x.txt': '' });
    fs.symlinkSync(warningOnly, path.join(withOut, 'cdk.out'));
    try {
      process.chdir(empty);
      expect(run(['report'])).toEqual({
        code: 2,
        out: '',
        err: `cdk-eks-pod-identity: [cdk-eks-pod-identity:NotACloudAssembly] no manifest.json in cdk.out. ${NOT_AN_ASSEMBLY_FIX}\n`,
      });
      process.chdir(withOut);
      expect(run(['report', '--format', 'json'])).toEqual({ code: 0, out: PodIdentityReport.fromCloudAssembly(warningOnly).toJson(), err: '' });
    } finally {
      process.chdir(cwd);
    }
  });

  test('an argument with = that is not an option is the directory', () => {
    expect(run(['report', 'x=y'])).toEqual({
      code: 2,
      out: '',
      err: `cdk-eks-pod-identity: [cdk-eks-pod-identity:NotACloudAssembly] no manifest.json in x=y. ${NOT_AN_ASSEMBLY_FIX}\n`,
    });
  });

  test.each([['--help'], ['-h']])('%s prints the usage, exit 0, whatever follows', flag => {
    expect(run(['report', flag, '--format', 'html'])).toEqual({ code: 0, out: `${USAGE}\n`, err: '' });
  });

  test.each([
    [['report', 'x', '--format', 'html'], "--format must be markdown or json, not 'html'"],
    [['report', 'x', '--format'], '--format needs a value'],
    [['report', 'x', '--fail-on', 'info'], "--fail-on must be warning or error, not 'info'"],
    [['report', 'x', '--fail-on=fatal'], "--fail-on must be warning or error, not 'fatal'"],
    [['report', 'x', '--acknowledgements'], '--acknowledgements needs a value'],
    [['report', '-x'], 'unknown option -x'],
    [['--verbose=1', 'report'], 'unknown option --verbose'],
    [['audit'], "unknown command 'audit'"],
    [[], 'missing command'],
    [['report', 'a', 'b', 'c'], "unexpected argument 'b'"],
  ])('%j is a usage error, exit 2: the message and the usage', (args, message) => {
    expect(run(args)).toEqual({ code: 2, out: '', err: `cdk-eks-pod-identity: ${message}\n\n${USAGE}\n` });
  });

  test('an error reading the assembly that is not the library\'s: exit 2, one line that says to report it', () => {
    const spy = jest.spyOn(PodIdentityReport, 'fromCloudAssembly');
    try {
      spy.mockImplementation(() => {
        throw new TypeError('cannot read\n   properties\nof x');
      });
      expect(run(['report', 'dir'])).toEqual({
        code: 2,
        out: '',
        err: 'cdk-eks-pod-identity: [cdk-eks-pod-identity:UnreadableCloudAssembly] cannot read the cloud assembly dir: TypeError: cannot read properties of x. Fix: synthesize again (`cdk synth`); if it persists, report this message as a bug of cdk-eks-pod-identity\n',
      });
      // An error is named by its name and message, whatever its toString says.
      class OddError extends Error {
        public toString(): string {
          return 'something else';
        }
      }
      spy.mockImplementation(() => {
        throw new OddError('odd');
      });
      expect(run(['report', 'dir']).err).toBe('cdk-eks-pod-identity: [cdk-eks-pod-identity:UnreadableCloudAssembly] cannot read the cloud assembly dir: Error: odd. Fix: synthesize again (`cdk synth`); if it persists, report this message as a bug of cdk-eks-pod-identity\n');
      spy.mockImplementation(() => {
        throw 'a string';
      });
      expect(run(['report', 'dir']).err).toBe('cdk-eks-pod-identity: [cdk-eks-pod-identity:UnreadableCloudAssembly] cannot read the cloud assembly dir: a string. Fix: synthesize again (`cdk synth`); if it persists, report this message as a bug of cdk-eks-pod-identity\n');
      spy.mockImplementation(() => {
        throw new PodIdentityError('MalformedCloudAssembly', 'first\n  second\nthird');
      });
      expect(run(['report', 'dir'])).toEqual({ code: 2, out: '', err: 'cdk-eks-pod-identity: first second third\n' });
      expect(spy).toHaveBeenLastCalledWith('dir', { acknowledgementsFile: undefined });
    } finally {
      spy.mockRestore();
    }
  });
});
