// The cluster every example runs on: a new VPC + EKS cluster by default, or an existing cluster named through CDK
// context. This is the only place in the repository that reads CDK context.
import { KubectlV33Layer } from '@aws-cdk/lambda-layer-kubectl-v33';
import { CfnCondition, CfnElement, Stack } from 'aws-cdk-lib';

/** An explicit account and region. */
export interface Environment {
  readonly account: string;
  readonly region: string;
}
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { NagAcknowledgement, acknowledgeNag, managedPolicyFinding } from './nag-acknowledgements';
import { ExistingCluster } from '../lib';

/** The CDK context keys the examples read (`npx cdk synth -c clusterName=... -c kubectlRoleArn=...`). */
export const CONTEXT_KEYS = {
  /** Name of an existing EKS cluster to deploy the examples to instead of creating one. */
  clusterName: 'clusterName',
  /** ARN of an IAM role with cluster-admin access (an EKS access entry) that the kubectl Lambda runs as. */
  kubectlRoleArn: 'kubectlRoleArn',
  /** Optional, private endpoint only: VPC of the existing cluster. */
  vpcId: 'vpcId',
  /** Optional, private endpoint only: comma-separated private subnet ids for the kubectl Lambda. */
  kubectlSubnetIds: 'kubectlSubnetIds',
  /** Private endpoint only (required with kubectlSubnetIds): comma-separated security group ids that may reach the endpoint. */
  kubectlSecurityGroupIds: 'kubectlSecurityGroupIds',
  /** Optional: `true` when the cluster already runs the eks-pod-identity-agent add-on (or is an EKS Auto Mode cluster), `false` when it does not (unset: created, with a synth warning). */
  podIdentityAgentInstalled: 'podIdentityAgentInstalled',
  /** Platform example: the name of the public hosted zone it creates for external-dns (default platform.example.com). */
  hostedZoneName: 'hostedZoneName',
  /** Cross-account example: the account of the cluster (default 111111111111). */
  clusterAccount: 'clusterAccount',
  /** Cross-account example: the account that owns the data (default 222222222222). */
  dataAccount: 'dataAccount',
  /** Cross-account example: the region of both stacks (default us-east-1). */
  region: 'region',
} as const;

/** The two environments of the cross-account example, from CDK context or placeholders that synthesize offline. */
export function crossAccountEnvironmentsFromContext(scope: Construct): { cluster: Environment; data: Environment } {
  const region = context(scope, CONTEXT_KEYS.region) ?? 'us-east-1';
  return {
    cluster: { account: context(scope, CONTEXT_KEYS.clusterAccount) ?? '111111111111', region },
    data: { account: context(scope, CONTEXT_KEYS.dataAccount) ?? '222222222222', region },
  };
}

/** The platform example's hosted zone name, from CDK context or a placeholder that synthesizes offline. */
export function hostedZoneNameFromContext(scope: Construct): string {
  return context(scope, CONTEXT_KEYS.hostedZoneName) ?? 'platform.example.com';
}

/** Where the examples run: an existing cluster. Leave undefined to create a new VPC and cluster. */
export interface ExistingClusterOptions {
  /** The existing cluster's name. */
  readonly clusterName: string;
  /**
   * The role the kubectl Lambda assumes. It must be trusted by `lambda.amazonaws.com` and have cluster-admin
   * access to the cluster (e.g. an access entry with `AmazonEKSClusterAdminPolicy`).
   */
  readonly kubectlRoleArn: string;
  /** The cluster's VPC; only needed with `kubectlSubnetIds` (private endpoint). */
  readonly vpcId?: string;
  /** Private subnets for the kubectl Lambda when the cluster endpoint is private. */
  readonly kubectlSubnetIds?: string[];
  /** Security groups for the kubectl Lambda when the cluster endpoint is private (required with `kubectlSubnetIds`). */
  readonly kubectlSecurityGroupIds?: string[];
  /**
   * Whether the cluster already runs the Pod Identity Agent: `true` records it instead of creating the add-on,
   * `false` creates it. Unset: the add-on is created and synthesis warns (`AgentAddonOnImportedCluster`).
   */
  readonly podIdentityAgentInstalled?: boolean;
}

/** Props shared by the example stacks. */
export interface ExampleClusterProps {
  /**
   * Deploy to an existing cluster.
   *
   * @default - read from CDK context (`clusterName`, `kubectlRoleArn`...); a new VPC and cluster when absent
   */
  readonly existingCluster?: ExistingClusterOptions;
}

