// Every preset: its scoping shows in the template (only the given zones, buckets, keys, queues, tags), and the IAM
// simulation judge allows one action the software needs and denies the same action out of scope.
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CASES } from './cases';
import { arn, presetResources, presetStatements, roleWith } from './helpers';
import { WellKnownPolicy } from '../../lib';
import { FAKE_ACCOUNT, FAKE_REGION, assertPodMay, assertPodMayNot } from '../judges/iam-simulation';

describe.each(Object.entries(CASES))('WellKnownPolicy.%s', (factory, preset) => {
  const fixture = roleWith(preset.build);

  test('runs as its conventional namespace and service account', () => {
    expect([fixture.policy.namespace, fixture.policy.serviceAccount]).toEqual([preset.namespace, preset.serviceAccount]);
    expect(factory.toLowerCase()).toBe(fixture.policy.name.toLowerCase());
  });

  test('is scoped in the template', () => preset.scope(fixture));

  test('the judge allows what the software needs and denies it out of scope', async () => {
    await assertPodMay(fixture.judge, fixture.role, preset.allowed.action, preset.allowed.resource, { context: preset.allowed.context });
    await assertPodMayNot(fixture.judge, fixture.role, preset.denied.action, preset.denied.resource, { context: preset.denied.context });
  });
});

test('every factory of WellKnownPolicy has a case here', () => {
  const factories = Object.getOwnPropertyNames(WellKnownPolicy).filter(name => typeof (WellKnownPolicy as any)[name] === 'function');
  expect(factories.sort()).toEqual(Object.keys(CASES).sort());
});

