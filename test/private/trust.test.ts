// The trust policies the library generates (lib/private/trust.ts), proved by IAM simulation with allowed and denied
// cases: exact scoped trust (one statement per association, keyed by the cluster ARN), hardening options, the IAM/EKS
// limits checked at synth, and target roles with generated or checked trust.
import { App, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  PodIdentityBoundWorkload, PodIdentityErrors, PodIdentityRole, PodIdentityTargetRole,
} from '../../lib';
import { checkTrustConditions, POD_IDENTITY_PRINCIPAL, StatementsAddedLaterPrincipal } from '../../lib/private/trust';
import { importedEksV2Cluster, newEksV2Cluster } from '../helpers/clusters';
import { chainMay, IamSimulationJudge } from '../judges/iam-simulation';

const ENV = { account: '111111111111', region: 'us-east-1' };
const DATA_ENV = { account: '222222222222', region: 'us-east-1' };

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  return { app, stack };
}

function messagesOf(stack: Stack, level: string): string[] {
  return (stack.node.root as App).synth().getStackArtifact(stack.artifactId).messages
    .filter(m => m.level === level).map(m => String(m.entry.data));
}

function withId(messages: string[], id: string): string[] {
  return messages.filter(m => m.includes(`[cdk-eks-pod-identity:${id}]`));
}

function thrownId(build: () => unknown): string | undefined {
  try {
    build();
  } catch (e) {
    return PodIdentityErrors.problemIdOf(e) ?? String(e);
  }
  return undefined;
}

const logicalIdOf = (stack: Stack, construct: { node: { defaultChild?: any } }) => stack.resolve(construct.node.defaultChild.logicalId);

describe('scoped trust is exact: one statement per association, keyed by the cluster ARN', () => {
  // Built in beforeAll rather than while jest collects the tests: an error there fails these tests, not the file.
  let role: PodIdentityRole;
  let judge: IamSimulationJudge;
  beforeAll(() => {
    const { stack } = setup();
    role = new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: true });
    role.associate(importedEksV2Cluster(stack, 'Cluster1', 'c1'), { namespace: 'nsa', serviceAccount: 'sax' });
    role.associate(importedEksV2Cluster(stack, 'Cluster2', 'c2'), { namespace: 'nsb', serviceAccount: 'say' });
    judge = IamSimulationJudge.fromStack(stack);
  });
  const arn = (name: string, region = 'us-east-1', account = '111111111111') => `arn:aws:eks:${region}:${account}:cluster/${name}`;
  const tags = (clusterArn: string, namespace: string, serviceAccount: string) => ({
    sessionTags: {
      'eks-cluster-arn': clusterArn,
      'eks-cluster-name': clusterArn.split('/')[1],
      'kubernetes-namespace': namespace,
      'kubernetes-service-account': serviceAccount,
      'kubernetes-pod-name': 'pod-0',
      'kubernetes-pod-uid': '00000000-0000-4000-8000-000000000000',
    },
  });

  test('renders one statement per association with sts:AssumeRole + sts:TagSession and the cluster ARN', () => {
    const statements = judge.trustPolicyOf(role).Statement;
    expect(statements).toEqual([c1, c2].map(([name, namespace, serviceAccount]) => ({
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': arn(name),
          'aws:RequestTag/kubernetes-namespace': namespace,
          'aws:RequestTag/kubernetes-service-account': serviceAccount,
        },
      },
    })));
  });
  const c1 = ['c1', 'nsa', 'sax'];
  const c2 = ['c2', 'nsb', 'say'];

  test('the two associated triples may assume the role', async () => {
    expect(await judge.trustAllows(role, tags(arn('c1'), 'nsa', 'sax'))).toBe('Allowed');
    expect(await judge.trustAllows(role, tags(arn('c2'), 'nsb', 'say'))).toBe('Allowed');
  });

  test.each([
    ['(cluster1, nsb, say): the cross-product a value-list condition admitted', arn('c1'), 'nsb', 'say'],
    ['(cluster2, nsa, sax)', arn('c2'), 'nsa', 'sax'],
    ['(cluster1, nsa, say)', arn('c1'), 'nsa', 'say'],
    ['(cluster1, nsb, sax)', arn('c1'), 'nsb', 'sax'],
    ['a cluster of the same name in another region', arn('c1', 'eu-west-1'), 'nsa', 'sax'],
    ['a cluster of the same name in another account', arn('c1', 'us-east-1', '333333333333'), 'nsa', 'sax'],
  ])('denied: %s', async (_case, clusterArn, namespace, serviceAccount) => {
    expect(await judge.trustAllows(role, tags(clusterArn, namespace, serviceAccount))).toBe('ImplicitlyDenied');
  });

  test('a new cluster is matched by its ARN attribute', () => {
    const { stack: other } = setup();
    const cluster = newEksV2Cluster(other);
    const scoped = new PodIdentityRole(other, 'Scoped', { scopeTrustToAssociations: true });
    scoped.associate(cluster, { namespace: 'ns', serviceAccount: 'sa' });
    const [statement] = Template.fromStack(other).toJSON().Resources[logicalIdOf(other, scoped)].Properties.AssumeRolePolicyDocument.Statement;
    expect(statement.Condition.StringEquals['aws:RequestTag/eks-cluster-arn']).toEqual({ 'Fn::GetAtt': [logicalIdOf(other, cluster), 'Arn'] });
  });
});

