// Acknowledged findings: in code (template Metadata), by the presets, and in a file given to the CLI. An acknowledged
// finding is listed with its reason and never counted for --fail-on.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { FindingId, FindingSeverity, PodIdentityReport, PodIdentityRole, WellKnownPolicy } from '../../lib';
import { FINDING_IDS } from '../../lib/private/acknowledgements';
import { Progress } from '../../lib/private/progress';
import { runCli } from '../../lib/report/cli';
import { ENV, importedEksV2Cluster } from '../helpers/clusters';
import { entryOf, filesDirectory, handAssembly, reportApp, reportOf } from '../helpers/report';
import { CASES } from '../policies/cases';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'cdk-eks-pod-identity');
const REASON = 'the queue names are generated at run time by the operator';

/** A role whose own statement writes to every resource (a WildcardResourceOnWrite warning), associated. */
function broadRole(stack: Stack, id = 'Role', namespace = 'jobs') {
  const role = new PodIdentityRole(stack, id, { scopeTrustToAssociations: true });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
  role.associate(importedEksV2Cluster(stack, `${id}Cluster`), { namespace, serviceAccount: 'runner' });
  return role;
}

function cli(args: string[]) {
  const result = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PREFER_TS_EXTS: 'true', TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json') },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function run(args: string[]) {
  let out = '';
  let err = '';
  const status = runCli(args, { out: text => out += text, err: text => err += text });
  return { status, out, err };
}