describe('WellKnownPolicy.karpenter is pinned to the stack\'s region, as upstream\'s policy is', () => {
  const fixture = roleWith(CASES.karpenter.build);
  const OTHER_REGION = 'eu-west-1';
  const instanceTags = { 'aws:ResourceTag/eks:eks-cluster-name': 'c', 'aws:ResourceTag/karpenter.sh/nodepool': 'default' };
  const profileTags = (region: string) => ({
    'aws:RequestTag/eks:eks-cluster-name': 'c',
    'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': 'default',
    'aws:RequestTag/topology.kubernetes.io/region': region,
  });

  test('EC2: terminating its instances in the stack\'s region is allowed, in another region denied', async () => {
    await assertPodMay(fixture.judge, fixture.role, 'ec2:TerminateInstances', arn('ec2', 'instance/i-1'), { context: instanceTags });
    await assertPodMayNot(fixture.judge, fixture.role, 'ec2:TerminateInstances', arn('ec2', 'instance/i-1', FAKE_ACCOUNT, OTHER_REGION), { context: instanceTags });
  });

  test('EC2: launching into a subnet or from an image of another region is denied', async () => {
    await assertPodMay(fixture.judge, fixture.role, 'ec2:RunInstances', arn('ec2', 'subnet/subnet-1'));
    await assertPodMayNot(fixture.judge, fixture.role, 'ec2:RunInstances', arn('ec2', 'subnet/subnet-1', FAKE_ACCOUNT, OTHER_REGION));
    await assertPodMayNot(fixture.judge, fixture.role, 'ec2:RunInstances', `arn:aws:ec2:${OTHER_REGION}::image/ami-1`);
  });

  test('instance profiles: only those tagged with the stack\'s region (topology.kubernetes.io/region)', async () => {
    const profile = `arn:aws:iam::${FAKE_ACCOUNT}:instance-profile/c_1`;
    await assertPodMay(fixture.judge, fixture.role, 'iam:CreateInstanceProfile', profile, { context: profileTags(FAKE_REGION) });
    await assertPodMayNot(fixture.judge, fixture.role, 'iam:CreateInstanceProfile', profile, { context: profileTags(OTHER_REGION) });
    const existing = (region: string) => ({ 'aws:ResourceTag/eks:eks-cluster-name': 'c', 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': 'default', 'aws:ResourceTag/topology.kubernetes.io/region': region });
    await assertPodMay(fixture.judge, fixture.role, 'iam:DeleteInstanceProfile', profile, { context: existing(FAKE_REGION) });
    await assertPodMayNot(fixture.judge, fixture.role, 'iam:DeleteInstanceProfile', profile, { context: existing(OTHER_REGION) });
  });

  test('reads: EC2 descriptions and the cluster of the stack\'s region only; pricing (served from another region) allowed', async () => {
    await assertPodMay(fixture.judge, fixture.role, 'ec2:DescribeInstances', '*', { context: { 'aws:RequestedRegion': FAKE_REGION } });
    await assertPodMayNot(fixture.judge, fixture.role, 'ec2:DescribeInstances', '*', { context: { 'aws:RequestedRegion': OTHER_REGION } });
    await assertPodMay(fixture.judge, fixture.role, 'pricing:GetProducts', '*', { context: { 'aws:RequestedRegion': 'ap-south-1' } });
    await assertPodMayNot(fixture.judge, fixture.role, 'eks:DescribeCluster', arn('eks', 'cluster/c', FAKE_ACCOUNT, OTHER_REGION));
    await assertPodMay(fixture.judge, fixture.role, 'eks:DescribeCluster', arn('eks', 'cluster/c'));
  });
});

test('WellKnownPolicy.karpenter: no EC2, SSM or EKS ARN pattern with a wildcard region remains', () => {
  const fixture = roleWith(CASES.karpenter.build);
  const resources = presetResources(fixture).filter(resource => /^arn:aws:(ec2|ssm|eks):/.test(resource));
  expect(resources.filter(resource => resource.split(':')[3] !== FAKE_REGION)).toEqual([]);
  expect(resources).toContain(`arn:aws:ssm:${FAKE_REGION}::parameter/aws/service/*`);
});

// Upstream comparison (issue 18 item 7): what each software calls at run time must be allowed.
describe('WellKnownPolicy.gatewayApiController: the controller reads and sets tags to find what it owns', () => {
  const fixture = roleWith(CASES.gatewayApiController.build);

  test('vpc-lattice:ListTagsForResource (no resource-level permissions in IAM) is allowed', async () => {
    await assertPodMay(fixture.judge, fixture.role, 'vpc-lattice:ListTagsForResource', '*');
  });

  test('tag:TagResources / tag:UntagResources (upstream\'s recommended policy, used to update tags) are allowed', async () => {
    await assertPodMay(fixture.judge, fixture.role, 'tag:TagResources', '*');
    await assertPodMay(fixture.judge, fixture.role, 'tag:UntagResources', '*');
  });
});

describe('WellKnownPolicy.nodeTerminationHandler: lifecycle heartbeats (heartbeatInterval) are allowed', () => {
  const fixture = roleWith(CASES.nodeTerminationHandler.build);
  const group = arn('autoscaling', 'autoScalingGroup:uuid:autoScalingGroupName/ng-1');

  test('RecordLifecycleActionHeartbeat on the node group, DescribeLifecycleHooks', async () => {
    await assertPodMay(fixture.judge, fixture.role, 'autoscaling:RecordLifecycleActionHeartbeat', group);
    await assertPodMay(fixture.judge, fixture.role, 'autoscaling:DescribeLifecycleHooks', '*');
    await assertPodMay(fixture.judge, fixture.role, 'autoscaling:CompleteLifecycleAction', group);
  });
});

describe('WellKnownPolicy.externalDns: changes only in the given zones, reads in every zone its filters let through', () => {
  const fixture = roleWith(CASES.externalDns.build);
  const other = 'arn:aws:route53:::hostedzone/Z2';

  test('listing records and tags of another zone is allowed (external-dns stops its whole sync on one AccessDenied)', async () => {
    await assertPodMay(fixture.judge, fixture.role, 'route53:ListResourceRecordSets', other);
    await assertPodMay(fixture.judge, fixture.role, 'route53:ListTagsForResources', other);
  });

  test('changing records of another zone stays denied', async () => {
    await assertPodMayNot(fixture.judge, fixture.role, 'route53:ChangeResourceRecordSets', other);
    await assertPodMay(fixture.judge, fixture.role, 'route53:ChangeResourceRecordSets', 'arn:aws:route53:::hostedzone/Z1');
  });
});

const VELERO_KEY = arn('kms', 'key/11111111-1111-1111-1111-111111111111');

describe('WellKnownPolicy.velero with kmsKeys: restoring a volume encrypted with the key', () => {
  const fixture = roleWith(stack => WellKnownPolicy.velero({
    bucket: s3.Bucket.fromBucketName(stack, 'Backups', 'backups'),
    kmsKeys: [kms.Key.fromKeyArn(stack, 'Key', VELERO_KEY)],
  }));
  // KMS decisions also need the key policy, which the judge does not have: the statements show the grant.
  const actionsOn = (key: string, condition?: string) => presetStatements(fixture)
    .filter(statement => [statement.Resource].flat().includes(key) && (condition === undefined) === (statement.Condition === undefined))
    .flatMap(statement => [statement.Action].flat());

  test('EBS asks for a data key without plaintext with Velero\'s credentials (upstream: kms:GenerateDataKey*)', () => {
    expect(actionsOn(VELERO_KEY)).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey']));
  });

  test('grants on the key only for AWS resources (EBS)', () => {
    expect(actionsOn(VELERO_KEY, 'grant')).toEqual(['kms:CreateGrant']);
    expect(actionsOn(VELERO_KEY)).not.toContain('kms:CreateGrant');
  });
});
