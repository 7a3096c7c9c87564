// The one place that knows the difference between aws-eks and aws-eks-v2 clusters, and every aws-cdk-lib internal
// this library touches. Each internal is read through a function here that fails loudly, naming the internal, when
// an aws-cdk-lib release changes it; test/private/aws-cdk-internals.test.ts exercises each of them.
import { attachCustomSynthesis, CfnResource, ISynthesisSession, Lazy, Resource, Stack, Stage, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { stateOf } from './app-store';
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

/** An aws-cdk-lib internal changed: say which, so the fix is obvious. */
function internalChanged(internal: string, expectation: string): Error {
  return new Error(`[cdk-eks-pod-identity:AwsCdkInternalChanged] aws-cdk-lib's ${internal} no longer ${expectation}. Fix: use a version of aws-cdk-lib this release of cdk-eks-pod-identity supports, or upgrade cdk-eks-pod-identity`);
}

// Internal: imported clusters are instances of each module's unexported ClusterBase, the ancestor of the exported
// Cluster that directly extends Resource (found by walking up, as decorators may wrap classes in between).
const EKS_CLUSTER_BASE = directResourceSubclass(eks.Cluster, 'aws_eks ClusterBase');
const EKS_V2_CLUSTER_BASE = directResourceSubclass(eksv2.Cluster, 'aws_eks_v2 ClusterBase');

function directResourceSubclass(cls: Function, internal: string): Function {
  let current = cls;
  while (Object.getPrototypeOf(current)?.prototype instanceof Resource) current = Object.getPrototypeOf(current);
  if (current === cls) throw internalChanged(internal, 'sits between Cluster and Resource');
  return current;
}

// Internal: the label aws-cdk-lib's KubernetesManifest uses to prune objects removed from a manifest (injectPruneLabel).
export const PRUNE_LABEL_PREFIX = 'aws.cdk.eks/prune-';

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
  if (cluster instanceof EKS_V2_CLUSTER_BASE) return ClusterModule.EKS_V2;
  if (cluster instanceof EKS_CLUSTER_BASE) return ClusterModule.EKS;
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

/**
 * Whether a construct is an L1 resource of a CloudFormation type, e.g. `AWS::EKS::Addon`. Not `instanceof`: newer
 * aws-cdk-lib releases give aws_eks_v2 L1 classes of its own (its clusters' CfnCluster and CfnAddon are not
 * aws_eks's), with the same properties.
 */
export function isCfnResourceOfType<T extends CfnResource>(construct: IConstruct | undefined, type: string): construct is T {
  return construct !== undefined && CfnResource.isCfnResource(construct) && construct.cfnResourceType === type;
}

/** Whether the cluster is one this app creates (not imported). */
export function isNewCluster(cluster: eks.IClusterRef): cluster is eks.Cluster | eksv2.Cluster {
  return cluster instanceof eks.Cluster || cluster instanceof eksv2.Cluster;
}

/**
 * Whether the cluster is a new aws_eks_v2 cluster in EKS Auto Mode (aws-eks-v2's default capacity type), where the
 * Pod Identity Agent is built in. Imported clusters say nothing about their mode: false.
 */
export function isAutoModeCluster(cluster: eks.IClusterRef): boolean {
  if (!(cluster instanceof eksv2.Cluster)) return false;
  // Internal: an aws_eks_v2 Cluster's default child is its CfnCluster; Auto Mode is its computeConfig.enabled.
  const resource = cluster.node.defaultChild;
  if (!isCfnResourceOfType<eks.CfnCluster>(resource, eks.CfnCluster.CFN_RESOURCE_TYPE_NAME)) throw internalChanged('aws_eks_v2 Cluster.node.defaultChild', 'is the CfnCluster');
  return Stack.of(cluster).resolve(resource.computeConfig)?.enabled === true;
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
  // Internal: `version` is private on both modules' Cluster; they keep the KubernetesVersion given at construction.
  const version = (cluster as any).version;
  if (typeof version?.version !== 'string') throw internalChanged('Cluster.version', 'holds the KubernetesVersion');
  return version.version;
}

/** The CloudFormation properties of an L1 resource as given to it (before overrides). */
export function cfnPropertiesOf(resource: CfnResource): Record<string, any> {
  // Internal: CfnResource._cfnProperties is what L1 resources of custom types (kubectl manifests, Helm charts,
  // aws_eks Fargate profiles) keep their properties in; there is no public getter.
  const properties = (resource as any)._cfnProperties;
  if (typeof properties !== 'object' || properties === null) throw internalChanged('CfnResource._cfnProperties', 'holds the resource properties');
  return properties;
}

/** The CloudFormation properties of an L1 resource as rendered (overrides and escape hatches applied), resolved. */
export function renderedPropertiesOf(resource: CfnResource): Record<string, any> {
  // Internal: CfnResource._toCloudFormation() renders the resource with its raw overrides (addPropertyOverride);
  // there is no public way to read a property override back.
  const render = (resource as any)._toCloudFormation;
  if (typeof render !== 'function') throw internalChanged('CfnResource._toCloudFormation', 'renders the resource');
  const stack = Stack.of(resource);
  const rendered = stack.resolve(render.call(resource));
  const properties = rendered?.Resources?.[stack.resolve(resource.logicalId)]?.Properties;
  return typeof properties === 'object' && properties !== null ? properties : {};
}

/** One selector of a Fargate profile. */
export interface FargateSelector {
  /** The profile's construct path. */
  readonly profile: string;
  /** The `clusterName` the profile was given (compare with the cluster's name). */
  readonly clusterName: string;
  /** The namespace it selects. */
  readonly namespace: string;
  /** Pod labels it also requires, if any. */
  readonly labels?: Record<string, string>;
}

/** The selectors of a Fargate profile resource of either module; none for any other resource. */
export function fargateSelectorsOf(resource: CfnResource): FargateSelector[] {
  const stack = Stack.of(resource);
  if (isCfnResourceOfType<eks.CfnFargateProfile>(resource, eks.CfnFargateProfile.CFN_RESOURCE_TYPE_NAME)) {
    return (stack.resolve(resource.selectors) ?? []).map((selector: any) => ({
      profile: resource.node.path,
      clusterName: resource.clusterName,
      namespace: selector.namespace,
      labels: selector.labels && Object.fromEntries(selector.labels.map((label: any) => [label.key, label.value])),
    }));
  }
  if (resource.cfnResourceType === 'Custom::AWSCDK-EKS-FargateProfile') {
    // aws_eks creates Fargate profiles through a custom resource; cluster and selectors are in its Config property.
    const config = cfnPropertiesOf(resource).Config ?? {};
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
export function awsCdkManagedAgentAddon(cluster: eks.IClusterRef): eks.CfnAddon | undefined {
  if (!isNewCluster(cluster)) return undefined;
  const addon = cluster.eksPodIdentityAgent;
  const resource = addon?.node.defaultChild;
  if (!isCfnResourceOfType<eks.CfnAddon>(resource, eks.CfnAddon.CFN_RESOURCE_TYPE_NAME)) throw internalChanged('Cluster.eksPodIdentityAgent', 'is an Addon with a CfnAddon default child');
  return resource;
}

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
  const resource = manifest.node.defaultChild as CfnResource;
  const pruneLabel = PRUNE_LABEL_PREFIX + manifest.node.addr;
  const stack = Stack.of(manifest);
  // A synthesis resolves every template twice (references, then the template written): render once, keep the
  // string for the second read only, so a fleet's manifests are not all held until the app is gone.
  let rendered: { json: string; reads: number } | undefined;
  resource.addPropertyOverride('Manifest', Lazy.uncachedString({
    produce: () => {
      if (!rendered) {
        rendered = { json: tokenAwareJson(stack, options.render().map(object => withLabel(object, pruneLabel))), reads: 0 };
        options.releaseRendering?.();
      }
      const json = rendered.json;
      if (++rendered.reads === RESOLVES_PER_SYNTHESIS) rendered = undefined;
      return json;
    },
  }));
  resource.addPropertyOverride('PruneLabel', pruneLabel);
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
 * The cluster's name when it is known at synth: the literal name, or the `clusterName` given to a cluster this app
 * creates (whose `clusterName` attribute is always a token); undefined when CloudFormation picks the name.
 */
export function literalClusterNameOf(cluster: eks.IClusterRef): string | undefined {
  const name = clusterNameOf(cluster);
  if (!Token.isUnresolved(name)) return name;
  if (!isNewCluster(cluster)) return undefined;
  // Internal: Resource.physicalName (protected) holds the name given to the construct, or a token for a generated one.
  const physicalName = (cluster as any).physicalName;
  if (typeof physicalName !== 'string') throw internalChanged('Resource.physicalName', 'holds the cluster name given at construction');
  return Token.isUnresolved(physicalName) ? undefined : physicalName;
}

/**
 * Runs `write` when `construct` is synthesized (after every aspect and validation passed, as the cloud assembly is
 * written). Once per synthesis of the construct's stage.
 */
export function onSynthesis(construct: Construct, write: (session: ISynthesisSession) => void): void {
  // Internal: attachCustomSynthesis is exported but documented as meant for aws-cdk-lib's own libraries.
  if (typeof attachCustomSynthesis !== 'function') throw internalChanged('attachCustomSynthesis', 'is exported');
  attachCustomSynthesis(construct, { onSynthesize: write });
}

/** Marks a role of this library that wraps an aws-cdk-lib role import (see `isImmutableRole`). */
export const WRAPPED_ROLE = Symbol.for('cdk-eks-pod-identity.WrappedRole');

/**
 * Whether a role silently drops the statements added to it while reporting them added: aws-cdk-lib's
 * ImmutableRole, which `Role.fromRoleArn` returns for `mutable: false` and for a role of another account.
 */
export function isImmutableRole(role: IConstruct): boolean {
  const inner = (role as any)[WRAPPED_ROLE] ?? role;
  // Internal: ImmutableRole lives in aws-iam/lib/private and is not exported; its class name is the only mark
  // (compiled with a numeric suffix by aws-cdk-lib's decorators).
  return /^ImmutableRole\d*$/.test(inner.constructor?.name ?? '');
}

/**
 * Lets another account's stack refer to a resource of this app by a literal physical name instead of a
 * cross-stack reference (which cannot cross accounts): for resources named `PhysicalName.GENERATE_IF_NEEDED`
 * this generates the name now, before any template is rendered. Returns false when the resource's name is
 * decided by CloudFormation at deploy time, so no other account can know it.
 */
export function allowCrossAccountReference(resource: IConstruct): boolean {
  if (!(resource instanceof Resource)) return true; // imports: names and ARNs are literals already
  // Internal: Resource._enableCrossEnvironment() is what aws-cdk-lib calls when a cross-environment reference
  // resolves; it throws for deploy-time names.
  const enable = (resource as any)._enableCrossEnvironment;
  if (typeof enable !== 'function') throw internalChanged('Resource._enableCrossEnvironment()', 'generates physical names for cross-environment references');
  try {
    enable.call(resource);
    return true;
  } catch {
    return false;
  }
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

// Internal: the symbol under which aws-cdk-lib's attachCustomSynthesis stores a construct's onSynthesize hook
// (non-configurable, so a construct can have only one).
const CUSTOM_SYNTHESIS = Symbol.for('@aws-cdk/core:customSynthesis');

/**
 * Calls `callback(outdir)` once a stage's templates are written (the stage's own synthesis hook runs after all its
 * stacks', which synthesize first in CDK's post-order walk). Falls back to a hook on a new child of the stage, which
 * runs after the stacks created before it, if the stage already has a hook of its own.
 */
export function afterTemplatesWritten(stage: Stage, callback: (outdir: string) => void): void {
  const onSynthesize = (session: ISynthesisSession) => callback(session.outdir);
  if ((stage as any)[CUSTOM_SYNTHESIS] === undefined) {
    attachCustomSynthesis(stage, { onSynthesize });
  } else {
    attachCustomSynthesis(new Construct(stage, 'PodIdentityTemplateSizeCheck'), { onSynthesize });
  }
}
