// One case per WellKnownPolicy factory: how to build it with scoping inputs, where it runs, one action it needs
// (allowed) and the same action out of scope (denied), and what its template must show.
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { OTHER_ACCOUNT, PresetFixture, arn, awsManagedPolicyNames, presetResources, presetStatements } from './helpers';
import { WellKnownPolicy } from '../../lib';
import { FAKE_ACCOUNT, PodOptions } from '../judges/iam-simulation';

const POD_CLUSTER = '${aws:PrincipalTag/eks-cluster-name}';
const KEY = arn('kms', 'key/11111111-1111-1111-1111-111111111111');
const OTHER_KEY = arn('kms', 'key/22222222-2222-2222-2222-222222222222');
const QUEUE = arn('sqs', 'interruptions');
const OTHER_QUEUE = arn('sqs', 'someone-elses');

export interface Question {
  readonly action: string;
  readonly resource: string;
  readonly context?: PodOptions['context'];
}

export interface PresetCase {
  readonly build: (stack: Stack) => WellKnownPolicy;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly allowed: Question;
  readonly denied: Question;
  /** What the template must show about the scope. */
  readonly scope: (fixture: PresetFixture) => void;
}

const zone = (stack: Stack, id: string) => route53.HostedZone.fromHostedZoneId(stack, id, id);
const bucket = (stack: Stack, name: string) => s3.Bucket.fromBucketName(stack, name, name);
const queue = (stack: Stack) => sqs.Queue.fromQueueArn(stack, 'Queue', QUEUE);
const key = (stack: Stack) => kms.Key.fromKeyArn(stack, 'Key', KEY);
const resourcesWith = (fixture: PresetFixture, text: string) => presetResources(fixture).filter(resource => resource.includes(text));
/** The values a StringEquals condition on `conditionKey` takes anywhere in the preset. */
const conditionValues = (fixture: PresetFixture, conditionKey: string) => [...new Set(presetStatements(fixture)
  .map(statement => statement.Condition?.StringEquals?.[conditionKey])
  .flatMap(value => value === undefined ? [] : [value].flat()))];

