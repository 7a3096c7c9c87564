// Deploy order that CloudFormation cannot see, wired by an aspect (aspects run before CDK turns construct
// dependencies into DependsOn and stack dependencies; the app checks run after), so the order in which the constructs
// were made does not matter:
// - namespaces: aws-cdk-lib's kubectl custom resource creates a workload's objects with `kubectl create`, which fails
//   ("namespace not found") when the namespace does not exist yet: a workload that uses a namespace
//   (createNamespace: false) created by another construct of the app is applied after it. In one stack its manifest
//   DependsOn the creator's; across stacks its stack depends on the creator's stack.
// - imports of a cluster the app creates: an association (or agent add-on) on `fromClusterAttributes` of a cluster
//   name that the app itself creates names the cluster by a literal, so nothing made it wait for the cluster.
import { Aspects, CfnResource, IAspect, Stack, Stage, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Dependable, IConstruct } from 'constructs';
import { stateOf } from './app-store';
import { cfnPropertiesOf, clusterKey, clusterNameOf, isNewCluster, literalClusterNameOf } from './cluster';
import { BUILT_IN_NAMESPACES } from './constants';
import { annotateError, annotateWarning, quote } from './errors';
import { RegisteredAgentAddon, RegisteredAssociation, RegisteredWorkload, Registry } from './registry';

const KUBERNETES_MANIFEST_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';
const HELM_CHART_TYPE = 'Custom::AWSCDK-EKS-HelmChart';

/** What creates a namespace: a workload's manifest, or a manifest or Helm chart of the app. */
interface NamespaceCreator {
  /** What the user's manifest depends on. */
  readonly target: IConstruct;
  /** The construct to name in messages. */
  readonly path: string;
  /** Whether CloudFormation applies it (kubectl); GitOps files are synced after the deployment, out of its order. */
  readonly appliedByCloudFormation: boolean;
}

/**
 * Wires the deploy order of the associations and workloads of `construct`'s stage at synthesis. Every association
 * calls it; the first of each stage carries the aspect.
 */
export function ensureDeployOrder(construct: IConstruct): void {
  const stage: IConstruct = Stage.of(construct) ?? construct.node.root;
  stateOf(stage, 'DeployOrder', () => {
    Aspects.of(construct).add(new DeployOrderAspect(construct, stage));
    return true;
  });
}

class DeployOrderAspect implements IAspect {
  private done = false;
  constructor(private readonly anchor: IConstruct, private readonly stage: IConstruct) {}

  public visit(node: IConstruct): void {
    if (node !== this.anchor || this.done) return;
    this.done = true;
    const registry = Registry.of(this.stage);
    const inStage = (construct: IConstruct) => (Stage.of(construct) ?? construct.node.root) === this.stage;
    const workloads = registry.workloads.filter(inStage);
    const associations = registry.associations.filter(inStage);
    const graph = new LazyStackGraph(workloads, associations);
    orderImportsAfterClusters(this.stage, associations, registry, graph);
    orderNamespaceUsers(this.stage, workloads, graph);
  }
}

/** Associations and agent add-ons on an import of a cluster the stage creates wait for the cluster. */
function orderImportsAfterClusters(stage: IConstruct, associations: RegisteredAssociation[], registry: Registry, graph: LazyStackGraph): void {
  const onImports = associations.filter(a => !isNewCluster(a.cluster) && !Token.isUnresolved(clusterNameOf(a.cluster)));
  if (onImports.length === 0) return;
  const created = new Map<string, eks.IClusterRef>();
  for (const construct of stage.node.findAll()) {
    if (!isNewCluster(construct as any) || (Stage.of(construct) ?? construct.node.root) !== stage) continue;
    const cluster = construct as unknown as eks.IClusterRef;
    if (literalClusterNameOf(cluster) === undefined) continue;
    const key = clusterKey(cluster);
    if (!created.has(key)) created.set(key, cluster);
  }
  if (created.size === 0) return;
  const agents = new Set<IConstruct>();
  const waiting: IConstruct[] = [];
  for (const association of onImports) {
    const cluster = created.get(clusterKey(association.cluster));
    if (!cluster) continue;
    waiting.push(association);
    const agent = registry.agentAddonOf(association.cluster);
    if (agent && !isNewCluster(agent.cluster) && !agents.has(agent)) {
      agents.add(agent);
      waiting.push(agent);
    }
  }
  for (const construct of waiting) {
    const clusterOf = (construct as RegisteredAssociation | RegisteredAgentAddon).cluster;
    const cluster = created.get(clusterKey(clusterOf))!;
    const target = cluster.node.defaultChild ?? cluster;
    const from = topLevelStackOf(construct);
    const to = topLevelStackOf(target);
    if (from !== to) {
      const back = graph.get().reasonOfPath(to, from);
      if (back !== undefined) {
        annotateError(construct, 'ClusterImportOrderCycle',
          `${construct.node.path} is on ${clusterOf.node.path}, an import of cluster ${quote(literalClusterNameOf(cluster))} that this app creates at ${cluster.node.path}, so stack ${from.node.path} must deploy after stack ${to.node.path}; but stack ${to.node.path} already deploys after stack ${from.node.path} (${back}): a dependency cycle CloudFormation cannot deploy`,
          'use the cluster object itself instead of the import; or create the agent add-on with the cluster first (PodIdentityAgentAddon.of(cluster) in the cluster\'s stack, before anything uses the import)');
        continue;
      }
      graph.get().add(from, to, `${construct.node.path} is on an import of the cluster ${cluster.node.path} creates`);
    }
    construct.node.addDependency(target);
  }
}

