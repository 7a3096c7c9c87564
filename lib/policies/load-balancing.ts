// Load balancing: AWS Load Balancer Controller (full and TargetGroupBinding-only) and the AWS Gateway API
// Controller for Amazon VPC Lattice.
import { Aws } from 'aws-cdk-lib';
import {
  Grant, NO_RESOURCE_LEVEL, POD_CLUSTER_NAME, PresetDefinition, accountArn, createServiceLinkedRole, requireArns,
  requireScope,
} from './grants';
import { AwsLoadBalancerControllerOptions, AwsLoadBalancerControllerTargetGroupBindingOnlyOptions, GatewayApiControllerOptions } from './options';
import { KUBE_SYSTEM_NAMESPACE } from '../private/eks-facts';

const ELB_CLUSTER_TAG = 'elbv2.k8s.aws/cluster';
// Patterns by resource type.
const LOAD_BALANCERS = [accountArn('elasticloadbalancing', 'loadbalancer/*')];
const TARGET_GROUPS = accountArn('elasticloadbalancing', 'targetgroup/*');
const LISTENERS = [accountArn('elasticloadbalancing', 'listener/*')];
const LISTENER_RULES = [accountArn('elasticloadbalancing', 'listener-rule/*')];
const SECURITY_GROUPS = accountArn('ec2', 'security-group/*');
const GENERATED_NAMES = 'the controller creates and names these load balancers, target groups, listeners, rules and security groups at run time, so only ARN patterns can name them; where the controller tags them (elbv2.k8s.aws/cluster) a condition limits them to this cluster';

/**
 * Upstream: https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/install/iam_policy.json
 * (v2.13), also terraform-aws-eks-pod-identity `aws_load_balancer_controller.tf`. Tighter: every
 * `Null: aws:ResourceTag/elbv2.k8s.aws/cluster = false` (any cluster's resources) is `StringEquals` on this
 * cluster's name, and `*` resources are ARN patterns of this account where the action has resource-level
 * permissions.
 */