export const CASES: Record<string, PresetCase> = {
  awsLoadBalancerController: {
    build: () => WellKnownPolicy.awsLoadBalancerController(),
    namespace: 'kube-system',
    serviceAccount: 'aws-load-balancer-controller',
    allowed: { action: 'elasticloadbalancing:DeleteLoadBalancer', resource: arn('elasticloadbalancing', 'loadbalancer/app/k8s-a/1'), context: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'c' } },
    denied: { action: 'elasticloadbalancing:DeleteLoadBalancer', resource: arn('elasticloadbalancing', 'loadbalancer/app/k8s-a/1'), context: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'another-cluster' } },
    scope: fixture => {
      expect(conditionValues(fixture, 'aws:ResourceTag/elbv2.k8s.aws/cluster')).toEqual([POD_CLUSTER]);
      expect(conditionValues(fixture, 'aws:RequestTag/elbv2.k8s.aws/cluster')).toEqual([POD_CLUSTER]);
      // No `Null: false` (any cluster's tag) survives from upstream.
      expect(presetStatements(fixture).filter(statement => JSON.stringify(statement.Condition?.Null ?? {}).includes('false'))).toEqual([]);
    },
  },
  awsLoadBalancerControllerTargetGroupBindingOnly: {
    build: () => WellKnownPolicy.awsLoadBalancerControllerTargetGroupBindingOnly({ targetGroupArns: [arn('elasticloadbalancing', 'targetgroup/mine/1')] }),
    namespace: 'kube-system',
    serviceAccount: 'aws-load-balancer-controller',
    allowed: { action: 'elasticloadbalancing:RegisterTargets', resource: arn('elasticloadbalancing', 'targetgroup/mine/1') },
    denied: { action: 'elasticloadbalancing:RegisterTargets', resource: arn('elasticloadbalancing', 'targetgroup/theirs/2') },
    scope: fixture => expect(resourcesWith(fixture, 'targetgroup')).toEqual([arn('elasticloadbalancing', 'targetgroup/mine/1')]),
  },
  gatewayApiController: {
    build: () => WellKnownPolicy.gatewayApiController(),
    namespace: 'aws-application-networking-system',
    serviceAccount: 'gateway-api-controller',
    allowed: { action: 'vpc-lattice:CreateService', resource: arn('vpc-lattice', 'service/svc-1') },
    denied: { action: 'vpc-lattice:CreateService', resource: arn('vpc-lattice', 'service/svc-1', OTHER_ACCOUNT) },
    scope: fixture => {
      expect(presetStatements(fixture).flatMap(statement => [statement.Action].flat()).filter((action: string) => action.includes('*'))).toEqual([]);
      expect(resourcesWith(fixture, ':vpc-lattice:')).toEqual([`arn:aws:vpc-lattice:*:${FAKE_ACCOUNT}:*`]);
    },
  },
  externalDns: {
    build: stack => WellKnownPolicy.externalDns({ hostedZones: [zone(stack, 'Z1')] }),
    namespace: 'external-dns',
    serviceAccount: 'external-dns',
    allowed: { action: 'route53:ChangeResourceRecordSets', resource: 'arn:aws:route53:::hostedzone/Z1' },
    denied: { action: 'route53:ChangeResourceRecordSets', resource: 'arn:aws:route53:::hostedzone/Z2' },
    // Record changes only in the given zone; reading records and tags covers every zone (external-dns reads each
    // zone its filters let through).
    scope: fixture => {
      const writes = presetStatements(fixture).filter(statement => [statement.Action].flat().includes('route53:ChangeResourceRecordSets'));
      expect(writes.flatMap(statement => [statement.Resource].flat())).toEqual(['arn:aws:route53:::hostedzone/Z1']);
      expect(resourcesWith(fixture, 'hostedzone').sort()).toEqual(['arn:aws:route53:::hostedzone/*', 'arn:aws:route53:::hostedzone/Z1']);
    },
  },
  certManager: {
    build: stack => WellKnownPolicy.certManager({ hostedZones: [zone(stack, 'Z1')] }),
    namespace: 'cert-manager',
    serviceAccount: 'cert-manager',
    allowed: {
      action: 'route53:ChangeResourceRecordSets',
      resource: 'arn:aws:route53:::hostedzone/Z1',
      context: { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'], 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['_acme-challenge.example.com'] },
    },
    // An A record in the right zone: cert-manager only ever writes TXT challenge records.
    denied: {
      action: 'route53:ChangeResourceRecordSets',
      resource: 'arn:aws:route53:::hostedzone/Z1',
      context: { 'route53:ChangeResourceRecordSetsRecordTypes': ['A'], 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['www.example.com'] },
    },
    scope: fixture => expect([...new Set(resourcesWith(fixture, 'hostedzone'))]).toEqual(['arn:aws:route53:::hostedzone/Z1']),
  },
  awsPrivateCaIssuer: {
    build: () => WellKnownPolicy.awsPrivateCaIssuer({ certificateAuthorityArns: [arn('acm-pca', 'certificate-authority/mine')] }),
    namespace: 'aws-privateca-issuer',
    serviceAccount: 'aws-privateca-issuer',
    allowed: { action: 'acm-pca:IssueCertificate', resource: arn('acm-pca', 'certificate-authority/mine') },
    denied: { action: 'acm-pca:IssueCertificate', resource: arn('acm-pca', 'certificate-authority/theirs') },
    scope: fixture => expect(presetResources(fixture)).toEqual([arn('acm-pca', 'certificate-authority/mine')]),
  },
  clusterAutoscaler: {
    build: () => WellKnownPolicy.clusterAutoscaler(),
    namespace: 'kube-system',
    serviceAccount: 'cluster-autoscaler',
    allowed: { action: 'autoscaling:SetDesiredCapacity', resource: arn('autoscaling', 'autoScalingGroup:uuid:autoScalingGroupName/ng-1'), context: { 'aws:ResourceTag/eks:cluster-name': 'c', 'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true' } },
    denied: { action: 'autoscaling:SetDesiredCapacity', resource: arn('autoscaling', 'autoScalingGroup:uuid:autoScalingGroupName/ng-1'), context: { 'aws:ResourceTag/eks:cluster-name': 'another-cluster', 'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true' } },
    scope: fixture => {
      expect(conditionValues(fixture, 'aws:ResourceTag/eks:cluster-name')).toEqual([POD_CLUSTER]);
      expect(resourcesWith(fixture, 'nodegroup')).toEqual([`arn:aws:eks:*:${FAKE_ACCOUNT}:nodegroup/${POD_CLUSTER}/*/*`]);
    },
  },
  karpenter: {
    build: stack => WellKnownPolicy.karpenter({
      nodeRoles: [iam.Role.fromRoleArn(stack, 'NodeRole', arn('iam', 'role/KarpenterNode', FAKE_ACCOUNT, ''))],
      interruptionQueue: queue(stack),
    }),
    namespace: 'kube-system',
    serviceAccount: 'karpenter',
    allowed: { action: 'ec2:TerminateInstances', resource: arn('ec2', 'instance/i-1'), context: { 'aws:ResourceTag/eks:eks-cluster-name': 'c', 'aws:ResourceTag/karpenter.sh/nodepool': 'default' } },
    denied: { action: 'ec2:TerminateInstances', resource: arn('ec2', 'instance/i-1'), context: { 'aws:ResourceTag/eks:eks-cluster-name': 'another-cluster', 'aws:ResourceTag/karpenter.sh/nodepool': 'default' } },
    scope: fixture => {
      expect(resourcesWith(fixture, ':role/')).toEqual([arn('iam', 'role/KarpenterNode', FAKE_ACCOUNT, '')]);
      expect(resourcesWith(fixture, ':sqs:')).toEqual([QUEUE]);
      expect(conditionValues(fixture, 'aws:ResourceTag/eks:eks-cluster-name')).toEqual([POD_CLUSTER]);
    },
  },
  nodeTerminationHandler: {
    build: stack => WellKnownPolicy.nodeTerminationHandler({ queue: queue(stack) }),
    namespace: 'kube-system',
    serviceAccount: 'aws-node-termination-handler',
    allowed: { action: 'sqs:ReceiveMessage', resource: QUEUE },
    denied: { action: 'sqs:ReceiveMessage', resource: OTHER_QUEUE },
    scope: fixture => expect(resourcesWith(fixture, ':sqs:')).toEqual([QUEUE]),
  },
  ebsCsiDriver: {
    build: stack => WellKnownPolicy.ebsCsiDriver({ kmsKeys: [key(stack)] }),
    namespace: 'kube-system',
    serviceAccount: 'ebs-csi-controller-sa',
    // KMS also needs the key policy, which the judge does not have: the keys' scope shows in the template. The
    // managed policy deletes only volumes the driver tagged.
    allowed: { action: 'ec2:DeleteVolume', resource: arn('ec2', 'volume/vol-1'), context: { 'ec2:ResourceTag/ebs.csi.aws.com/cluster': 'true' } },
    denied: { action: 'ec2:DeleteVolume', resource: arn('ec2', 'volume/vol-1') },
    scope: fixture => {
      expect(awsManagedPolicyNames(fixture)).toEqual(['service-role/AmazonEBSCSIDriverPolicy']);
      expect([...new Set(presetResources(fixture))]).toEqual([KEY]);
      expect(presetResources(fixture)).not.toContain(OTHER_KEY);
    },
  },
  efsCsiDriver: {
    build: stack => WellKnownPolicy.efsCsiDriver({
      fileSystems: [efs.FileSystem.fromFileSystemAttributes(stack, 'Fs', {
        fileSystemId: 'fs-1',
        securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-1'),
      })],
    }),
    namespace: 'kube-system',
    serviceAccount: 'efs-csi-controller-sa',
    allowed: { action: 'elasticfilesystem:CreateAccessPoint', resource: arn('elasticfilesystem', 'file-system/fs-1'), context: { 'aws:RequestTag/efs.csi.aws.com/cluster': 'true' } },
    denied: { action: 'elasticfilesystem:CreateAccessPoint', resource: arn('elasticfilesystem', 'file-system/fs-2'), context: { 'aws:RequestTag/efs.csi.aws.com/cluster': 'true' } },
    scope: fixture => expect([...new Set(resourcesWith(fixture, 'file-system'))]).toEqual([arn('elasticfilesystem', 'file-system/fs-1')]),
  },
  fsxLustreCsiDriver: {
    build: () => WellKnownPolicy.fsxLustreCsiDriver(),
    namespace: 'kube-system',
    serviceAccount: 'fsx-csi-controller-sa',
    allowed: { action: 'fsx:CreateFileSystem', resource: arn('fsx', 'file-system/fs-1') },
    denied: { action: 'fsx:CreateFileSystem', resource: arn('fsx', 'file-system/fs-1', OTHER_ACCOUNT) },
    // No S3 access without data-repository buckets.
    scope: fixture => expect(presetStatements(fixture).flatMap(statement => [statement.Action].flat()).filter((action: string) => action.startsWith('s3:'))).toEqual([]),
  },
  mountpointS3CsiDriver: {
    build: stack => WellKnownPolicy.mountpointS3CsiDriver({ buckets: [bucket(stack, 'mounted')] }),
    namespace: 'kube-system',
    serviceAccount: 's3-csi-driver-sa',
    allowed: { action: 's3:PutObject', resource: 'arn:aws:s3:::mounted/dir/file' },
    denied: { action: 's3:PutObject', resource: 'arn:aws:s3:::not-mounted/dir/file' },
    scope: fixture => expect(presetResources(fixture).sort()).toEqual(['arn:aws:s3:::mounted', 'arn:aws:s3:::mounted/*']),
  },
  vpcCni: {
    build: () => WellKnownPolicy.vpcCni(),
    namespace: 'kube-system',
    serviceAccount: 'aws-node',
    allowed: { action: 'ec2:AssignPrivateIpAddresses', resource: arn('ec2', 'network-interface/eni-1') },
    denied: { action: 'ec2:TerminateInstances', resource: arn('ec2', 'instance/i-1') },
    scope: fixture => {
      expect(awsManagedPolicyNames(fixture)).toEqual(['AmazonEKS_CNI_Policy']);
      expect(fixture.template.findResources('AWS::IAM::ManagedPolicy')).toEqual({});
    },
  },
  cloudWatchObservability: {
    build: () => WellKnownPolicy.cloudWatchObservability(),
    namespace: 'amazon-cloudwatch',
    serviceAccount: 'cloudwatch-agent',
    allowed: { action: 'ssm:GetParameter', resource: arn('ssm', 'parameter/AmazonCloudWatch-linux') },
    denied: { action: 'ssm:GetParameter', resource: arn('ssm', 'parameter/app-secret') },
    scope: fixture => {
      expect(awsManagedPolicyNames(fixture)).toEqual(['CloudWatchAgentServerPolicy']);
      expect(fixture.template.findResources('AWS::IAM::ManagedPolicy')).toEqual({});
    },
  },
  amazonManagedPrometheus: {
    build: () => WellKnownPolicy.amazonManagedPrometheus({ workspaceArns: [arn('aps', 'workspace/ws-mine')] }),
    namespace: 'prometheus',
    serviceAccount: 'amp-iamproxy-ingest-service-account',
    allowed: { action: 'aps:RemoteWrite', resource: arn('aps', 'workspace/ws-mine') },
    denied: { action: 'aps:RemoteWrite', resource: arn('aps', 'workspace/ws-theirs') },
    scope: fixture => {
      expect(presetResources(fixture)).toEqual([arn('aps', 'workspace/ws-mine')]);
      expect(presetStatements(fixture)[0].Action).toBe('aps:RemoteWrite');
    },
  },
  externalSecrets: {
    build: stack => WellKnownPolicy.externalSecrets({
      secrets: [secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', arn('secretsmanager', 'secret:app/db-AbCdEf'))],
      parameters: [ssm.StringParameter.fromStringParameterName(stack, 'Param', 'app-config')],
    }),
    namespace: 'external-secrets',
    serviceAccount: 'external-secrets',
    allowed: { action: 'secretsmanager:GetSecretValue', resource: arn('secretsmanager', 'secret:app/db-AbCdEf') },
    denied: { action: 'secretsmanager:GetSecretValue', resource: arn('secretsmanager', 'secret:other/db-GhIjKl') },
    scope: fixture => expect(presetResources(fixture).sort()).toEqual([
      arn('secretsmanager', 'secret:app/db-AbCdEf'), arn('ssm', 'parameter/app-config'),
    ].sort()),
  },
  velero: {
    build: stack => WellKnownPolicy.velero({ bucket: bucket(stack, 'backups'), prefix: 'cluster-c' }),
    namespace: 'velero',
    serviceAccount: 'velero-server',
    allowed: { action: 's3:PutObject', resource: 'arn:aws:s3:::backups/cluster-c/backups/b1/b1.tar.gz' },
    denied: { action: 's3:PutObject', resource: 'arn:aws:s3:::backups/another-prefix/b1.tar.gz' },
    scope: fixture => expect(resourcesWith(fixture, ':s3:').sort()).toEqual(['arn:aws:s3:::backups', 'arn:aws:s3:::backups/cluster-c/*']),
  },
  appMeshController: {
    build: () => WellKnownPolicy.appMeshController(),
    namespace: 'appmesh-system',
    serviceAccount: 'appmesh-controller',
    allowed: { action: 'appmesh:CreateVirtualNode', resource: arn('appmesh', 'mesh/m/virtualNode/n') },
    denied: { action: 'appmesh:CreateVirtualNode', resource: arn('appmesh', 'mesh/m/virtualNode/n', OTHER_ACCOUNT) },
    scope: fixture => expect(resourcesWith(fixture, ':appmesh:')).toEqual([`arn:aws:appmesh:*:${FAKE_ACCOUNT}:mesh/*`]),
  },
  appMeshEnvoy: {
    build: () => WellKnownPolicy.appMeshEnvoy({ namespace: 'shop', serviceAccount: 'cart', virtualNodeArns: [arn('appmesh', 'mesh/m/virtualNode/cart')] }),
    namespace: 'shop',
    serviceAccount: 'cart',
    allowed: { action: 'appmesh:StreamAggregatedResources', resource: arn('appmesh', 'mesh/m/virtualNode/cart') },
    denied: { action: 'appmesh:StreamAggregatedResources', resource: arn('appmesh', 'mesh/m/virtualNode/payments') },
    scope: fixture => expect(presetResources(fixture)).toEqual([arn('appmesh', 'mesh/m/virtualNode/cart')]),
  },
};