function orderNamespaceUsers(stage: IConstruct, workloads: RegisteredWorkload[], graph: LazyStackGraph): void {
  const creators = new Map<string, NamespaceCreator>();
  for (const workload of workloads) {
    const namespace = workload.association.namespace;
    if (!workload._createsNamespace || Token.isUnresolved(namespace)) continue;
    const key = `${clusterKey(workload.association.cluster)}|${namespace}`;
    if (!creators.has(key)) {
      creators.set(key, { target: workload.manifest, path: workload.node.path, appliedByCloudFormation: workload._gitOpsFolder === undefined });
    }
  }
  // GitOps users are synced by Argo CD or Flux, which apply a folder's Namespace first: no CloudFormation order.
  const users = workloads.filter(w => !w._createsNamespace && w._gitOpsFolder === undefined
    && !Token.isUnresolved(w.association.namespace) && !BUILT_IN_NAMESPACES.includes(w.association.namespace));
  const keyOf = (user: RegisteredWorkload) => `${clusterKey(user.association.cluster)}|${user.association.namespace}`;
  const withoutCreator = users.filter(user => !creators.has(keyOf(user)));
  if (withoutCreator.length > 0) addManifestCreators(stage, withoutCreator, keyOf, creators, workloads);

  for (const user of users) {
    const creator = creators.get(keyOf(user));
    if (!creator) continue;
    if (!creator.appliedByCloudFormation) {
      annotateWarning(user, 'NamespaceCreatedByGitOps',
        `${user.node.path} is applied by CloudFormation (kubectl delivery) in namespace ${quote(user.association.namespace)}, which ${creator.path} creates through GitOps files that are synced only after the stack is deployed; the first deployment fails (namespace not found)`,
        'deliver this workload with GitOps too (same directory), or create the namespace with kubectl delivery or cluster.addManifest');
      continue;
    }
    const userStack = topLevelStackOf(user.manifest);
    const creatorStack = topLevelStackOf(creator.target);
    if (userStack !== creatorStack) {
      const reason = `${user.node.path} uses namespace ${quote(user.association.namespace)} created by ${creator.path}`;
      const back = graph.get().reasonOfPath(creatorStack, userStack);
      if (back !== undefined) {
        annotateError(user, 'NamespaceOrderCycle',
          `${reason}, so stack ${userStack.node.path} must deploy after stack ${creatorStack.node.path}; but stack ${creatorStack.node.path} already deploys after stack ${userStack.node.path} (${back}): a dependency cycle CloudFormation cannot deploy`,
          'create each namespace in a stack that deploys before every stack using it (e.g. cluster.addManifest with the Namespace objects in the cluster\'s stack, or the creating workloads in one stack of their own) and set createNamespace: false on the workloads that use it; in a WorkloadFleet, create the namespaces outside the fleet; when the cycle runs through the Pod Identity Agent add-on, create it first in the cluster\'s stack (PodIdentityAgentAddon.of(cluster) there)');
        continue;
      }
      graph.get().add(userStack, creatorStack, reason);
    }
    user.manifest.node.addDependency(creator.target);
  }
}

/** Adds the Kubernetes manifests and Helm charts of the stage that create the namespaces of `users`. */
function addManifestCreators(stage: IConstruct, users: RegisteredWorkload[], keyOf: (user: RegisteredWorkload) => string,
  creators: Map<string, NamespaceCreator>, workloads: RegisteredWorkload[]): void {
  // One user stands for all of its (cluster, namespace): a fleet has thousands of users of a few namespaces.
  const byKey = new Map<string, RegisteredWorkload>();
  for (const user of users) if (!byKey.has(keyOf(user))) byKey.set(keyOf(user), user);
  const ownManifests = new Set<IConstruct>(workloads.map(workload => workload.manifest));
  for (const construct of stage.node.findAll()) {
    if (!CfnResource.isCfnResource(construct)) continue;
    if (construct.cfnResourceType !== KUBERNETES_MANIFEST_TYPE && construct.cfnResourceType !== HELM_CHART_TYPE) continue;
    if (construct.node.scopes.some(scope => ownManifests.has(scope))) continue;
    const clusterName = cfnPropertiesOf(construct).ClusterName;
    if (typeof clusterName !== 'string') continue;
    const waiting = [...byKey].filter(([key, user]) => !creators.has(key) && sameCluster(clusterName, Stack.of(construct), user));
    if (waiting.length === 0) continue;
    const created = new Set(namespacesCreatedBy(construct));
    for (const [key, user] of waiting) {
      if (created.has(user.association.namespace)) creators.set(key, { target: construct, path: construct.node.path, appliedByCloudFormation: true });
    }
  }
}