describe('acknowledged in code: PodIdentityReport.acknowledge', () => {
  test('the finding is listed as acknowledged with its reason, in Markdown and JSON, and not counted for --fail-on', () => {
    const app = reportApp();
    const stack = new Stack(app, 'Ack', { env: ENV });
    const role = broadRole(stack);
    const before = reportOf(app);
    expect(before.hasFindings(FindingSeverity.WARNING)).toBe(true);

    const app2 = reportApp();
    const stack2 = new Stack(app2, 'Ack', { env: ENV });
    PodIdentityReport.acknowledge(broadRole(stack2), [{ id: FindingId.WILDCARD_RESOURCE_ON_WRITE, reason: REASON }]);
    expect(role).toBeDefined();
    const directory = app2.synth().directory;
    const report = PodIdentityReport.fromCloudAssembly(directory);
    const finding = entryOf(report, 'jobs', 'runner').findings.find(f => f.id === FindingId.WILDCARD_RESOURCE_ON_WRITE)!;
    expect(finding.acknowledged).toEqual({ reason: REASON, source: expect.stringMatching(/^metadata of .*Role/) });
    expect(report.hasFindings(FindingSeverity.WARNING)).toBe(false);

    const markdown = report.toMarkdown();
    expect(markdown).toContain('1 association · 0 errors · 0 warnings · 1 acknowledged');
    expect(markdown).toMatch(/\| ✅ 1 acknowledged \|/);
    expect(markdown).toContain('- ✅ acknowledged warning `WildcardResourceOnWrite`: ');
    expect(markdown).toContain(`Reason: ${REASON} (metadata of `);
    const json = JSON.parse(report.toJson());
    expect(json.summary).toEqual({ associations: 1, errors: 0, warnings: 0, acknowledged: 1 });
    expect(json.associations[0].findings).toEqual([expect.objectContaining({ id: 'WildcardResourceOnWrite', acknowledged: { reason: REASON, source: finding.acknowledged!.source } })]);

    expect(run(['report', directory, '--fail-on', 'warning']).status).toBe(0);
  });

  test('written into the template: Metadata of the role resource', () => {
    const app = reportApp();
    const stack = new Stack(app, 'Meta', { env: ENV });
    PodIdentityReport.acknowledge(broadRole(stack), [{ id: 'WildcardResourceOnWrite', reason: `  ${REASON}  ` }]);
    Template.fromStack(stack).hasResource('AWS::IAM::Role', {
      Metadata: { 'cdk-eks-pod-identity:acknowledgements': [{ id: 'WildcardResourceOnWrite', reason: REASON }] },
    });
  });

  test('another id, or another role, is not acknowledged', () => {
    const app = reportApp();
    const stack = new Stack(app, 'Other', { env: ENV });
    const acknowledged = broadRole(stack, 'A', 'a');
    broadRole(stack, 'B', 'b');
    PodIdentityReport.acknowledge(acknowledged, [{ id: 'WildcardAction', reason: REASON }]);
    const report = reportOf(app);
    for (const namespace of ['a', 'b']) {
      expect(entryOf(report, namespace, 'runner').findings.find(f => f.id === 'WildcardResourceOnWrite')?.acknowledged).toBeUndefined();
    }
    expect(report.hasFindings(FindingSeverity.WARNING)).toBe(true);
  });

  test('on a stack: every association, role and policy of it', () => {
    const app = reportApp();
    const stack = new Stack(app, 'Whole', { env: ENV });
    broadRole(stack, 'A', 'a');
    broadRole(stack, 'B', 'b');
    PodIdentityReport.acknowledge(stack, [{ id: 'WildcardResourceOnWrite', reason: REASON }]);
    expect(reportOf(app).hasFindings(FindingSeverity.WARNING)).toBe(false);
  });

  test.each([
    [{ id: 'WildcardResourceOnWrite', reason: '' }, 'the reason for WildcardResourceOnWrite is "": a reason of at least 10 characters is required'],
    [{ id: 'WildcardResourceOnWrite', reason: '   ok    ' }, 'a reason of at least 10 characters is required'],
    [{ id: 'WildcardResourceOnWrite' } as any, 'the reason for WildcardResourceOnWrite is null'],
    [{ id: 'AwsSolutions-IAM5', reason: REASON }, 'id "AwsSolutions-IAM5" is not a finding id of the report'],
  ])('rejects %j', (ack, message) => {
    const stack = new Stack(reportApp(), 'Bad', { env: ENV });
    const role = broadRole(stack);
    expect(() => PodIdentityReport.acknowledge(role, [ack])).toThrow(/^\[cdk-eks-pod-identity:InvalidAcknowledgement\] Bad\/Role: /);
    expect(() => PodIdentityReport.acknowledge(role, [ack])).toThrow(message);
  });

  const circular: any = { id: 'WildcardAction' };
  circular.reason = circular;
  test.each<[string, any, RegExp]>([
    ['an id that is a number', [{ id: 3, reason: REASON }], /Bad\/Role: acknowledgements\[0\]: id 3 is not a finding id of the report/],
    ['null in the array', [null], /Bad\/Role: acknowledgements\[0\] is null, not an object \{ id, reason \}/],
    ['a string in the array', ['WildcardAction'], /Bad\/Role: acknowledgements\[0\] is a string, not an object \{ id, reason \}/],
    ['a string instead of the array', 'x', /Bad\/Role: acknowledgements is a string, not an array of \{ id, reason \}/],
    ['nothing instead of the array', undefined, /Bad\/Role: acknowledgements is undefined, not an array of \{ id, reason \}/],
    ['a number instead of the array', 3, /Bad\/Role: acknowledgements is a number, not an array of \{ id, reason \}/],
    ['one acknowledgement, not in an array', { id: 'WildcardAction', reason: REASON }, /acknowledgements is an object, not an array/],
    ['a reason that is a number', [{ id: 'WildcardAction', reason: 1234567890123 }], /acknowledgements\[0\]: the reason for WildcardAction is 1234567890123: a reason of at least 10/],
    ['a reason that is an object', [{ id: 'WildcardAction', reason: { text: REASON } }], /the reason for WildcardAction is \{"text":/],
    ['a reason that refers to itself', [circular], /the reason for WildcardAction is \[object Object\]/],
    ['an id that is a BigInt', [{ id: BigInt(3), reason: REASON }], /id 3 is not a finding id/],
  ])('from JavaScript, rejects %s with the library\'s error', (_name, acks, message) => {
    const stack = new Stack(reportApp(), 'Bad', { env: ENV });
    const role = broadRole(stack);
    expect(() => PodIdentityReport.acknowledge(role, acks)).toThrow(/^\[cdk-eks-pod-identity:InvalidAcknowledgement\] /);
    expect(() => PodIdentityReport.acknowledge(role, acks)).toThrow(message);
  });

  test.each<[string, any]>([['nothing', undefined], ['a string', 'Stack'], ['an object that is no construct', {}]])(
    'from JavaScript, rejects %s as the scope with the library\'s error', (_name, scope) => {
      expect(() => PodIdentityReport.acknowledge(scope, [{ id: 'WildcardAction', reason: REASON }]))
        .toThrow(/^\[cdk-eks-pod-identity:InvalidAcknowledgement\] the scope is .*, not a construct\. Fix: /);
    });

  test('from JavaScript, acknowledgements given to the report that are not an array are rejected with the library\'s error', () => {
    expect(() => PodIdentityReport.fromCloudAssembly('does-not-matter', { acknowledgements: 'x' as any }))
      .toThrow(/^\[cdk-eks-pod-identity:InvalidAcknowledgement\] acknowledgements is a string, not an array/);
  });

  test('rejects a construct that holds nothing to acknowledge', () => {
    const stack = new Stack(reportApp(), 'Empty', { env: ENV });
    const bucketLike = new CfnResource(stack, 'Thing', { type: 'AWS::SQS::Queue' });
    expect(() => PodIdentityReport.acknowledge(bucketLike.node.scope!, [{ id: 'WildcardAction', reason: REASON }]))
      .toThrow(/InvalidAcknowledgement\] Empty is not and holds no association, add-on, role or policy/);
  });

  test('FindingId and the ids acknowledgements accept are the same list', () => {
    const ids = Object.entries(FindingId).filter(([key]) => /^[A-Z_]+$/.test(key)).map(([, value]) => value);
    expect([...FINDING_IDS].sort()).toEqual([...ids].sort());
  });
});