/** Reads the existing-cluster options from CDK context, or undefined when `clusterName` is not set. */
export function existingClusterFromContext(scope: Construct): ExistingClusterOptions | undefined {
  const clusterName = context(scope, CONTEXT_KEYS.clusterName);
  const kubectlRoleArn = context(scope, CONTEXT_KEYS.kubectlRoleArn);
  if (clusterName === undefined && kubectlRoleArn === undefined) return undefined;
  if (clusterName === undefined || kubectlRoleArn === undefined) {
    throw new Error(`Set both -c ${CONTEXT_KEYS.clusterName}=<name> and -c ${CONTEXT_KEYS.kubectlRoleArn}=<arn> to use an existing cluster (got ${CONTEXT_KEYS.clusterName}=${clusterName}, ${CONTEXT_KEYS.kubectlRoleArn}=${kubectlRoleArn})`);
  }
  return {
    clusterName,
    kubectlRoleArn,
    vpcId: context(scope, CONTEXT_KEYS.vpcId),
    kubectlSubnetIds: list(context(scope, CONTEXT_KEYS.kubectlSubnetIds)),
    kubectlSecurityGroupIds: list(context(scope, CONTEXT_KEYS.kubectlSecurityGroupIds)),
    podIdentityAgentInstalled: bool(context(scope, CONTEXT_KEYS.podIdentityAgentInstalled)),
  };
}

/**
 * The examples' cluster, under `scope` (a stack): imported when `existing` is given, created otherwise.
 */
export function exampleCluster(scope: Construct, existing?: ExistingClusterOptions, options: NewClusterOptions = {}): eks.ICluster {
  return existing ? importCluster(scope, existing) : createCluster(scope, options);
}

/** Options of the examples' new cluster. */
export interface NewClusterOptions {
  /**
   * A literal cluster name, for stacks of other accounts that must know it (a target role's trust).
   *
   * @default - CloudFormation names the cluster
   */
  readonly clusterName?: string;
}

function createCluster(scope: Construct, options: NewClusterOptions): eks.Cluster {
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    flowLogs: {
      FlowLog: {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(scope, 'VpcFlowLogs', {
          retention: logs.RetentionDays.ONE_MONTH,
        })),
      },
    },
  });
  const cluster = new eks.Cluster(scope, 'Cluster', {
    clusterName: options.clusterName,
    vpc,
    version: eks.KubernetesVersion.V1_33,
    defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
    defaultCapacity: 2,
    clusterLogging: [
      eks.ClusterLoggingTypes.API,
      eks.ClusterLoggingTypes.AUDIT,
      eks.ClusterLoggingTypes.AUTHENTICATOR,
      eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
      eks.ClusterLoggingTypes.SCHEDULER,
    ],
    kubectlProviderOptions: {
      kubectlLayer: new KubectlV33Layer(scope, 'KubectlLayer'),
    },
  });
  acknowledgeClusterInternals(cluster);
  return cluster;
}

function importCluster(scope: Construct, existing: ExistingClusterOptions): eks.ICluster {
  const privateEndpoint = (existing.kubectlSubnetIds?.length ?? 0) > 0;
  if (privateEndpoint && !existing.vpcId) {
    throw new Error(`-c ${CONTEXT_KEYS.kubectlSubnetIds} needs -c ${CONTEXT_KEYS.vpcId} (the cluster's VPC)`);
  }
  if (privateEndpoint && !existing.kubectlSecurityGroupIds?.length) {
    throw new Error(`-c ${CONTEXT_KEYS.kubectlSubnetIds} needs -c ${CONTEXT_KEYS.kubectlSecurityGroupIds} (security groups that may reach the cluster endpoint, e.g. the cluster security group)`);
  }
  const vpc = existing.vpcId === undefined ? undefined : ec2.Vpc.fromVpcAttributes(scope, 'ClusterVpc', {
    vpcId: existing.vpcId,
    availabilityZones: Stack.of(scope).availabilityZones,
  });
  // One call: the import, its kubectl provider (running as the kubectl role, with the kubectl layer) and, when the
  // context says so, the agent add-on recorded as installed.
  const cluster = ExistingCluster.fromClusterName(scope, 'Cluster', {
    clusterName: existing.clusterName,
    kubectlRoleArn: existing.kubectlRoleArn,
    kubectlLayer: new KubectlV33Layer(scope, 'KubectlLayer'),
    vpc,
    kubectlPrivateSubnets: privateEndpoint
      ? existing.kubectlSubnetIds!.map((id, i) => ec2.Subnet.fromSubnetId(scope, `KubectlSubnet${i}`, id))
      : undefined,
    kubectlSecurityGroups: privateEndpoint
      ? existing.kubectlSecurityGroupIds!.map((id, i) => ec2.SecurityGroup.fromSecurityGroupId(scope, `KubectlSecurityGroup${i}`, id))
      : undefined,
    podIdentityAgentInstalled: existing.podIdentityAgentInstalled,
  });
  acknowledgeKubectlProvider(cluster.kubectlProvider!);
  return cluster;
}

