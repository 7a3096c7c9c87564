// The one file that touches aws-cdk-lib's private members and undocumented behaviour. Each is read through a small
// named function that fails loudly, naming the internal, when an aws-cdk-lib release changes it;
// test/private/aws-cdk-internals.test.ts has a guard test for each of them (read its failure before upgrading the
// aws-cdk-lib dev pin). Other files call these functions and never cast aws-cdk-lib objects to `any`.
import { attachCustomSynthesis, CfnElement, CfnResource, IStringProducer, ISynthesisSession, Lazy, Resource, Stack, Stage } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IConstruct, IDependable } from 'constructs';
import { isCfnResourceOfType } from './cfn-resource-type';

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

/** Whether a construct is a cluster of aws_eks, new or imported (an instance of its unexported ClusterBase). */
export function isEksClusterBase(construct: unknown): boolean {
  return construct instanceof EKS_CLUSTER_BASE;
}

/** Whether a construct is a cluster of aws_eks_v2, new or imported (an instance of its unexported ClusterBase). */
export function isEksV2ClusterBase(construct: unknown): boolean {
  return construct instanceof EKS_V2_CLUSTER_BASE;
}

/** The Kubernetes version (e.g. `1.33`) a cluster this app creates was given. */
export function clusterVersionOf(cluster: eks.Cluster | eksv2.Cluster): string {
  // Internal: `version` is private on both modules' Cluster; they keep the KubernetesVersion given at construction.
  const version = (cluster as any).version;
  if (typeof version?.version !== 'string') throw internalChanged('Cluster.version', 'holds the KubernetesVersion');
  return version.version;
}

/** The CfnCluster of a new aws_eks_v2 cluster. */
export function cfnClusterOf(cluster: eksv2.Cluster): eks.CfnCluster {
  // Internal: an aws_eks_v2 Cluster's default child is its CfnCluster.
  const resource = cluster.node.defaultChild;
  if (!isCfnResourceOfType<eks.CfnCluster>(resource, eks.CfnCluster.CFN_RESOURCE_TYPE_NAME)) throw internalChanged('aws_eks_v2 Cluster.node.defaultChild', 'is the CfnCluster');
  return resource;
}

/**
 * The dependencies added to a construct, as added (`node.addDependency`): `node.dependencies` gives their roots
 * instead, asking every dependable for them (a dependency decided at prepare would be decided, and a role's
 * permissions found, just to be read).
 */
export function dependablesOf(construct: IConstruct): IDependable[] {
  if (!NODE_DEPENDENCIES_READABLE) return construct.node.dependencies; // their roots: the same stacks, found slower
  const dependencies = (construct.node as any)._dependencies;
  return dependencies === undefined ? [] : [...dependencies];
}

// Internal (constructs, which aws-cdk-lib builds on): Node._dependencies is the Set addDependency adds to, created on
// the first dependency. Checked once on load: a renamed field read as "no dependencies" would hide cycles.
const NODE_DEPENDENCIES_READABLE = (() => {
  const root = new Construct(undefined as any, 'Check');
  const [user, target] = [new Construct(root, 'User'), new Construct(root, 'Target')];
  user.node.addDependency(target);
  const dependencies = (user.node as any)._dependencies;
  return dependencies instanceof Set && dependencies.size === 1 && dependencies.has(target);
})();

/** The physical name a resource this app creates was given, or a token when CloudFormation picks it. */
export function physicalNameOf(resource: Resource): string {
  // Internal: Resource.physicalName (protected) holds the name given to the construct, or a token for a generated one.
  const physicalName = (resource as any).physicalName;
  if (typeof physicalName !== 'string') throw internalChanged('Resource.physicalName', 'holds the cluster name given at construction');
  return physicalName;
}

/**
 * The `eks-pod-identity-agent` add-on aws-cdk-lib manages for a cluster it creates (`cluster.eksPodIdentityAgent`,
 * created on first access), as its CfnAddon.
 */
export function managedAgentAddonOf(cluster: eks.Cluster | eksv2.Cluster): eks.CfnAddon {
  // Internal: the Addon construct's default child is its CfnAddon.
  const resource = cluster.eksPodIdentityAgent?.node.defaultChild;
  if (!isCfnResourceOfType<eks.CfnAddon>(resource, eks.CfnAddon.CFN_RESOURCE_TYPE_NAME)) throw internalChanged('Cluster.eksPodIdentityAgent', 'is an Addon with a CfnAddon default child');
  return resource;
}

