// Node provisioning and lifecycle: Cluster Autoscaler, Karpenter, AWS Node Termination Handler.
import { Aws } from 'aws-cdk-lib';
import { Grant, NO_RESOURCE_LEVEL, POD_CLUSTER_NAME, PresetDefinition, accountArn, requireScope } from './grants';
import { ClusterAutoscalerOptions, KarpenterOptions, NodeTerminationHandlerOptions } from './options';
import { KUBE_SYSTEM_NAMESPACE } from '../private/eks-facts';

const AUTO_SCALING_GROUPS = accountArn('autoscaling', 'autoScalingGroup:*:autoScalingGroupName/*');

/**
 * Upstream: https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md#iam-policy
 * (the "recommended" policy with scaling restricted by tag), also terraform-aws-eks-pod-identity
 * `cluster_autoscaler.tf`. Scaling is limited to Auto Scaling groups tagged `eks:cluster-name` = the cluster and
 * `k8s.io/cluster-autoscaler/enabled` = `true`: EKS managed node groups carry both; tag self-managed groups alike.
 */
export function clusterAutoscaler(options: ClusterAutoscalerOptions): PresetDefinition {
  const cluster = options.clusterName ?? POD_CLUSTER_NAME;
  return {
    name: 'ClusterAutoscaler',
    namespace: KUBE_SYSTEM_NAMESPACE,
    serviceAccount: 'cluster-autoscaler',
    grants: [
      {
        actions: [
          'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances',
          'autoscaling:DescribeLaunchConfigurations', 'autoscaling:DescribeScalingActivities',
          'autoscaling:DescribeTags', 'ec2:DescribeImages', 'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplateVersions', 'ec2:GetInstanceTypesFromInstanceRequirements',
        ],
        resources: ['*'],
        wildcardReason: NO_RESOURCE_LEVEL,
      },
      {
        actions: ['eks:DescribeNodegroup'],
        resources: [accountArn('eks', `nodegroup/${cluster}/*/*`)],
        wildcardReason: 'node groups of the one cluster, whose names and ids the autoscaler discovers at run time',
      },
      {
        actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        resources: [AUTO_SCALING_GROUPS],
        conditions: {
          StringEquals: {
            'aws:ResourceTag/eks:cluster-name': cluster,
            'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true',
          },
        },
        wildcardReason: 'the autoscaler discovers its Auto Scaling groups by tag at run time; the tag conditions limit it to the groups of this cluster',
      },
    ],
  };
}

const CLUSTER_TAG = 'eks:eks-cluster-name';
const REGION_TAG = 'topology.kubernetes.io/region';
const NODEPOOL_TAG = 'karpenter.sh/nodepool';
const NODECLASS_TAG = 'karpenter.k8s.aws/ec2nodeclass';
/** An ARN pattern of this account in the stack's region (Karpenter runs in the cluster's region, as upstream pins). */
const regionalArn = (service: string, resource: string) => `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
const LAUNCHED = ['fleet/*', 'instance/*', 'volume/*', 'network-interface/*', 'launch-template/*', 'spot-instances-request/*'].map(resource => regionalArn('ec2', resource));
const INSTANCE_PROFILES = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:instance-profile/*`;
const KARPENTER_NAMES = 'Karpenter creates and names instances, fleets, volumes, network interfaces, launch templates and instance profiles at run time; tag conditions limit them to the ones it tagged for this cluster';

/**
 * Upstream: the Karpenter v1 controller policy,
 * https://github.com/aws/karpenter-provider-aws/blob/main/website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml,
 * also terraform-aws-eks-pod-identity `karpenter.tf`. Pinned to the stack's region as upstream is (`${AWS::Region}` in
 * the EC2, SSM and EKS ARNs, `aws:RequestedRegion` on the EC2 reads, the `topology.kubernetes.io/region` tag on
 * instance profiles): define the role in a stack of the cluster's region. Cluster scoping uses the `eks:eks-cluster-name` tag
 * Karpenter v1 puts on everything it creates (a tag value, so the cluster's name needs no literal; upstream also
 * matches the `kubernetes.io/cluster/<name>` tag key). Node roles are the given ones only (terraform: any role).
 */