describe('optional hardening', () => {
  test('scopeTrustToOrganization: aws:SourceOrgId must equal the role\'s organization', async () => {
    const { stack } = setup();
    const role = new PodIdentityRole(stack, 'Role', { scopeTrustToOrganization: true });
    role.associate(importedEksV2Cluster(stack, 'Cluster', 'prod'), { namespace: 'ns', serviceAccount: 'sa' });
    const judge = IamSimulationJudge.fromStack(stack);
    const [statement] = judge.trustPolicyOf(role).Statement;
    expect(statement.Condition).toEqual({ StringEquals: { 'aws:SourceOrgId': '${aws:ResourceOrgId}' } });
    const sessionTags = judge.eksSessionTags(role);
    expect(await judge.trustAllows(role, { sessionTags, context: { 'aws:SourceOrgId': 'o-aaaa1111', 'aws:ResourceOrgId': 'o-aaaa1111' } })).toBe('Allowed');
    expect(await judge.trustAllows(role, { sessionTags, context: { 'aws:SourceOrgId': 'o-bbbb2222', 'aws:ResourceOrgId': 'o-aaaa1111' } })).toBe('ImplicitlyDenied');
  });

  test('trustConditions are ANDed into every scoped statement; a key the library sets is rejected', async () => {
    const { stack } = setup();
    const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
    const role = new PodIdentityRole(stack, 'Role', {
      scopeTrustToAssociations: true,
      trustConditions: { StringLike: { 'aws:RequestTag/kubernetes-pod-name': 'api-*' } },
    });
    role.associate(cluster, { namespace: 'ns', serviceAccount: 'sa' });
    const judge = IamSimulationJudge.fromStack(stack);
    expect(judge.trustPolicyOf(role).Statement[0].Condition.StringLike).toEqual({ 'aws:RequestTag/kubernetes-pod-name': 'api-*' });
    expect(await judge.trustAllows(role, { sessionTags: judge.eksSessionTags(role, { podName: 'api-7' }) })).toBe('Allowed');
    expect(await judge.trustAllows(role, { sessionTags: judge.eksSessionTags(role, { podName: 'debug-1' }) })).toBe('ImplicitlyDenied');

    const conflicting = new PodIdentityRole(stack, 'Conflicting', {
      scopeTrustToAssociations: true,
      trustConditions: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'other' } },
    });
    expect(thrownId(() => conflicting.associate(cluster, { namespace: 'ns2', serviceAccount: 'sa' }))).toBe('ConflictingTrustCondition');
  });

  test('UnscopedWorkloadRole: a workload\'s own role with session tags off trusts every association', () => {
    const { stack } = setup();
    const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
    new PodIdentityBoundWorkload(stack, 'Batch', { cluster, namespace: 'batch', image: 'b:1', associationSettings: { disableSessionTags: true } });
    new PodIdentityBoundWorkload(stack, 'Api', { cluster, namespace: 'api', image: 'a:1' });
    const warnings = withId(messagesOf(stack, 'warning'), 'UnscopedWorkloadRole');
    expect(warnings).toEqual([expect.stringContaining('Stack/Batch/Role trusts every Pod Identity association in the account, not only batch/batch')]);
  });
});