export function awsLoadBalancerController(options: AwsLoadBalancerControllerOptions): PresetDefinition {
  const cluster = options.clusterName ?? POD_CLUSTER_NAME;
  const ownResource = { StringEquals: { [`aws:ResourceTag/${ELB_CLUSTER_TAG}`]: cluster } };
  const tagsOwnResourceOnly = {
    Null: { [`aws:RequestTag/${ELB_CLUSTER_TAG}`]: 'true' },
    StringEquals: { [`aws:ResourceTag/${ELB_CLUSTER_TAG}`]: cluster },
  };
  const grants: Grant[] = [
    createServiceLinkedRole('elasticloadbalancing.amazonaws.com', 'AWSServiceRoleForElasticLoadBalancing'),
    {
      actions: [
        'ec2:DescribeAccountAttributes', 'ec2:DescribeAddresses', 'ec2:DescribeAvailabilityZones',
        'ec2:DescribeInternetGateways', 'ec2:DescribeVpcs', 'ec2:DescribeVpcPeeringConnections', 'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups', 'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeTags',
        'ec2:DescribeCoipPools', 'ec2:DescribeIpamPools', 'ec2:DescribeRouteTables',
        'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeListenerCertificates',
        'elasticloadbalancing:DescribeSSLPolicies', 'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetHealth', 'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTrustStores', 'elasticloadbalancing:DescribeListenerAttributes',
        'elasticloadbalancing:DescribeCapacityReservation',
        'acm:ListCertificates', 'iam:ListServerCertificates', 'shield:GetSubscriptionState', 'shield:CreateProtection',
        'elasticloadbalancing:SetWebAcl',
      ],
      resources: ['*'],
      wildcardReason: NO_RESOURCE_LEVEL,
    },
    {
      // Certificates, user pools, web ACLs and Shield protections are whichever the Ingress annotations name.
      actions: [
        'ec2:GetCoipPoolUsage', 'ec2:GetSecurityGroupsForVpc',
        'cognito-idp:DescribeUserPoolClient', 'acm:DescribeCertificate', 'iam:GetServerCertificate',
        'waf-regional:GetWebACL', 'waf-regional:GetWebACLForResource', 'waf-regional:AssociateWebACL',
        'waf-regional:DisassociateWebACL', 'wafv2:GetWebACL', 'wafv2:GetWebACLForResource', 'wafv2:AssociateWebACL',
        'wafv2:DisassociateWebACL', 'shield:DescribeProtection', 'shield:DeleteProtection',
      ],
      resources: [
        accountArn('ec2', 'coip-pool/*'), accountArn('ec2', 'vpc/*'),
        accountArn('cognito-idp', 'userpool/*'), accountArn('acm', 'certificate/*'),
        `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:server-certificate/*`,
        accountArn('waf-regional', 'webacl/*'), accountArn('wafv2', 'regional/webacl/*/*'),
        `arn:${Aws.PARTITION}:shield::${Aws.ACCOUNT_ID}:protection/*`,
        ...LOAD_BALANCERS,
      ],
      wildcardReason: 'the certificates, Cognito user pools, web ACLs and Shield protections are whichever the Ingress and Service annotations name, so they are limited to this account, not to names known at deploy time',
    },
    {
      // The controller opens the nodes' security groups (not created by it) to its load balancers.
      actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:CreateSecurityGroup'],
      resources: [SECURITY_GROUPS, accountArn('ec2', 'security-group-rule/*'), accountArn('ec2', 'vpc/*')],
      wildcardReason: 'the controller adds rules to the node security groups of the cluster, which it does not create or tag, and creates its own security groups at run time',
    },
    {
      actions: ['ec2:CreateTags'],
      resources: [SECURITY_GROUPS],
      conditions: {
        StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup', [`aws:RequestTag/${ELB_CLUSTER_TAG}`]: cluster },
      },
      wildcardReason: GENERATED_NAMES,
    },
    {
      actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
      resources: [SECURITY_GROUPS],
      conditions: tagsOwnResourceOnly,
      wildcardReason: GENERATED_NAMES,
    },
    {
      actions: ['ec2:DeleteSecurityGroup'],
      resources: [SECURITY_GROUPS],
      conditions: ownResource,
      wildcardReason: GENERATED_NAMES,
    },
    {
      actions: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
      resources: [...LOAD_BALANCERS, TARGET_GROUPS],
      conditions: { StringEquals: { [`aws:RequestTag/${ELB_CLUSTER_TAG}`]: cluster } },
      wildcardReason: GENERATED_NAMES,
    },
    {
      actions: [
        'elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener',
        'elasticloadbalancing:CreateRule', 'elasticloadbalancing:DeleteRule',
        'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:AddListenerCertificates',
        'elasticloadbalancing:RemoveListenerCertificates', 'elasticloadbalancing:ModifyRule',
        'elasticloadbalancing:SetRulePriorities',
      ],
      resources: [...LOAD_BALANCERS, ...LISTENERS, ...LISTENER_RULES],
      wildcardReason: GENERATED_NAMES,
    },
    {
      actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      resources: [...LISTENERS, ...LISTENER_RULES],
      wildcardReason: GENERATED_NAMES,
    },
    {
      actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      resources: [...LOAD_BALANCERS, TARGET_GROUPS],
      conditions: tagsOwnResourceOnly,
      wildcardReason: GENERATED_NAMES,
    },
    {
      actions: ['elasticloadbalancing:AddTags'],
      resources: [...LOAD_BALANCERS, TARGET_GROUPS],
      conditions: {
        StringEquals: {
          'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateLoadBalancer'],
          [`aws:RequestTag/${ELB_CLUSTER_TAG}`]: cluster,
        },
      },
      wildcardReason: GENERATED_NAMES,
    },
    {
      actions: [
        'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetIpAddressType',
        'elasticloadbalancing:SetSecurityGroups', 'elasticloadbalancing:SetSubnets',
        'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyListenerAttributes', 'elasticloadbalancing:ModifyCapacityReservation',
        'elasticloadbalancing:ModifyIpPools',
      ],
      resources: [...LOAD_BALANCERS, TARGET_GROUPS, ...LISTENERS],
      conditions: ownResource,
      wildcardReason: GENERATED_NAMES,
    },
    {
      // TargetGroupBinding may name target groups made outside the controller (untagged).
      actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      resources: [TARGET_GROUPS],
      wildcardReason: 'TargetGroupBinding resources may name target groups created outside the controller, untagged; use awsLoadBalancerControllerTargetGroupBindingOnly to name them',
    },
  ];
  return {
    name: 'AwsLoadBalancerController',
    namespace: KUBE_SYSTEM_NAMESPACE,
    serviceAccount: 'aws-load-balancer-controller',
    grants,
  };
}

/**
 * Upstream: https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/installation/#setup-iam-manually
 * (TargetGroupBinding only), also terraform-aws-eks-pod-identity `load_balancer_controller_targetgroup_only`.
 */
export function awsLoadBalancerControllerTargetGroupBindingOnly(options: AwsLoadBalancerControllerTargetGroupBindingOnlyOptions): PresetDefinition {
  const preset = 'awsLoadBalancerControllerTargetGroupBindingOnly';
  const targetGroups = requireArns(preset, 'targetGroupArns',
    requireScope(preset, 'targetGroupArns', options.targetGroupArns, 'pass the ARNs of the target groups your TargetGroupBinding resources name'),
    'elasticloadbalancing');
  return {
    name: 'AwsLoadBalancerControllerTargetGroupBindingOnly',
    namespace: KUBE_SYSTEM_NAMESPACE,
    serviceAccount: 'aws-load-balancer-controller',
    grants: [
      {
        actions: [
          'ec2:DescribeSecurityGroups', 'ec2:DescribeInstances', 'ec2:DescribeVpcs',
          'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth',
        ],
        resources: ['*'],
        wildcardReason: NO_RESOURCE_LEVEL,
      },
      {
        actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
        resources: [SECURITY_GROUPS, accountArn('ec2', 'security-group-rule/*')],
        wildcardReason: 'the controller adds rules to the node security groups of the cluster, which are not known to this policy',
      },
      {
        actions: [
          'elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:ModifyTargetGroupAttributes',
          'elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets',
        ],
        resources: targetGroups,
      },
    ],
  };
}