describe('presets broad by upstream design carry their acknowledgement', () => {
  test('the load balancer controller: WildcardResourceOnWrite acknowledged on its policies, a statement of the user is not', () => {
    const app = reportApp();
    const stack = new Stack(app, 'Lbc', { env: ENV });
    const role = new PodIdentityRole(stack, 'Lbc', { scopeTrustToAssociations: true, wellKnownPolicies: [WellKnownPolicy.awsLoadBalancerController()] });
    role.associate(importedEksV2Cluster(stack), { namespace: 'kube-system', serviceAccount: 'aws-load-balancer-controller' });
    let report = reportOf(app);
    let findings = entryOf(report, 'kube-system', 'aws-load-balancer-controller').findings;
    expect(findings.map(f => f.id)).toContain('WildcardResourceOnWrite');
    for (const finding of findings) {
      expect(finding.acknowledged?.reason).toMatch(/^AwsLoadBalancerController preset \(upstream policy\): .{20,}/);
      expect(finding.acknowledged?.source).toMatch(/^metadata of .*WellKnownPolicyAwsLoadBalancerController/);
    }
    expect(report.hasFindings(FindingSeverity.WARNING)).toBe(false);
    Template.fromStack(stack).hasResource('AWS::IAM::ManagedPolicy', {
      Metadata: { 'cdk-eks-pod-identity:acknowledgements': [{ id: 'WildcardResourceOnWrite', reason: Match.stringLikeRegexp('^AwsLoadBalancerController preset') }] },
    });

    // The user's own `*` write on the same role stays a warning: the acknowledgement is the preset policy's.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:DeleteVolume'], resources: ['*'] }));
    report = PodIdentityReport.fromCloudAssembly(app.synth({ force: true }).directory);
    findings = entryOf(report, 'kube-system', 'aws-load-balancer-controller').findings;
    const own = findings.filter(f => f.message.includes('ec2:DeleteVolume'));
    expect(own).toHaveLength(1);
    expect(own[0].acknowledged).toBeUndefined();
    expect(report.hasFindings(FindingSeverity.WARNING)).toBe(true);
  });

  test.each(Object.entries(CASES))('%s: no unacknowledged finding, every acknowledgement with a reason', (name, presetCase) => {
    const app = reportApp();
    const stack = new Stack(app, 'Preset', { env: ENV });
    const role = new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: true, wellKnownPolicies: [presetCase.build(stack)] });
    role.associate(importedEksV2Cluster(stack), { namespace: presetCase.namespace, serviceAccount: presetCase.serviceAccount });
    const report = reportOf(app);
    expect(report.findings.filter(f => !f.acknowledged).map(f => f.message)).toEqual([]);
    for (const finding of report.findings) expect(finding.acknowledged!.reason).toMatch(/^\w+ preset \(upstream policy\): .{20,}/);
    expect(name).toBeDefined();
  });

  test('a preset without `*` write statements carries none', () => {
    const stack = new Stack(reportApp(), 'Dns', { env: ENV });
    const zone = route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z1234567890');
    new PodIdentityRole(stack, 'Dns', { wellKnownPolicies: [WellKnownPolicy.externalDns({ hostedZones: [zone] })] });
    const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy');
    for (const policy of Object.values(policies)) expect(policy.Metadata?.['cdk-eks-pod-identity:acknowledgements']).toBeUndefined();
  });
});