describe('limits checked at synth', () => {
  test('TrustPolicyTooLong: the measured length, the quota and how many fit; a raised quota passes', () => {
    const build = (quota?: number) => {
      const { stack } = setup();
      const role = new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: true, trustPolicyLengthQuota: quota });
      for (let i = 0; i < 8; i++) role.associate(importedEksV2Cluster(stack, `Cluster${i}`, `cluster-${i}`), { namespace: `team-${i}`, serviceAccount: 'app' });
      return stack;
    };
    const stack = build();
    const [error] = withId(messagesOf(stack, 'error'), 'TrustPolicyTooLong');
    const length = Number(/is about (\d+) characters \(8 statements/.exec(error)![1]);
    // What IAM counts: the rendered document without whitespace (here every value is a literal but the partition,
    // which the stack's region, us-east-1, tells: aws).
    const rendered = JSON.stringify(Template.fromStack(stack).toJSON().Resources[logicalIdOf(stack, stack.node.findChild('Role') as any)].Properties.AssumeRolePolicyDocument)
      .replace(/\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":eks:([^"]*)"\]\]\}/g, '"arn:aws:eks:$1"');
    expect(length).toBe(rendered.length);
    expect(length).toBeGreaterThan(2048);
    expect(error).toContain('quota is 2048 (IAM default 2048, at most 8192 on request)');
    expect(error).toMatch(/Fix: spread the associations over more roles \(about \d fit in one\)/);
    expect(withId(messagesOf(build(4096), 'error'), 'TrustPolicyTooLong')).toEqual([]);
    expect(thrownId(() => new PodIdentityRole(setup().stack, 'R', { trustPolicyLengthQuota: 10000 }))).toBe('InvalidTrustPolicyLengthQuota');
  });

  test('SessionPolicyTooLarge: over the 2,048 plain-text characters STS accepts', () => {
    const policy = (statements: number) => new iam.PolicyDocument({
      statements: Array.from({ length: statements }, (_, i) => new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::bucket-number-${i}/some/prefix/*`] })),
    });
    const { app, stack } = setup();
    const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
    const role = new PodIdentityRole(stack, 'Role');
    role.associate(cluster, { namespace: 'small', serviceAccount: 'sa', disableSessionTags: true, sessionPolicy: policy(5) });
    role.associate(cluster, { namespace: 'big', serviceAccount: 'sa', disableSessionTags: true, sessionPolicy: policy(40) });
    expect(() => app.synth()).toThrow(/\[cdk-eks-pod-identity:SessionPolicyTooLarge\] the session policy of the association for big\/sa has about \d{4} characters; STS accepts at most 2048/);
  });

  test('TooManyTags counts tags inherited from Tags.of(stack); InvalidTag checks their characters', () => {
    const { app, stack } = setup();
    const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
    for (let i = 0; i < 46; i++) Tags.of(stack).add(`org-tag-${i}`, 'x');
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'ns', serviceAccount: 'sa', tags: { a: '1', b: '2', c: '3', d: '4', e: '5' } });
    expect(() => app.synth()).toThrow(/TooManyTags\] the association for ns\/sa would carry 51 tags \(5 of its own, 46 inherited/);

    const second = setup();
    Tags.of(second.stack).add('cost center', 'R&D (EU)');
    new PodIdentityRole(second.stack, 'Role').associate(importedEksV2Cluster(second.stack, 'Cluster', 'prod'), { namespace: 'ns', serviceAccount: 'sa' });
    expect(() => second.app.synth()).toThrow(/InvalidTag\] tag value "R&D \(EU\)" of tag "cost center" has characters AWS tags do not allow \("&\(\)"\)/);
    expect(thrownId(() => new PodIdentityRole(setup().stack, 'R').associate(importedEksV2Cluster(setup().stack, 'C', 'p'), { namespace: 'ns', serviceAccount: 'sa', tags: { 'team#1': 'x' } })))
      .toBe('InvalidTag');
  });
});

describe('PodIdentityTargetRole in the association\'s stack: generated trust, no dependency cycle', () => {
  function build(disableSessionTags: boolean) {
    const { stack } = setup();
    const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
    const bucket = new s3.Bucket(stack, 'Bucket');
    const target = new PodIdentityTargetRole(stack, 'Target');
    bucket.grantRead(target);
    const role = new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: !disableSessionTags });
    const association = role.associate(cluster, { namespace: 'reports', serviceAccount: 'reader', targetRole: target, disableSessionTags });
    const template = Template.fromStack(stack);
    return { stack, cluster, bucket, target, role, association, template, judge: IamSimulationJudge.fromTemplate(template, stack) };
  }

  test('externalId has the documented format region/account/cluster/namespace/service-account', () => {
    expect(build(true).association.externalId).toBe('us-east-1/111111111111/prod/reports/reader');
  });

  test.each([false, true])('the target role refers to neither the association nor the role policy (disableSessionTags: %s)', (disableSessionTags) => {
    const { stack, template, target, association } = build(disableSessionTags);
    const targetResource = template.toJSON().Resources[logicalIdOf(stack, target)];
    const text = JSON.stringify(targetResource);
    expect(text).not.toContain(stack.resolve(association.resource.logicalId));
    expect(text).not.toContain('DefaultPolicy');
    expect(targetResource.DependsOn).toBeUndefined();
  });

  test('session tags on: the association role\'s account, its ARN, and the transitive tags; the chain works end to end', async () => {
    const { judge, target, role, bucket, stack } = build(false);
    const [statement] = judge.trustPolicyOf(target).Statement;
    expect(statement).toEqual({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        ArnEquals: { 'aws:PrincipalArn': judge.arnOf(logicalIdOf(stack, role)) },
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': 'arn:aws:eks:us-east-1:111111111111:cluster/prod',
          'aws:RequestTag/kubernetes-namespace': 'reports',
          'aws:RequestTag/kubernetes-service-account': 'reader',
        },
      },
    });
    const bucketArn = judge.arnOf(logicalIdOf(stack, bucket));
    const request = { associationRole: role, targetRole: target };
    expect(await chainMay(judge, judge, request, 's3:GetObject', `${bucketArn}/k`)).toMatchObject({ allowed: true });
    expect(await chainMay(judge, judge, request, 's3:PutObject', `${bucketArn}/k`)).toMatchObject({ allowed: false, decidedAt: 'target role -> action' });
    expect(await chainMay(judge, judge, { ...request, tagOverrides: { 'kubernetes-namespace': 'other' } }, 's3:GetObject', `${bucketArn}/k`))
      .toMatchObject({ allowed: false, decidedAt: 'pods.eks -> association role' });
  });

  test('session tags off: sts:ExternalId, and sts:TagSession granted nowhere', async () => {
    const { judge, target, role, bucket, stack, template } = build(true);
    const [statement] = judge.trustPolicyOf(target).Statement;
    expect(statement.Action).toBe('sts:AssumeRole');
    expect(statement.Condition.StringEquals).toEqual({ 'sts:ExternalId': 'us-east-1/111111111111/prod/reports/reader' });
    const rolePolicy = JSON.stringify(judge.identityPolicies(logicalIdOf(stack, role)));
    expect(rolePolicy).toContain('sts:AssumeRole');
    expect(rolePolicy).not.toContain('sts:TagSession');
    expect(JSON.stringify(template.toJSON())).not.toMatch(/sts:TagSession[^}]*222/);
    const bucketArn = judge.arnOf(logicalIdOf(stack, bucket));
    expect(await chainMay(judge, judge, { associationRole: role, targetRole: target }, 's3:GetObject', `${bucketArn}/k`)).toMatchObject({ allowed: true });
    expect(await chainMay(judge, judge, { associationRole: role, targetRole: target, externalId: 'us-east-1/111111111111/prod/other/reader' }, 's3:GetObject', `${bucketArn}/k`))
      .toMatchObject({ allowed: false, decidedAt: 'association role -> target role' });
  });

  test('TargetRoleWithoutAssociations: a target role nothing chains into', () => {
    const { app, stack } = setup();
    new PodIdentityTargetRole(stack, 'Lonely');
    expect(() => app.synth()).toThrow(/TargetRoleWithoutAssociations\] target role Stack\/Lonely/);
  });
});

describe('target roles across stacks and accounts', () => {
  test('another account: literal names, no cross-stack reference either way', () => {
    const app = new App();
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const dataStack = new Stack(app, 'DataStack', { env: DATA_ENV });
    const cluster = new eksv2.Cluster(clusterStack, 'Cluster', {
      clusterName: 'named',
      version: eksv2.KubernetesVersion.V1_33,
      kubectlProviderOptions: { kubectlLayer: importedLayer(clusterStack) },
    });
    const target = new PodIdentityTargetRole(dataStack, 'Target');
    new PodIdentityRole(clusterStack, 'Role').associate(cluster, { namespace: 'ns', serviceAccount: 'sa', targetRole: target });
    const assembly = app.synth();
    for (const stack of [clusterStack, dataStack]) {
      expect(JSON.stringify(assembly.getStackByName(stack.stackName).template)).not.toMatch(/Fn::ImportValue/);
    }
    expect(assembly.getStackByName('DataStack').dependencies.map(d => d.id)).toEqual(['DataStack.assets']);
    expect(assembly.getStackByName('ClusterStack').dependencies.map(d => d.id)).toEqual(['ClusterStack.assets']);
  });

  test('TargetRoleTrustNotResolvable: a cluster of another account whose name CloudFormation decides', () => {
    const app = new App();
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const target = new PodIdentityTargetRole(new Stack(app, 'DataStack', { env: DATA_ENV }), 'Target');
    const cluster = newEksV2Cluster(clusterStack);
    expect(thrownId(() => new PodIdentityRole(clusterStack, 'Role').associate(cluster, { namespace: 'ns', serviceAccount: 'sa', targetRole: target })))
      .toBe('TargetRoleTrustNotResolvable');
  });

  test('TargetRoleAcrossStacks: another stack of the same account would make the stacks depend on each other', () => {
    const app = new App();
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const target = new PodIdentityTargetRole(new Stack(app, 'DataStack', { env: ENV }), 'Target');
    expect(thrownId(() => new PodIdentityRole(clusterStack, 'Role')
      .associate(importedEksV2Cluster(clusterStack, 'Cluster', 'prod'), { namespace: 'ns', serviceAccount: 'sa', targetRole: target })))
      .toBe('TargetRoleAcrossStacks');
  });
});

describe('hand-made and imported target roles', () => {
  function chain(targetRole: (stack: Stack) => iam.IRole, disableSessionTags = false) {
    const { stack } = setup();
    new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: !disableSessionTags })
      .associate(importedEksV2Cluster(stack, 'Cluster', 'prod'), { namespace: 'ns', serviceAccount: 'sa', targetRole: targetRole(stack), disableSessionTags });
    return stack;
  }
  const handMade = (stack: Stack) => new iam.Role(stack, 'HandMade', { assumedBy: new iam.AccountPrincipal('111111111111') });

  test('TargetRoleTrustMissingTagSession: tags on, trust without sts:TagSession', () => {
    const stack = chain(handMade);
    expect(withId(messagesOf(stack, 'error'), 'TargetRoleTrustMissingTagSession')).toEqual([expect.stringContaining('target role Stack/HandMade of the association for ns/sa')]);
    const fixed = chain(s => new iam.Role(s, 'HandMade', { assumedBy: new iam.AccountPrincipal('111111111111').withSessionTags() }));
    expect(withId(messagesOf(fixed, 'error'), 'TargetRoleTrustMissingTagSession')).toEqual([]);
  });

  test('TargetRoleTrustMissingExternalId: tags off, trust without sts:ExternalId, with the value to use', () => {
    const stack = chain(handMade, true);
    expect(withId(messagesOf(stack, 'error'), 'TargetRoleTrustMissingExternalId'))
      .toEqual([expect.stringContaining('"sts:ExternalId": "us-east-1/111111111111/prod/ns/sa"')]);
    const fixed = chain(s => new iam.Role(s, 'HandMade', { assumedBy: new iam.AccountPrincipal('111111111111'), externalIds: ['us-east-1/111111111111/prod/ns/sa'] }), true);
    expect(withId(messagesOf(fixed, 'error'), 'TargetRoleTrustMissingExternalId')).toEqual([]);
  });

  test('TargetRoleNotGranted: an immutable association role reports the grant added but drops it', () => {
    const { stack } = setup();
    const role = PodIdentityRole.fromPodIdentityRoleArn(stack, 'Imported', 'arn:aws:iam::111111111111:role/pods', { mutable: false });
    role.associate(importedEksV2Cluster(stack, 'Cluster', 'prod'), {
      namespace: 'ns', serviceAccount: 'sa', targetRole: iam.Role.fromRoleArn(stack, 'Target', 'arn:aws:iam::222222222222:role/data'),
    });
    expect(withId(messagesOf(stack, 'warning'), 'TargetRoleNotGranted')).toEqual([expect.stringContaining('aws-cdk-lib reports the statement as added but drops it')]);
    const mutable = setup();
    PodIdentityRole.fromPodIdentityRoleArn(mutable.stack, 'Imported', 'arn:aws:iam::111111111111:role/pods').associate(importedEksV2Cluster(mutable.stack, 'Cluster', 'prod'), {
      namespace: 'ns', serviceAccount: 'sa', targetRole: iam.Role.fromRoleArn(mutable.stack, 'Target', 'arn:aws:iam::222222222222:role/data'),
    });
    expect(withId(messagesOf(mutable.stack, 'warning'), 'TargetRoleNotGranted')).toEqual([]);
  });
});

function importedLayer(stack: Stack) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lambda = require('aws-cdk-lib/aws-lambda');
  return lambda.LayerVersion.fromLayerVersionArn(stack, 'Layer', 'arn:aws:lambda:us-east-1:111111111111:layer:kubectl:1');
}

describe('trust conditions: the operators IAM accepts, and the messages', () => {
  const ALL = 'StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike, StringNotLike, '
    + 'NumericEquals, NumericNotEquals, NumericLessThan, NumericLessThanEquals, NumericGreaterThan, NumericGreaterThanEquals, '
    + 'DateEquals, DateNotEquals, DateLessThan, DateLessThanEquals, DateGreaterThan, DateGreaterThanEquals, '
    + 'Bool, BinaryEquals, IpAddress, NotIpAddress, ArnEquals, ArnLike, ArnNotEquals, ArnNotLike, Null';
  const EXAMPLE = '{ StringEquals: { "aws:RequestTag/kubernetes-namespace": "prod" } }';

  test('every IAM operator is accepted, with the ForAnyValue:/ForAllValues: prefixes and the IfExists suffix (Null without)', () => {
    for (const operator of ALL.split(', ')) {
      expect(() => checkTrustConditions('Owner', { [operator]: { k: 'v' }, [`ForAnyValue:${operator}`]: { k: ['v'] } })).not.toThrow();
      if (operator !== 'Null') expect(() => checkTrustConditions('Owner', { [`ForAllValues:${operator}IfExists`]: { k: ['v'] } })).not.toThrow();
    }
  });

  test.each<[string, unknown, string]>([
    ['an unknown operator', { Bogus: {} }, `[cdk-eks-pod-identity:InvalidTrustCondition] the trustConditions of Owner use "Bogus", which is not an IAM condition operator (IAM rejects the trust policy). Fix: use one of ${ALL}, optionally prefixed by ForAnyValue: or ForAllValues: and suffixed by IfExists (Null excepted)`],
    ['a misspelt ForAllValues: operator', { 'forallvalues:stringequal': {} }, `[cdk-eks-pod-identity:InvalidTrustCondition] the trustConditions of Owner use "forallvalues:stringequal", which is not an IAM condition operator (IAM rejects the trust policy). Fix: use "ForAllValues:StringEquals", or use one of ${ALL}, optionally prefixed by ForAnyValue: or ForAllValues: and suffixed by IfExists (Null excepted)`],
    ['a misspelt IfExists operator', { StringEqualIfExists: {} }, `[cdk-eks-pod-identity:InvalidTrustCondition] the trustConditions of Owner use "StringEqualIfExists", which is not an IAM condition operator (IAM rejects the trust policy). Fix: use "StringEqualsIfExists", or use one of ${ALL}, optionally prefixed by ForAnyValue: or ForAllValues: and suffixed by IfExists (Null excepted)`],
    ['null', null, `[cdk-eks-pod-identity:InvalidTrustCondition] the trustConditions of Owner are null, not an object of condition operators. Fix: pass an object of operator → { key: value }, e.g. ${EXAMPLE}`],
    ['an operator without a block', { StringEquals: null }, `[cdk-eks-pod-identity:InvalidTrustCondition] the trustConditions of Owner give "StringEquals" the value null, not an object of condition keys. Fix: give each operator an object of condition key → value(s), e.g. ${EXAMPLE}`],
  ])('%s: the message names the value and the fix', (_name, conditions, message) => {
    let thrown = '';
    try {
      checkTrustConditions('Owner', conditions);
    } catch (e) {
      thrown = (e as Error).message;
    }
    expect(thrown).toBe(message);
  });

  test('the principal that adds its statements later tells itself apart from the principal it wraps', () => {
    const principal = new StatementsAddedLaterPrincipal(POD_IDENTITY_PRINCIPAL);
    expect(principal.dedupeString()).toBe('StatementsAddedLater:{"Service":["pods.eks.amazonaws.com"]}');
  });
});
