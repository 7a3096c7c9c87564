// The cluster facade: the one place that knows the difference between aws-eks and aws-eks-v2 clusters (new,
// imported, or a bare reference), and what the library reads of a cluster: name, ARN, key, Kubernetes version, Auto
// Mode, OIDC provider. What it reads of aws-cdk-lib's private members goes through ./aws-cdk-internals.
import { Stack, Stage, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { cfnClusterOf, clusterVersionOf, isEksClusterBase, isEksV2ClusterBase, managedAgentAddonOf, physicalNameOf } from './aws-cdk-internals';
import { problem, problemIdOf } from './errors';

/** A cluster from either EKS module, new or imported: what Kubernetes manifests need (a kubectl provider). */
export type AnyCluster = eks.ICluster | eksv2.ICluster;

/** Which aws-cdk-lib module a cluster comes from. */
export enum ClusterModule {
  EKS = 'aws-eks',
  EKS_V2 = 'aws-eks-v2',
  /** A bare reference (e.g. `CfnCluster.fromClusterName`): name and ARN only, no kubectl provider. */
  REFERENCE = 'reference',
}

/** The cluster's name (a literal or a token). */
export function clusterNameOf(cluster: eks.IClusterRef): string {
  return cluster.clusterRef.clusterName;
}

/** The cluster's ARN (a literal or a token). */
export function clusterArnOf(cluster: eks.IClusterRef): string {
  return cluster.clusterRef.clusterArn;
}

/** Tells which module a cluster comes from. */
export function clusterModule(cluster: eks.IClusterRef): ClusterModule {
  if (isEksV2ClusterBase(cluster)) return ClusterModule.EKS_V2;
  if (isEksClusterBase(cluster)) return ClusterModule.EKS;
  return ClusterModule.REFERENCE;
}

/**
 * The cluster as one that can take Kubernetes manifests, or a clear error for a bare reference (an `IClusterRef`
 * that is neither module's cluster, e.g. `CfnCluster.fromClusterName`): only GitOps delivery works with those.
 */
export function kubectlClusterOf(cluster: eks.IClusterRef): AnyCluster {
  if (clusterModule(cluster) === ClusterModule.REFERENCE) {
    throw problem('UnsupportedCluster',
      `the cluster ${clusterDescription(cluster)} is neither an aws-cdk-lib aws_eks nor an aws_eks_v2 cluster, so Kubernetes objects cannot be applied to it`,
      'pass a cluster created with `new eks.Cluster(...)` / `new eks_v2.Cluster(...)` or imported with `Cluster.fromClusterAttributes(...)` from the same aws-cdk-lib copy as this library, or deliver the objects with ManifestDelivery.gitOps(...) (which needs only the cluster\'s name)');
  }
  return cluster as AnyCluster;
}

/** A cluster for messages: its construct path, else its name (a hand-made `IClusterRef` may lack a node). */
function clusterDescription(cluster: eks.IClusterRef): string {
  const path = (cluster as Partial<IConstruct>).node?.path;
  if (typeof path === 'string' && path !== '') return path;
  const name = (cluster as Partial<eks.IClusterRef>).clusterRef?.clusterName;
  return typeof name === 'string' ? JSON.stringify(name) : String(cluster);
}

/**
 * A key shared by every construct that stands for one cluster in the app: the cluster object itself, imports of the
 * same cluster name in the same environment (stacks that import one cluster get distinct objects), and a cluster this
 * app creates with a literal `clusterName` together with imports of that name. A cluster whose name CloudFormation
 * picks is known by its construct alone.
 */
export function clusterKey(cluster: eks.IClusterRef): string {
  const name = literalClusterNameOf(cluster);
  if (name === undefined) return `construct:${cluster.node.path}`;
  return `${environmentKey(cluster, cluster.env.account, cluster.env.region)}/${name}`;
}

/**
 * The account and region of `scope` as a key: literals are one environment wherever they appear. Tokens
 * (environment-agnostic stacks) are the same token in every stack, yet two stages of an app (CDK Pipelines) may be
 * deployed to different accounts: they count as one environment only within a stage.
 */
export function environmentKey(scope: IConstruct, account: string, region: string): string {
  if (!Token.isUnresolved(account) && !Token.isUnresolved(region)) return `${account}/${region}`;
  return `${Stage.of(scope)?.node.path ?? ''}#${account}/${region}`;
}

/** A cluster name for messages: the literal name, or the construct path when the name is a token. */
export function clusterLabel(cluster: eks.IClusterRef): string {
  const name = clusterNameOf(cluster);
  return Token.isUnresolved(name) ? cluster.node.path : JSON.stringify(name);
}

/** Whether every pod of the cluster runs on Fargate. */
export function isFargateCluster(cluster: eks.IClusterRef): boolean {
  return cluster instanceof eks.FargateCluster || cluster instanceof eksv2.FargateCluster;
}

/** Whether the construct is a cluster this app creates (not imported). */
export function isNewCluster(cluster: IConstruct): cluster is eks.Cluster | eksv2.Cluster {
  return cluster instanceof eks.Cluster || cluster instanceof eksv2.Cluster;
}

/**
 * Whether the cluster is a new aws_eks_v2 cluster in EKS Auto Mode (aws-eks-v2's default capacity type), where the
 * Pod Identity Agent is built in. Imported clusters say nothing about their mode: false.
 */
export function isAutoModeCluster(cluster: eks.IClusterRef): boolean {
  if (!(cluster instanceof eksv2.Cluster)) return false;
  // Auto Mode is the CfnCluster's computeConfig.enabled.
  return Stack.of(cluster).resolve(cfnClusterOf(cluster).computeConfig)?.enabled === true;
}

/**
 * The IAM OIDC provider of a cluster (created on first use for a new cluster), for IRSA trust, or a clear error
 * for an imported cluster that was not given one.
 */
export function openIdConnectProviderOf(cluster: eks.IClusterRef): iam.IOpenIdConnectProvider {
  if (clusterModule(cluster) === ClusterModule.REFERENCE) {
    throw problem('NoOpenIdConnectProvider',
      `cluster ${clusterDescription(cluster)} is a bare cluster reference (name and ARN only) with no IAM OIDC provider, so a role cannot trust its IRSA service accounts`,
      'pass the cluster imported with eks.Cluster.fromClusterAttributes({ clusterName, openIdConnectProvider: iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(...) }) (the provider IRSA uses today)');
  }
  try {
    return kubectlClusterOf(cluster).openIdConnectProvider;
  } catch (error) {
    if (problemIdOf(error)) throw error;
    throw problem('NoOpenIdConnectProvider',
      `cluster ${cluster.node.path} has no IAM OIDC provider, so a role cannot trust its IRSA service accounts (${(error as Error).message})`,
      'import the cluster with ExistingCluster.fromClusterName(scope, id, { ..., openIdConnectIssuerUrl }) (or openIdConnectProviderArn), or with openIdConnectProvider: iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(...) (the provider IRSA uses today)');
  }
}

/** The Kubernetes version of a cluster this app creates (e.g. `1.33`); undefined for imported clusters. */
export function kubernetesVersion(cluster: eks.IClusterRef): string | undefined {
  if (!isNewCluster(cluster)) return undefined;
  return clusterVersionOf(cluster);
}

/**
 * The `eks-pod-identity-agent` add-on aws-cdk-lib itself manages for a cluster it created, if any.
 *
 * aws-cdk-lib creates it lazily on first access of `cluster.eksPodIdentityAgent` (also from
 * `addServiceAccount(..., { identityType: POD_IDENTITY })`), so reading it here makes aws-cdk-lib and this library
 * share one add-on instead of racing to create two. Imported clusters have none.
 */
export function awsCdkManagedAgentAddon(cluster: eks.IClusterRef): eks.CfnAddon | undefined {
  if (!isNewCluster(cluster)) return undefined;
  return managedAgentAddonOf(cluster);
}

/**
 * The cluster's name when it is known at synth: the literal name, or the `clusterName` given to a cluster this app
 * creates (whose `clusterName` attribute is always a token); undefined when CloudFormation picks the name.
 */
export function literalClusterNameOf(cluster: eks.IClusterRef): string | undefined {
  const name = clusterNameOf(cluster);
  if (!Token.isUnresolved(name)) return name;
  if (!isNewCluster(cluster)) return undefined;
  const physicalName = physicalNameOf(cluster);
  return Token.isUnresolved(physicalName) ? undefined : physicalName;
}