/** The CloudFormation properties of an L1 resource as given to it (before overrides). */
export function cfnPropertiesOf(resource: CfnResource): Record<string, any> {
  // Internal: CfnResource._cfnProperties is what L1 resources of custom types (kubectl manifests, Helm charts,
  // aws_eks Fargate profiles) keep their properties in; there is no public getter.
  const properties = (resource as any)._cfnProperties;
  if (typeof properties !== 'object' || properties === null) throw internalChanged('CfnResource._cfnProperties', 'holds the resource properties');
  return properties;
}

/**
 * An element's CloudFormation as aws-cdk-lib renders it into the template (overrides and escape hatches applied),
 * unresolved: what its `findAllReferences` resolves to find references.
 */
export function toCloudFormationOf(element: CfnElement): unknown {
  // Internal: CfnElement._toCloudFormation() renders the element with its raw overrides (addPropertyOverride);
  // there is no public way to read a property override back.
  const render = (element as any)._toCloudFormation;
  if (typeof render !== 'function') throw internalChanged('CfnResource._toCloudFormation', 'renders the resource');
  return render.call(element);
}

/** The CloudFormation properties of an L1 resource as rendered (overrides and escape hatches applied), resolved. */
export function renderedPropertiesOf(resource: CfnResource): Record<string, any> {
  const stack = Stack.of(resource);
  const rendered = stack.resolve(toCloudFormationOf(resource));
  const properties = rendered?.Resources?.[stack.resolve(resource.logicalId)]?.Properties;
  return typeof properties === 'object' && properties !== null ? properties : {};
}

// Internal: the label aws-cdk-lib's KubernetesManifest uses to prune objects removed from a manifest (injectPruneLabel).
export const PRUNE_LABEL_PREFIX = 'aws.cdk.eks/prune-';

/**
 * Makes a KubernetesManifest of either module, made with `manifest: []` and `prune: true`, apply the manifest string
 * `produce` returns at each resolution instead: `produce` gets the prune label the KubernetesManifest would have
 * injected into each object, and must inject it, so pruning keeps working.
 */
export function overrideManifest(manifest: Construct, produce: (pruneLabel: string) => string): void {
  // Internal: the kubectl custom resource (the default child) takes the manifest as a JSON string in `Manifest` and
  // the label in `PruneLabel`, made from the prefix and the KubernetesManifest's address.
  const resource = manifest.node.defaultChild as CfnResource;
  const pruneLabel = PRUNE_LABEL_PREFIX + manifest.node.addr;
  resource.addPropertyOverride('Manifest', Lazy.uncachedString(new LabelledManifest(produce, pruneLabel)));
  resource.addPropertyOverride('PruneLabel', pruneLabel);
}

/** The manifest string of one KubernetesManifest, produced with its prune label (an object: less kept than a closure). */
class LabelledManifest implements IStringProducer {
  constructor(private readonly produceWith: (pruneLabel: string) => string, private readonly pruneLabel: string) {}

  public produce(): string {
    return this.produceWith(this.pruneLabel);
  }
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

// Internal: the symbol under which aws-cdk-lib's attachCustomSynthesis stores a construct's onSynthesize hook
// (non-configurable, so a construct can have only one).
const CUSTOM_SYNTHESIS = Symbol.for('@aws-cdk/core:customSynthesis');

/** Whether a construct has a synthesis hook already (`attachCustomSynthesis` takes one per construct). */
export function hasCustomSynthesis(construct: IConstruct): boolean {
  return (construct as any)[CUSTOM_SYNTHESIS] !== undefined;
}

/**
 * Calls `callback(outdir)` once a stage's templates are written (the stage's own synthesis hook runs after all its
 * stacks', which synthesize first in CDK's post-order walk). Falls back to a hook on a new child of the stage, which
 * runs after the stacks created before it, if the stage already has a hook of its own.
 */
export function afterTemplatesWritten(stage: Stage, callback: (outdir: string) => void): void {
  const onSynthesize = (session: ISynthesisSession) => callback(session.outdir);
  if (!hasCustomSynthesis(stage)) {
    attachCustomSynthesis(stage, { onSynthesize });
  } else {
    attachCustomSynthesis(new Construct(stage, 'PodIdentityTemplateSizeCheck'), { onSynthesize });
  }
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
