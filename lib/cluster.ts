// Internal: the one place that knows the difference between aws-eks and aws-eks-v2 clusters.
import { CfnResource, Lazy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IConstruct } from 'constructs';
import { problem } from './errors';

/** A cluster from either EKS module, new or imported. */
export type AnyCluster = eks.ICluster | eksv2.ICluster;

/** Which aws-cdk-lib module a cluster comes from. */
export enum ClusterModule {
  EKS = 'aws-eks',
  EKS_V2 = 'aws-eks-v2',
}

// Imported clusters are instances of each module's unexported ClusterBase: the ancestor of the exported Cluster
// that directly extends Resource (found by walking up, as decorators may wrap classes in between).
const EKS_CLUSTER_BASE = directResourceSubclass(eks.Cluster);
const EKS_V2_CLUSTER_BASE = directResourceSubclass(eksv2.Cluster);

function directResourceSubclass(cls: Function): Function {
  let current = cls;
  while (Object.getPrototypeOf(current)?.prototype instanceof Resource) current = Object.getPrototypeOf(current);
  return current;
}

// Label aws-cdk-lib's KubernetesManifest uses to prune objects removed from a manifest (see injectPruneLabel there).
const PRUNE_LABEL_PREFIX = 'aws.cdk.eks/prune-';

/** Tells which module a cluster comes from, or throws a clear error for anything else. */
export function clusterModule(cluster: AnyCluster): ClusterModule {
  if (cluster instanceof EKS_V2_CLUSTER_BASE) return ClusterModule.EKS_V2;
  if (cluster instanceof EKS_CLUSTER_BASE) return ClusterModule.EKS;
  throw problem('UnsupportedCluster',
    `the cluster ${(cluster as IConstruct).node?.path ?? String(cluster)} is neither an aws-cdk-lib aws_eks nor an aws_eks_v2 cluster`,
    'pass a cluster created with `new eks.Cluster(...)` / `new eks_v2.Cluster(...)` or imported with `Cluster.fromClusterAttributes(...)` from the same aws-cdk-lib copy as this library');
}

/**
 * A key shared by every construct that stands for one cluster in the app: the cluster object itself, and imports of
 * the same cluster name in the same environment (stacks that import one cluster get distinct objects).
 */
export function clusterKey(cluster: AnyCluster): string {
  clusterModule(cluster); // anything else is rejected here, with a clear error
  if (Token.isUnresolved(cluster.clusterName)) return `construct:${cluster.node.path}`;
  return `${cluster.env.account}/${cluster.env.region}/${cluster.clusterName}`;
}

/** Whether every pod of the cluster runs on Fargate. */
export function isFargateCluster(cluster: AnyCluster): boolean {
  return cluster instanceof eks.FargateCluster || cluster instanceof eksv2.FargateCluster;
}

/** The Kubernetes version of a cluster this app creates (e.g. `1.33`); undefined for imported clusters. */
export function kubernetesVersion(cluster: AnyCluster): string | undefined {
  // `version` is private on aws_eks.Cluster; both modules keep the KubernetesVersion given at construction there.
  return cluster instanceof eks.Cluster || cluster instanceof eksv2.Cluster ? (cluster as any).version?.version : undefined;
}

/** One selector of a Fargate profile. */
export interface FargateSelector {
  /** The profile's construct path. */
  readonly profile: string;
  /** The `clusterName` the profile was given (compare with `cluster.clusterName`). */
  readonly clusterName: string;
  /** The namespace it selects. */
  readonly namespace: string;
  /** Pod labels it also requires, if any. */
  readonly labels?: Record<string, string>;
}

/** The selectors of a Fargate profile resource of either module; none for any other resource. */
export function fargateSelectorsOf(resource: CfnResource): FargateSelector[] {
  const stack = Stack.of(resource);
  if (resource instanceof eks.CfnFargateProfile) {
    return (stack.resolve(resource.selectors) ?? []).map((selector: any) => ({
      profile: resource.node.path,
      clusterName: resource.clusterName,
      namespace: selector.namespace,
      labels: selector.labels && Object.fromEntries(selector.labels.map((label: any) => [label.key, label.value])),
    }));
  }
  if (resource.cfnResourceType === 'Custom::AWSCDK-EKS-FargateProfile') {
    // aws_eks creates Fargate profiles through a custom resource; cluster and selectors are in its Config property.
    const config = (resource as any)._cfnProperties?.Config ?? {};
    return (stack.resolve(config.selectors) ?? []).map((selector: any) => ({
      profile: resource.node.scope!.node.path,
      clusterName: config.clusterName,
      namespace: selector.namespace,
      labels: selector.labels,
    }));
  }
  return [];
}

/**
 * The `eks-pod-identity-agent` add-on aws-cdk-lib itself manages for a cluster it created, if any.
 *
 * aws-cdk-lib creates it lazily on first access of `cluster.eksPodIdentityAgent` (also from
 * `addServiceAccount(..., { identityType: POD_IDENTITY })`), so reading it here makes aws-cdk-lib and this library
 * share one add-on instead of racing to create two. Imported clusters have none.
 */
export function awsCdkManagedAgentAddon(cluster: AnyCluster): IConstruct | undefined {
  const isNewCluster = cluster instanceof eks.Cluster || cluster instanceof eksv2.Cluster;
  return isNewCluster ? cluster.eksPodIdentityAgent : undefined;
}

/** The options for applying a manifest that are shared by both modules. */
export interface ApplyManifestOptions {
  /** Renders the Kubernetes objects; called at synthesis, so later changes to the objects are included. */
  readonly render: () => Array<Record<string, any>>;
}

/**
 * Applies Kubernetes objects to the cluster through its kubectl provider, as a construct under `scope`.
 *
 * The objects are rendered lazily at synthesis: aws-cdk-lib's KubernetesManifest serializes its manifest when
 * constructed, which would freeze cdk8s objects that users are still allowed to change. The prune label it
 * would have injected is injected here instead, so pruning keeps working.
 */
export function applyManifest(scope: Construct, id: string, cluster: AnyCluster, options: ApplyManifestOptions): Construct {
  const module = clusterModule(cluster);
  if (module === ClusterModule.EKS_V2 && !(cluster as eksv2.ICluster).kubectlProvider) {
    throw problem('NoKubectlProvider',
      `cluster ${cluster.node.path} has no kubectl provider, so Kubernetes manifests cannot be applied to it`,
      'create the cluster with kubectlProviderOptions: { kubectlLayer }, or import it with kubectlProvider: new eks_v2.KubectlProvider(...) or KubectlProvider.fromKubectlProviderAttributes(...) (fromClusterAttributes ignores kubectlProviderOptions)');
  }
  const manifest = module === ClusterModule.EKS_V2
    ? new eksv2.KubernetesManifest(scope, id, { cluster: cluster as eksv2.ICluster, manifest: [], prune: true })
    : new eks.KubernetesManifest(scope, id, { cluster: cluster as eks.ICluster, manifest: [], prune: true });
  const resource = manifest.node.defaultChild as CfnResource;
  const pruneLabel = PRUNE_LABEL_PREFIX + manifest.node.addr;
  const stack = Stack.of(manifest);
  resource.addPropertyOverride('Manifest', Lazy.string({
    produce: () => stack.toJsonString(options.render().map(object => withLabel(object, pruneLabel))),
  }));
  resource.addPropertyOverride('PruneLabel', pruneLabel);
  return manifest;
}

function withLabel(object: Record<string, any>, label: string): Record<string, any> {
  const metadata = object.metadata ?? {};
  return { ...object, metadata: { ...metadata, labels: { [label]: '', ...metadata.labels } } };
}