/**
 * cdk-nag findings on resources aws-cdk-lib creates for a new cluster (not on anything cdk-eks-pod-identity
 * creates), each acknowledged with the reason it is acceptable for an example.
 */
function acknowledgeClusterInternals(cluster: eks.Cluster) {
  acknowledgeNag(cluster.node.defaultChild!, {
    id: 'AwsSolutions-EKS1',
    reason: 'Example cluster: the public endpoint lets you run kubectl against it without a VPN or bastion; restrict it with endpointAccess in production.',
  });
  acknowledgeNag(cluster.role, {
    id: managedPolicyFinding('AmazonEKSClusterPolicy'),
    reason: 'aws-cdk-lib cluster role: EKS requires the AmazonEKSClusterPolicy managed policy on the cluster role.',
  });
  if (cluster.defaultNodegroup) {
    acknowledgeNag(cluster.defaultNodegroup,
      ...['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'].map(policy => ({
        id: managedPolicyFinding(policy),
        reason: `aws-cdk-lib managed node group role: EKS worker nodes need the AWS managed ${policy} policy.`,
      })),
    );
  }
  const kubectlProvider = cluster.node.tryFindChild('KubectlProvider');
  if (kubectlProvider) acknowledgeKubectlProvider(kubectlProvider);
}

/**
 * cdk-nag findings on aws-cdk-lib's kubectl provider: its kubectl handler Lambda (with its own role, or running as
 * the given kubectl role) and the custom resource framework's onEvent Lambda.
 */
function acknowledgeKubectlProvider(kubectlProvider: Construct) {
  const handler = kubectlProvider.node.findChild('Handler') as lambda.Function;
  const onEvent = kubectlProvider.node.findChild('Provider').node.findChild('framework-onEvent') as lambda.Function;
  const runtime = {
    id: 'AwsSolutions-L1',
    reason: 'aws-cdk-lib kubectl provider Lambda: aws-cdk-lib picks the Python runtime its handler is built and tested with.',
  };
  const basicExecution = {
    id: managedPolicyFinding('service-role/AWSLambdaBasicExecutionRole'),
    reason: 'aws-cdk-lib kubectl provider Lambda: the AWS managed basic execution policy only lets it write its own logs.',
  };
  const vpcAccess = {
    id: managedPolicyFinding('service-role/AWSLambdaVPCAccessExecutionRole'),
    reason: 'aws-cdk-lib kubectl provider Lambdas run in the cluster VPC and need this AWS managed policy to manage their network interfaces.',
  };
  const handlerHasOwnRole = handler.node.tryFindChild('ServiceRole') !== undefined;
  acknowledgeNag(handler,
    runtime,
    ...handlerHasOwnRole ? [
      basicExecution,
      {
        id: managedPolicyFinding('AmazonEC2ContainerRegistryReadOnly'),
        reason: 'aws-cdk-lib kubectl provider Lambda: pulls images for Helm charts; aws-cdk-lib attaches this AWS managed policy.',
      },
      ...ecrPublicPolicyFinding(handler),
      ...handler.isBoundToVpc ? [vpcAccess] : [],
    ] : [],
  );
  acknowledgeNag(onEvent,
    runtime,
    basicExecution,
    ...onEvent.isBoundToVpc ? [vpcAccess] : [],
    {
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(handler)}.Arn>:*]`,
      reason: 'aws-cdk-lib custom resource framework: may invoke every version of the kubectl handler function (its own handler only).',
    },
  );
}

/** The `Fn::If` managed policy aws-cdk-lib attaches to the kubectl handler's own role, as cdk-nag prints it. */
function ecrPublicPolicyFinding(handler: lambda.Function): NagAcknowledgement[] {
  const condition = handler.node.tryFindChild('HasEcrPublic') as CfnCondition | undefined;
  if (!condition) return [];
  const policy = {
    'Fn::If': [
      logicalIdOf(condition),
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly']] },
      { Ref: 'AWS::NoValue' },
    ],
  };
  return [{
    id: `AwsSolutions-IAM4[Policy::${JSON.stringify(policy)}]`,
    reason: 'aws-cdk-lib kubectl provider Lambda: AmazonElasticContainerRegistryPublicReadOnly (aws partition only) lets it pull public Helm chart images.',
  }];
}

/** The CloudFormation logical id of a construct or of its default child. */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(element).resolve(element.logicalId);
}

function context(scope: Construct, key: string): string | undefined {
  const value = scope.node.tryGetContext(key);
  return value === undefined || value === null || value === '' ? undefined : String(value);
}

function bool(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'true';
}

function list(value: string | undefined): string[] | undefined {
  return value?.split(',').map(item => item.trim()).filter(item => item.length > 0);
}