export function karpenter(options: KarpenterOptions): PresetDefinition {
  const cluster = options.clusterName ?? POD_CLUSTER_NAME;
  const nodeRoles = requireScope('karpenter', 'nodeRoles', options.nodeRoles,
    'pass the node role(s) of your EC2NodeClass resources');
  const grants: Grant[] = [
    {
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [
        `arn:${Aws.PARTITION}:ec2:${Aws.REGION}::image/*`, `arn:${Aws.PARTITION}:ec2:${Aws.REGION}::snapshot/*`,
        regionalArn('ec2', 'security-group/*'), regionalArn('ec2', 'subnet/*'), regionalArn('ec2', 'capacity-reservation/*'),
      ],
      wildcardReason: 'images, subnets, security groups and capacity reservations are chosen by EC2NodeClass selectors at run time',
    },
    {
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [regionalArn('ec2', 'launch-template/*')],
      conditions: {
        StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: cluster },
        StringLike: { [`aws:ResourceTag/${NODEPOOL_TAG}`]: '*' },
      },
      wildcardReason: KARPENTER_NAMES,
    },
    {
      actions: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
      resources: LAUNCHED,
      conditions: {
        StringEquals: { [`aws:RequestTag/${CLUSTER_TAG}`]: cluster },
        StringLike: { [`aws:RequestTag/${NODEPOOL_TAG}`]: '*' },
      },
      wildcardReason: KARPENTER_NAMES,
    },
    {
      actions: ['ec2:CreateTags'],
      resources: LAUNCHED,
      conditions: {
        StringEquals: {
          [`aws:RequestTag/${CLUSTER_TAG}`]: cluster,
          'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'],
        },
        StringLike: { [`aws:RequestTag/${NODEPOOL_TAG}`]: '*' },
      },
      wildcardReason: KARPENTER_NAMES,
    },
    {
      actions: ['ec2:CreateTags'],
      resources: [regionalArn('ec2', 'instance/*')],
      conditions: {
        'StringEquals': { [`aws:ResourceTag/${CLUSTER_TAG}`]: cluster },
        'StringEqualsIfExists': { [`aws:RequestTag/${CLUSTER_TAG}`]: cluster },
        'StringLike': { [`aws:ResourceTag/${NODEPOOL_TAG}`]: '*' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [CLUSTER_TAG, 'karpenter.sh/nodeclaim', 'Name'] },
      },
      wildcardReason: KARPENTER_NAMES,
    },
    {
      actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      resources: [regionalArn('ec2', 'instance/*'), regionalArn('ec2', 'launch-template/*')],
      conditions: {
        StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: cluster },
        StringLike: { [`aws:ResourceTag/${NODEPOOL_TAG}`]: '*' },
      },
      wildcardReason: KARPENTER_NAMES,
    },
    {
      actions: [
        'ec2:DescribeCapacityReservations', 'ec2:DescribeImages', 'ec2:DescribeInstances',
        'ec2:DescribeInstanceTypeOfferings', 'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplates',
        'ec2:DescribeSecurityGroups', 'ec2:DescribeSpotPriceHistory', 'ec2:DescribeSubnets',
      ],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': Aws.REGION } },
      wildcardReason: NO_RESOURCE_LEVEL,
    },
    {
      // Not region-bound: the Price List API is served from a few regions only, and IAM is global.
      actions: ['pricing:GetProducts', 'iam:ListInstanceProfiles'],
      resources: ['*'],
      wildcardReason: NO_RESOURCE_LEVEL,
    },
    {
      actions: ['ssm:GetParameter'],
      resources: [`arn:${Aws.PARTITION}:ssm:${Aws.REGION}::parameter/aws/service/*`],
      wildcardReason: 'the public SSM parameters of the EKS-optimized AMIs (aws/service/...), read by AMI alias at run time',
    },
    {
      actions: ['iam:PassRole'],
      resources: nodeRoles.map(role => role.roleArn),
      conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    },
    {
      actions: ['iam:CreateInstanceProfile'],
      resources: [INSTANCE_PROFILES],
      conditions: {
        StringEquals: { [`aws:RequestTag/${CLUSTER_TAG}`]: cluster, [`aws:RequestTag/${REGION_TAG}`]: Aws.REGION },
        StringLike: { [`aws:RequestTag/${NODECLASS_TAG}`]: '*' },
      },
      wildcardReason: KARPENTER_NAMES,
    },
    {
      actions: ['iam:TagInstanceProfile'],
      resources: [INSTANCE_PROFILES],
      conditions: {
        StringEquals: {
          [`aws:ResourceTag/${CLUSTER_TAG}`]: cluster,
          [`aws:ResourceTag/${REGION_TAG}`]: Aws.REGION,
          [`aws:RequestTag/${CLUSTER_TAG}`]: cluster,
          [`aws:RequestTag/${REGION_TAG}`]: Aws.REGION,
        },
        StringLike: { [`aws:ResourceTag/${NODECLASS_TAG}`]: '*', [`aws:RequestTag/${NODECLASS_TAG}`]: '*' },
      },
      wildcardReason: KARPENTER_NAMES,
    },
    {
      actions: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
      resources: [INSTANCE_PROFILES],
      conditions: {
        StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: cluster, [`aws:ResourceTag/${REGION_TAG}`]: Aws.REGION },
        StringLike: { [`aws:ResourceTag/${NODECLASS_TAG}`]: '*' },
      },
      wildcardReason: KARPENTER_NAMES,
    },
    {
      actions: ['iam:GetInstanceProfile'],
      resources: [INSTANCE_PROFILES],
      wildcardReason: KARPENTER_NAMES,
    },
    {
      actions: ['eks:DescribeCluster'],
      resources: [regionalArn('eks', `cluster/${cluster}`)],
    },
  ];
  if (options.interruptionQueue) {
    grants.push({
      actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      resources: [options.interruptionQueue.queueArn],
    });
  }
  return { name: 'Karpenter', namespace: KUBE_SYSTEM_NAMESPACE, serviceAccount: 'karpenter', grants };
}