/** Whether a manifest's `ClusterName` (in `stack`) names the cluster of the user's association. */
function sameCluster(clusterName: string, stack: Stack, user: RegisteredWorkload): boolean {
  const cluster = user.association.cluster;
  if (Token.isUnresolved(clusterName)) return clusterName === clusterNameOf(cluster);
  return clusterName === literalClusterNameOf(cluster) && stack.account === cluster.env.account && stack.region === cluster.env.region;
}

/** The namespaces a Kubernetes manifest (its Namespace objects) or a Helm chart (with createNamespace) creates. */
export function namespacesCreatedBy(resource: CfnResource): string[] {
  const properties = cfnPropertiesOf(resource);
  if (resource.cfnResourceType === HELM_CHART_TYPE) {
    const create = Stack.of(resource).resolve(properties.CreateNamespace);
    const namespace = properties.Namespace;
    return create && typeof namespace === 'string' ? [namespace] : [];
  }
  // A manifest without tokens inside resolves to the JSON aws-cdk-lib wrote (an array of objects); one with tokens
  // (a Fn::Join) is not read.
  const manifest = Stack.of(resource).resolve(properties.Manifest);
  if (typeof manifest !== 'string') return [];
  return (JSON.parse(manifest) as any[]).filter(o => o.kind === 'Namespace').map(o => o.metadata?.name);
}

function topLevelStackOf(construct: IConstruct): Stack {
  let stack = Stack.of(construct);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
}

/** The stack graph, built on first use (only cross-stack wiring needs it). */
class LazyStackGraph {
  private graph?: StackGraph;
  constructor(private readonly workloads: RegisteredWorkload[], private readonly associations: RegisteredAssociation[]) {}

  public get(): StackGraph {
    this.graph ??= new StackGraph(this.workloads, this.associations);
    return this.graph;
  }
}

/**
 * Which stack deploys after which: the stacks' own dependencies, the ones this ordering adds, and those the
 * cluster's references will add (a workload in another stack than the new cluster it runs on waits for the cluster's
 * stack), each with the reason for messages.
 */
class StackGraph {
  private readonly edges = new Map<Stack, Map<Stack, string>>();

  constructor(workloads: RegisteredWorkload[], associations: RegisteredAssociation[]) {
    for (const unit of [...associations, ...workloads.map(workload => workload.manifest)]) {
      const from = topLevelStackOf(unit);
      // What it waits for already (the agent add-on, the role's policies, the association).
      for (const dependency of unit.node.dependencies) {
        for (const root of Dependable.of(dependency).dependencyRoots) {
          const to = topLevelStackOf(root);
          if (to !== from) this.add(from, to, `${unit.node.path} waits for ${root.node.path}`);
        }
      }
    }
    for (const association of associations) {
      const cluster = association.cluster;
      if (!isNewCluster(cluster)) continue;
      const from = topLevelStackOf(association);
      const to = topLevelStackOf(cluster);
      if (from !== to) this.add(from, to, `${association.node.path} is on the cluster ${cluster.node.path} that stack creates`);
    }
  }

  public add(from: Stack, to: Stack, reason: string): void {
    const edges = this.edges.get(from) ?? new Map<Stack, string>();
    if (!edges.has(to)) edges.set(to, reason);
    this.edges.set(from, edges);
  }

  /** The reason of the first step of a path of dependencies from `from` to `to`, if there is one. */
  public reasonOfPath(from: Stack, to: Stack): string | undefined {
    const seen = new Set<Stack>([from]);
    const queue: Array<[Stack, string]> = [...this.successors(from)];
    while (queue.length > 0) {
      const [stack, reason] = queue.shift()!;
      if (stack === to) return reason;
      if (seen.has(stack)) continue;
      seen.add(stack);
      for (const [next] of this.successors(stack)) queue.push([next, reason]);
    }
    return undefined;
  }

  private successors(stack: Stack): Array<[Stack, string]> {
    const own: Array<[Stack, string]> = stack.dependencies.map(dependency => [dependency, `${stack.node.path} depends on ${dependency.node.path}`]);
    return [...this.edges.get(stack) ?? new Map<Stack, string>()].concat(own);
  }
}