describe('acknowledged in a file: --acknowledgements', () => {
  function assembly(): string {
    const app = reportApp();
    const stack = new Stack(app, 'Files', { env: ENV });
    broadRole(stack, 'A', 'a');
    broadRole(stack, 'B', 'b');
    return app.synth().directory;
  }
  const directory = assembly();
  const file = (content: unknown) => path.join(filesDirectory({ 'acks.json': typeof content === 'string' ? content : JSON.stringify(content) }), 'acks.json');

  test('matching findings are acknowledged with the file as the source; the others still fail --fail-on', () => {
    const onlyA = file({ acknowledgements: [{ id: 'WildcardResourceOnWrite', namespace: 'a', reason: REASON }] });
    const partly = run(['report', directory, '--fail-on', 'warning', '--acknowledgements', onlyA]);
    expect(partly.status).toBe(1);
    expect(partly.err).toContain('unacknowledged findings of severity warning or worse');
    expect(partly.out).toContain(`Reason: ${REASON} (${onlyA} acknowledgements[0])`);

    const both = file({ acknowledgements: [{ id: 'WildcardResourceOnWrite', role: 'Files/A', reason: REASON }, { id: 'WildcardResourceOnWrite', resource: 'Files/B*', reason: REASON }] });
    const passed = run(['report', directory, '--fail-on', 'warning', '--acknowledgements', both, '--format', 'json']);
    expect(passed.err).toBe('');
    expect(passed.status).toBe(0);
    const json = JSON.parse(passed.out);
    expect(json.summary).toMatchObject({ warnings: 0, acknowledged: 2 });
    expect(json.associations.map((a: any) => a.findings[0].acknowledged.source)).toEqual([`${both} acknowledgements[0]`, `${both} acknowledgements[1]`]);
  });

  test('a role selector acknowledges only the findings about that role: the association role\'s, or the target role\'s', () => {
    const app = reportApp();
    const stack = new Stack(app, 'Chained', { env: ENV });
    const target = 'arn:aws:iam::222222222222:role/target';
    const role = broadRole(stack, 'Role', 'chain');
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], resources: [target] }));
    role.associate(importedEksV2Cluster(stack, 'Other'), { namespace: 'chained', serviceAccount: 'sa', targetRole: iam.Role.fromRoleArn(stack, 'T', target) });
    const chained = app.synth().directory;
    const findings = (acks: object[]) => {
      const result = run(['report', chained, '--acknowledgements', file({ acknowledgements: acks }), '--format', 'json']);
      expect(result.err).toBe('');
      const entry = JSON.parse(result.out).associations.find((a: any) => a.namespace === 'chained');
      return Object.fromEntries(entry.findings.map((f: any) => [f.id, f.acknowledged !== undefined]));
    };
    // The target role's finding is not about the association role: selecting that role leaves it standing.
    expect(findings([{ id: 'RoleNotInAssembly', role: 'Chained/Role', reason: REASON }])).toMatchObject({ RoleNotInAssembly: false });
    expect(findings([{ id: 'RoleNotInAssembly', role: target, reason: REASON }])).toMatchObject({ RoleNotInAssembly: true });
    // And the association role's own finding is not acknowledged by naming the target role.
    expect(findings([{ id: 'WildcardResourceOnWrite', role: target, reason: REASON }])).toMatchObject({ WildcardResourceOnWrite: false });
    expect(findings([{ id: 'WildcardResourceOnWrite', role: 'Chained/Role', reason: REASON }])).toMatchObject({ WildcardResourceOnWrite: true });
  });

  test('a selector that matches nothing acknowledges nothing', () => {
    const none = file({ acknowledgements: [{ id: 'WildcardResourceOnWrite', stack: 'Elsewhere', reason: REASON }] });
    expect(run(['report', directory, '--fail-on', 'warning', '--acknowledgements', none]).status).toBe(1);
  });

  test.each([
    ['{ nope', /acks\.json: is not JSON \(/],
    [[], /acks\.json: is an array, not an object/],
    [{ acknowledgements: {} }, /acks\.json: acknowledgements is an object, not an array/],
    [{ acknowledgements: [{ id: 'WildcardResourceOnWrite', namespace: 'a' }] }, /acks\.json: acknowledgements\[0\]: the reason for WildcardResourceOnWrite is null: a reason of at least 10 characters is required/],
    [{ acknowledgements: [{ id: 'WildcardResourceOnWrite', namespace: 'a', reason: 'fine' }] }, /acknowledgements\[0\]: the reason for WildcardResourceOnWrite is "fine"/],
    [{ acknowledgements: [{ id: 'Wildcard', namespace: 'a', reason: REASON }] }, /acknowledgements\[0\]: id "Wildcard" is not a finding id/],
    [{ acknowledgements: [{ id: 'WildcardAction', reason: REASON }] }, /acknowledgements\[0\] \(WildcardAction\) selects nothing: give at least one of stack, cluster/],
    [{ acknowledgements: [{ id: 'WildcardAction', reason: REASON, namepsace: 'a' }] }, /acknowledgements\[0\] has the unknown field "namepsace"/],
    [{ acknowledgements: [{ id: 'WildcardAction', reason: REASON, namespace: 3 }] }, /acknowledgements\[0\]\.namespace is 3, not a non-empty string/],
  ])('malformed file %j: exit 2, one line naming the file and what is wrong', (content, message) => {
    const result = run(['report', directory, '--acknowledgements', file(content)]);
    expect(result.status).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/^cdk-eks-pod-identity: \[cdk-eks-pod-identity:MalformedAcknowledgements\] \S*acks\.json[: ][^\n]*\. Fix: write a JSON object [^\n]*\n$/);
    expect(result.err).toMatch(message);
  });

  test('a missing file: exit 2 naming it', () => {
    const result = run(['report', directory, '--acknowledgements', path.join(directory, 'missing.json')]);
    expect(result.status).toBe(2);
    expect(result.err).toMatch(/MalformedAcknowledgements\] .*missing\.json: cannot be read \(ENOENT\)/);
  });

  test('acknowledgements given in code to the report are checked like the file', () => {
    expect(() => PodIdentityReport.fromCloudAssembly(directory, { acknowledgements: [{ id: 'WildcardAction', reason: REASON }] }))
      .toThrow(/InvalidAcknowledgement\] acknowledgements\[0\] \(WildcardAction\) selects nothing/);
    // From JavaScript: a misspelt selector would widen the acknowledgement to every stack; a selector of another type
    // would fail while the assembly is read; null options.
    const fromJs = (acknowledgements: unknown) => () => PodIdentityReport.fromCloudAssembly(directory, { acknowledgements } as any);
    expect(fromJs([{ id: 'WildcardResourceOnWrite', stack: '*', rol: 'Other*', reason: REASON }]))
      .toThrow(/InvalidAcknowledgement\] acknowledgements\[0\] has the unknown field "rol"/);
    expect(fromJs([{ id: 'WildcardResourceOnWrite', stack: '*', role: 5, reason: REASON }]))
      .toThrow(/InvalidAcknowledgement\] acknowledgements\[0\]\.role is 5, not a non-empty string/);
    expect(fromJs([{ id: 'WildcardResourceOnWrite', stack: '*', namespace: /ns/, reason: REASON }]))
      .toThrow(/InvalidAcknowledgement\] acknowledgements\[0\]\.namespace is .*, not a non-empty string/);
    expect(PodIdentityReport.fromCloudAssembly(directory, null as any).entries.length).toBeGreaterThan(0);
    const report = PodIdentityReport.fromCloudAssembly(directory, { acknowledgements: [{ id: 'WildcardResourceOnWrite', stack: 'Files', reason: REASON }] });
    expect(report.findings.every(f => f.acknowledged?.source === 'acknowledgements[0]')).toBe(true);
  });
});