const LATTICE_READS = [
  'vpc-lattice:ListServices', 'vpc-lattice:ListServiceNetworks', 'vpc-lattice:ListTargetGroups',
  'vpc-lattice:ListServiceNetworkServiceAssociations', 'vpc-lattice:ListServiceNetworkVpcAssociations',
  'vpc-lattice:ListAccessLogSubscriptions', 'vpc-lattice:ListListeners', 'vpc-lattice:ListRules',
  // No resource-level permissions in IAM: scoped, it would always be denied (the controller reads its ownership tags).
  'vpc-lattice:ListTagsForResource',
];

/**
 * Upstream: https://github.com/aws/aws-application-networking-k8s/blob/main/files/controller-installation/recommended-inline-policy.json,
 * also terraform-aws-eks-pod-identity `aws_gateway_controller.tf`. Tighter: upstream grants `vpc-lattice:*` on
 * `*`; here each action the controller calls is named, on this account's VPC Lattice resources (`ListTagsForResource`,
 * which IAM cannot scope, on `*`). Left out: what only access logs to S3, CloudWatch Logs or Firehose need
 * (`AccessLogPolicy`: `logs:DescribeLogGroups`, `logs:PutResourcePolicy`, `logs:DescribeResourcePolicies`,
 * `s3:GetBucketPolicy`, `s3:PutBucketPolicy`, `firehose:TagDeliveryStream`, on `*` upstream): add them for the
 * destinations you use.
 */
export function gatewayApiController(_options: GatewayApiControllerOptions): PresetDefinition {
  return {
    name: 'GatewayApiController',
    namespace: 'aws-application-networking-system',
    serviceAccount: 'gateway-api-controller',
    grants: [
      {
        actions: [
          ...LATTICE_READS,
          'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeTags', 'ec2:DescribeSecurityGroups',
          'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
          'logs:ListLogDeliveries', 'tag:GetResources',
          // The Resource Groups Tagging API also needs vpc-lattice:TagResource / UntagResource below, on this account.
          'tag:TagResources', 'tag:UntagResources',
        ],
        resources: ['*'],
        wildcardReason: NO_RESOURCE_LEVEL,
      },
      {
        actions: [
          'vpc-lattice:CreateServiceNetwork', 'vpc-lattice:CreateService', 'vpc-lattice:CreateTargetGroup',
          'vpc-lattice:GetService', 'vpc-lattice:UpdateService', 'vpc-lattice:DeleteService',
          'vpc-lattice:GetServiceNetwork', 'vpc-lattice:DeleteServiceNetwork',
          'vpc-lattice:CreateServiceNetworkServiceAssociation', 'vpc-lattice:GetServiceNetworkServiceAssociation',
          'vpc-lattice:DeleteServiceNetworkServiceAssociation',
          'vpc-lattice:CreateServiceNetworkVpcAssociation', 'vpc-lattice:GetServiceNetworkVpcAssociation',
          'vpc-lattice:UpdateServiceNetworkVpcAssociation', 'vpc-lattice:DeleteServiceNetworkVpcAssociation',
          'vpc-lattice:CreateListener', 'vpc-lattice:GetListener', 'vpc-lattice:UpdateListener',
          'vpc-lattice:DeleteListener',
          'vpc-lattice:CreateRule', 'vpc-lattice:GetRule', 'vpc-lattice:UpdateRule', 'vpc-lattice:DeleteRule',
          'vpc-lattice:GetTargetGroup', 'vpc-lattice:UpdateTargetGroup', 'vpc-lattice:DeleteTargetGroup',
          'vpc-lattice:RegisterTargets', 'vpc-lattice:DeregisterTargets', 'vpc-lattice:ListTargets',
          'vpc-lattice:TagResource', 'vpc-lattice:UntagResource',
          'vpc-lattice:CreateAccessLogSubscription', 'vpc-lattice:GetAccessLogSubscription',
          'vpc-lattice:UpdateAccessLogSubscription', 'vpc-lattice:DeleteAccessLogSubscription',
          'vpc-lattice:PutAuthPolicy', 'vpc-lattice:GetAuthPolicy', 'vpc-lattice:DeleteAuthPolicy',
          'vpc-lattice:PutResourcePolicy', 'vpc-lattice:GetResourcePolicy', 'vpc-lattice:DeleteResourcePolicy',
        ],
        resources: [accountArn('vpc-lattice', '*')],
        wildcardReason: 'the controller creates and names VPC Lattice services, networks, listeners, rules and target groups at run time from Gateway API objects; limited to VPC Lattice resources of this account',
      },
      createServiceLinkedRole('vpc-lattice.amazonaws.com', 'AWSServiceRoleForVpcLattice'),
      createServiceLinkedRole('delivery.logs.amazonaws.com', 'AWSServiceRoleForLogDelivery'),
    ],
  };
}
