// Deploy order that CloudFormation cannot see, wired by an aspect (aspects run before CDK turns construct
// dependencies into DependsOn and stack dependencies; the app checks run after), so the order in which the constructs
// were made does not matter:
// - namespaces: aws-cdk-lib's kubectl custom resource creates a workload's objects with `kubectl create`, which fails
//   ("namespace not found") when the namespace does not exist yet: a workload that uses a namespace
//   (createNamespace: false) created by another construct of the app is applied after it. In one stack its manifest
//   DependsOn the creator's; across stacks its stack depends on the creator's stack.
// - imports of a cluster the app creates: an association (or agent add-on) on `fromClusterAttributes` of a cluster
//   name that the app itself creates names the cluster by a literal, so nothing made it wait for the cluster.
// A dependency across stacks is checked twice for a cycle: by the aspect (stack dependencies known then), and again
// when CDK asks for it in its prepare phase, with the stack dependencies CDK adds only then (references between
// stacks: a grant, an env var with a queue URL; dependencies between constructs), just before it adds them
// (stack-graph.ts).
import { Aspects, CfnResource, IAspect, Stack, Stage, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Dependable, IConstruct } from 'constructs';
import { stateOf } from './app-store';
import { cfnPropertiesOf } from './aws-cdk-internals';
import { clusterKey, clusterNameOf, isNewCluster, literalClusterNameOf } from './cluster';
import { BUILT_IN_NAMESPACES } from './eks-facts';
import { annotateError, annotateWarning, quote } from './errors';
import { RegisteredAgentAddon, RegisteredAssociation, RegisteredWorkload, Registry } from './registry';
import { whileAspectsRun } from './role-permissions';
import { LazyStackGraph, topLevelStackOf, waitFor } from './stack-graph';

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
    // Later aspects may still add policies to the roles: the associations' dependencies are read without filling the
    // per-stack cache CDK's prepare phase uses.
    whileAspectsRun(() => {
      const graph = new LazyStackGraph(workloads, associations);
      orderAfterAgentAddons(associations, registry, graph);
      orderImportsAfterClusters(this.stage, associations, registry, graph);
      orderNamespaceUsers(this.stage, workloads, graph);
    });
  }
}

/**
 * Associations wait for their cluster's agent add-on (the association makes its pods' credentials work only once the
 * agent runs): in another stack, a stack dependency unless it would close a cycle (`AgentAddonOrderCycle`). The add-on
 * lands in the stack of the first construct that needed it.
 */
function orderAfterAgentAddons(associations: RegisteredAssociation[], registry: Registry, graph: LazyStackGraph): void {
  for (const association of associations) {
    const agent = registry.agentAddonOf(association.cluster);
    if (!agent || topLevelStackOf(agent) === topLevelStackOf(association)) continue;
    if (Dependable.of(agent).dependencyRoots.length === 0) continue; // installed already: nothing to wait for
    const from = topLevelStackOf(association);
    const to = topLevelStackOf(agent);
    waitFor(graph, association, agent, `${association.node.path} waits for the agent add-on ${agent.node.path}`, back => {
      annotateError(association, 'AgentAddonOrderCycle',
        `the association ${association.node.path} must deploy after the agent add-on ${agent.node.path} of its cluster, so stack ${from.node.path} must deploy after stack ${to.node.path}; but stack ${to.node.path} already deploys after stack ${from.node.path} (${back}): a dependency cycle CloudFormation cannot deploy`,
        'create the agent add-on in a stack every user of the cluster deploys after: call PodIdentityAgentAddon.of(cluster) there before anything else uses the cluster (the add-on lands in the stack of its first user), or record an agent installed elsewhere with PodIdentityAgentAddon.fromInstalledAddon');
    });
  }
}

/** Associations and agent add-ons on an import of a cluster the stage creates wait for the cluster. */
function orderImportsAfterClusters(stage: IConstruct, associations: RegisteredAssociation[], registry: Registry, graph: LazyStackGraph): void {
  const onImports = associations.filter(a => !isNewCluster(a.cluster) && !Token.isUnresolved(clusterNameOf(a.cluster)));
  if (onImports.length === 0) return;
  const created = new Map<string, eks.IClusterRef>();
  for (const construct of stage.node.findAll()) {
    if (!isNewCluster(construct) || (Stage.of(construct) ?? construct.node.root) !== stage) continue;
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
    waitFor(graph, construct, target, `${construct.node.path} is on an import of the cluster ${cluster.node.path} creates`, back => {
      annotateError(construct, 'ClusterImportOrderCycle',
        `${construct.node.path} is on ${clusterOf.node.path}, an import of cluster ${quote(literalClusterNameOf(cluster))} that this app creates at ${cluster.node.path}, so stack ${from.node.path} must deploy after stack ${to.node.path}; but stack ${to.node.path} already deploys after stack ${from.node.path} (${back}): a dependency cycle CloudFormation cannot deploy`,
        'use the cluster object itself instead of the import; or create the agent add-on with the cluster first (PodIdentityAgentAddon.of(cluster) in the cluster\'s stack, before anything uses the import)');
    });
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
    const reason = `${user.node.path} uses namespace ${quote(user.association.namespace)} created by ${creator.path}`;
    waitFor(graph, user.manifest, creator.target, reason, back => {
      annotateError(user, 'NamespaceOrderCycle',
        `${reason}, so stack ${userStack.node.path} must deploy after stack ${creatorStack.node.path}; but stack ${creatorStack.node.path} already deploys after stack ${userStack.node.path} (${back}): a dependency cycle CloudFormation cannot deploy`,
        'create each namespace in a stack that deploys before every stack using it (e.g. cluster.addManifest with the Namespace objects in the cluster\'s stack, or the creating workloads in one stack of their own) and set createNamespace: false on the workloads that use it; in a WorkloadFleet, create the namespaces outside the fleet; when the cycle runs through the Pod Identity Agent add-on, create it first in the cluster\'s stack (PodIdentityAgentAddon.of(cluster) there); when it runs through a reference (a grant, an env var), move the referenced resource to a stack that deploys before both');
    });
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