/**
 * Upstream: the Queue Processor policy of https://github.com/aws/aws-node-termination-handler/blob/main/README.md,
 * also terraform-aws-eks-pod-identity `aws_node_termination_handler.tf`. Added: `RecordLifecycleActionHeartbeat`
 * and `DescribeLifecycleHooks`, which its SQS monitor calls when `heartbeatInterval` is set (without
 * them the hook times out and the instance terminates mid-drain). Tighter: lifecycle actions on this account's Auto
 * Scaling groups, messages on the given queue only.
 */
export function nodeTerminationHandler(options: NodeTerminationHandlerOptions): PresetDefinition {
  return {
    name: 'NodeTerminationHandler',
    namespace: KUBE_SYSTEM_NAMESPACE,
    serviceAccount: 'aws-node-termination-handler',
    grants: [
      {
        actions: [
          'autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeTags', 'autoscaling:DescribeLifecycleHooks',
          'ec2:DescribeInstances',
        ],
        resources: ['*'],
        wildcardReason: NO_RESOURCE_LEVEL,
      },
      {
        // Heartbeats (heartbeatInterval) keep the lifecycle hook open while a node drains.
        actions: ['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat'],
        resources: [AUTO_SCALING_GROUPS],
        wildcardReason: 'lifecycle hooks of whichever Auto Scaling group a terminating node belongs to, known only from the queued event',
      },
      { actions: ['sqs:DeleteMessage', 'sqs:ReceiveMessage'], resources: [options.queue.queueArn] },
    ],
  };
}