describe('readable report', () => {
  test('Markdown Role column is the JSON role (the role EKS assumes); a chained role is the Target role column', () => {
    const app = reportApp();
    const stack = new Stack(app, 'Chain', { env: ENV });
    const role = new PodIdentityRole(stack, 'Role');
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], resources: ['arn:aws:iam::222222222222:role/target'] }));
    role.associate(importedEksV2Cluster(stack), { namespace: 'chain', serviceAccount: 'sa', targetRole: iam.Role.fromRoleArn(stack, 'T', 'arn:aws:iam::222222222222:role/target') });
    const report = reportOf(app);
    const json = JSON.parse(report.toJson()).associations[0];
    const row = report.toMarkdown().split('\n').find(line => line.includes('`chain`'))!;
    const cells = row.split(' | ');
    expect(cells[4]).toBe(`\`${json.role.arn}\``);
    expect(cells[5]).toBe(`\`${json.targetRole.arn}\``);
    expect(json.role.arn).not.toBe(json.targetRole.arn);
    expect(report.toMarkdown()).toContain('| Stack | Cluster | Namespace | Service account | Role | Target role | Findings |');
  });

  test('a cluster of the assembly shows its construct path, or its literal name; the rendered name stays in `cluster`', () => {
    const app = reportApp();
    const stack = new Stack(app, 'Clusters', { env: ENV });
    const clusterProps = { roleArn: 'arn:aws:iam::111111111111:role/cluster', resourcesVpcConfig: { subnetIds: ['subnet-1'] } };
    const unnamed = new eks.CfnCluster(stack, 'Unnamed', clusterProps);
    const named = new eks.CfnCluster(stack, 'Named', { ...clusterProps, name: 'prod-eu' });
    const role = new PodIdentityRole(stack, 'Role');
    new eks.CfnPodIdentityAssociation(stack, 'A1', { clusterName: unnamed.ref, namespace: 'a', serviceAccount: 'sa', roleArn: role.roleArn });
    new eks.CfnPodIdentityAssociation(stack, 'A2', { clusterName: named.ref, namespace: 'b', serviceAccount: 'sa', roleArn: role.roleArn });
    const report = reportOf(app);
    expect(entryOf(report, 'a', 'sa')).toMatchObject({ cluster: '${Unnamed}', clusterDisplayName: 'Clusters/Unnamed' });
    expect(entryOf(report, 'b', 'sa')).toMatchObject({ cluster: '${Named}', clusterDisplayName: 'prod-eu' });
    const markdown = report.toMarkdown();
    expect(markdown).toContain('## `a/sa` on cluster `Clusters/Unnamed`');
    expect(markdown).toContain('- Cluster: `Clusters/Unnamed` (name `${Unnamed}`)');
    expect(markdown).toContain('| `Clusters` | `prod-eu` | `b` |');
    expect(JSON.parse(report.toJson()).associations.map((a: any) => a.clusterDisplayName)).toEqual(['prod-eu', 'Clusters/Unnamed']);
  });

  test('a hand-written template: the aws:cdk:path metadata names the cluster', () => {
    const directory = handAssembly({
      stacks: {
        App: {
          template: {
            Resources: {
              C: { Type: 'AWS::EKS::Cluster', Properties: {}, Metadata: { 'aws:cdk:path': 'App/Platform/Cluster/Resource' } },
              R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } } },
              P: { Type: 'AWS::EKS::PodIdentityAssociation', Properties: { ClusterName: { Ref: 'C' }, Namespace: 'n', ServiceAccount: 's', RoleArn: { 'Fn::GetAtt': ['R', 'Arn'] } } },
            },
          },
        },
      },
    });
    expect(PodIdentityReport.fromCloudAssembly(directory).entries[0].clusterDisplayName).toBe('App/Platform/Cluster');
  });
});

