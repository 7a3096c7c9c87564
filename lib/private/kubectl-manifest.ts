// Kubectl delivery: a workload's Kubernetes objects applied by the cluster's kubectl provider (an aws-cdk-lib
// KubernetesManifest), rendered lazily at synthesis; and one kubectl provider per cluster for the app. GitOps
// delivery, the other way objects reach a cluster, is in ./gitops.
import { Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { stateOf } from './app-store';
import { overrideManifest } from './aws-cdk-internals';
import { ClusterModule, clusterModule, isNewCluster, kubectlClusterOf } from './cluster';
import { problem } from './errors';

/** The options for applying a manifest that are shared by both modules. */
export interface ApplyManifestOptions {
  /** Renders the Kubernetes objects; called at synthesis, so later changes to the objects are included. */
  readonly render: () => Array<Record<string, any>>;
  /** Called once the manifest string is made: the rendering is no longer needed. */
  readonly releaseRendering?: () => void;
}

/**
 * Applies Kubernetes objects to the cluster through its kubectl provider, as a construct under `scope`.
 *
 * The objects are rendered lazily at synthesis: aws-cdk-lib's KubernetesManifest serializes its manifest when
 * constructed, which would freeze cdk8s objects that users are still allowed to change. The prune label it
 * would have injected is injected here instead, so pruning keeps working.
 */
export function applyManifest(scope: Construct, id: string, cluster: eks.IClusterRef, options: ApplyManifestOptions): Construct {
  const module = clusterModule(kubectlClusterOf(cluster));
  if (module === ClusterModule.EKS_V2 && !(cluster as eksv2.ICluster).kubectlProvider) {
    throw problem('NoKubectlProvider',
      `cluster ${cluster.node.path} has no kubectl provider, so Kubernetes manifests cannot be applied to it`,
      'import an existing cluster with ExistingCluster.fromClusterName(scope, id, { clusterName, kubectlRoleArn, kubectlLayer }), which builds its kubectl provider (Cluster.fromClusterAttributes ignores kubectlProviderOptions); create a new cluster with kubectlProviderOptions: { kubectlLayer }; or deliver with ManifestDelivery.gitOps(...)');
  }
  const manifest = module === ClusterModule.EKS_V2
    ? new eksv2.KubernetesManifest(scope, id, { cluster: cluster as eksv2.ICluster, manifest: [], prune: true })
    : new eks.KubernetesManifest(scope, id, { cluster: cluster as eks.ICluster, manifest: [], prune: true });
  const stack = Stack.of(manifest);
  // A synthesis resolves every template twice (references, then the template written): render once, keep the
  // string for the second read only, so a fleet's manifests are not all held until the app is gone.
  let rendered: { json: string; reads: number } | undefined;
  overrideManifest(manifest, pruneLabel => {
    if (!rendered) {
      rendered = { json: tokenAwareJson(stack, options.render().map(object => withLabel(object, pruneLabel))), reads: 0 };
      options.releaseRendering?.();
    }
    const json = rendered.json;
    if (++rendered.reads === RESOLVES_PER_SYNTHESIS) rendered = undefined;
    return json;
  });
  return manifest;
}

/** How often a synthesis resolves a template: once to find cross-stack references, once to write it. */
const RESOLVES_PER_SYNTHESIS = 2;

/**
 * `stack.toJsonString(value)` at a fraction of the cost for large values with few tokens: the value is serialized
 * natively, and only the values that hold tokens go through `toJsonString` (which escapes literals and embeds
 * intrinsics). The CDK then resolves one flat string instead of walking every object of every Kubernetes object,
 * twice per synthesis (reference discovery and template rendering).
 */
export function tokenAwareJson(stack: Stack, value: unknown): string {
  const tokens: unknown[] = [];
  const json = JSON.stringify(value, (_key, item) => {
    const isToken = typeof item === 'string' ? Token.isUnresolved(item)
      : typeof item === 'number' ? Token.isUnresolved(item)
        : typeof item === 'object' && item !== null && typeof item.resolve === 'function';
    if (!isToken) return item;
    tokens.push(item);
    return `${TOKEN_MARK}${tokens.length - 1}${TOKEN_MARK}`;
  });
  if (tokens.length === 0) return json;
  return json.replace(TOKEN_PLACEHOLDER, (_match, index) => stack.toJsonString(tokens[Number(index)]));
}

// A character JSON.stringify escapes (as \u0000) and that cannot occur unescaped in its output.
const TOKEN_MARK = '\u0000';
const TOKEN_PLACEHOLDER = /"\\u0000(\d+)\\u0000"/g;

function withLabel(object: Record<string, any>, label: string): Record<string, any> {
  const metadata = object.metadata ?? {};
  return { ...object, metadata: { ...metadata, labels: { [label]: '', ...metadata.labels } } };
}

/**
 * The cluster as manifests in other stacks should use it, so that the app has one kubectl provider per cluster.
 *
 * Every cluster already shares one provider across stacks except an imported aws_eks cluster without a
 * `kubectlProvider`: aws-cdk-lib's `KubectlProvider.getOrCreate` makes one (a nested stack with Lambdas) in each stack
 * that applies a manifest. For that one, the provider is made once in the cluster's stack, and a second import
 * of the cluster carries it.
 */
export function sharedKubectlCluster(cluster: eks.IClusterRef): eks.IClusterRef {
  if (clusterModule(cluster) !== ClusterModule.EKS || isNewCluster(cluster) || (cluster as eks.ICluster).kubectlProvider) return cluster;
  const v1 = cluster as eks.ICluster;
  return stateOf(v1, 'SharedKubectlCluster', () => {
    const kubectlProvider = eks.KubectlProvider.getOrCreate(v1, v1);
    return eks.Cluster.fromClusterAttributes(v1, 'SharedKubectlCluster', {
      clusterName: v1.clusterName,
      kubectlProvider,
      kubectlRoleArn: v1.kubectlRole?.roleArn,
      kubectlLayer: v1.kubectlLayer,
    });
  });
}