describe('the bin', () => {
  test('--help and -h print the usage on stdout, exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const result = cli([flag]);
      expect(result.status).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^Usage: cdk-eks-pod-identity report \[cloud-assembly-dir\]/);
      expect(result.stdout).toContain('--acknowledgements');
    }
  });

  test('an uncompiled clone (no lib/report/cli.js): a clear message, exit 2, not `Cannot find module`', () => {
    const clone = filesDirectory({ 'bin/cdk-eks-pod-identity': fs.readFileSync(BIN, 'utf8'), 'lib/report/cli.ts': 'export {};\n' });
    const result = spawnSync(process.execPath, [path.join(clone, 'bin', 'cdk-eks-pod-identity'), 'report'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`cdk-eks-pod-identity: ${path.join(clone, 'lib', 'report', 'cli')}.js is missing: this is an uncompiled clone of cdk-eks-pod-identity. `
      + 'Fix: run `npx projen compile` in the clone first (or install the published package: npm install cdk-eks-pod-identity)\n');
    expect(result.stderr).not.toContain('Cannot find module');
  });
});

describe('progress of long operations', () => {
  test('shown after the delay, at most once per interval, cleared at the end', () => {
    const lines: Array<string | undefined> = [];
    let now = 0;
    const progress = new Progress('report: resources read', line => lines.push(line), () => now, 1000, 200);
    progress.update(1, 10);
    now = 1000;
    progress.update(2, 10);
    now = 1100;
    progress.update(3, 10);
    now = 1200;
    progress.update(4, 10);
    progress.end();
    expect(lines).toEqual(['cdk-eks-pod-identity: report: resources read: 2/10', 'cdk-eks-pod-identity: report: resources read: 4/10', undefined]);
  });

  test('nothing for short work, nothing when stderr is not a terminal', () => {
    const lines: Array<string | undefined> = [];
    const quick = new Progress('x', line => lines.push(line), () => 0);
    quick.update(1, 1);
    quick.end();
    expect(lines).toEqual([]);
    const isTTY = process.stderr.isTTY;
    const write = jest.spyOn(process.stderr, 'write');
    try {
      (process.stderr as any).isTTY = false;
      let now = 0;
      const silent = Progress.onTerminal('x');
      (silent as any).now = () => (now += 5000);
      silent.update(1, 2);
      silent.end();
      expect(write).not.toHaveBeenCalled();
    } finally {
      (process.stderr as any).isTTY = isTTY;
      write.mockRestore();
    }
  });
});
