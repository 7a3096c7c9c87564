// Which stack deploys after which, for the deploy-order wiring (deploy-order.ts): the stack graph with the reason of
// each dependency, the dependencies decided in CDK's prepare phase (added only when they close no cycle), and the
// references CDK turns into stack dependencies then.
import { CfnElement, DefaultTokenResolver, IPostProcessor, IResolvable, IResolveContext, Reference, Stack, StringConcat, Tokenization } from 'aws-cdk-lib';
import { Dependable, IConstruct, IDependable } from 'constructs';
import { dependablesOf, toCloudFormationOf } from './aws-cdk-internals';
import { isNewCluster } from './cluster';
import { RegisteredAssociation, RegisteredWorkload } from './registry';
import { roleOfPermissions } from './role-permissions';

/**
 * Makes `source` wait for `target`: a `DependsOn` in one stack; across stacks, a stack dependency unless it closes a
 * cycle, checked now and again in CDK's prepare phase (then `onCycle` reports it, and the dependency is not added).
 */
export function waitFor(graph: LazyStackGraph, source: IConstruct, target: IConstruct, reason: string, onCycle: (back: string) => void): void {
  const from = topLevelStackOf(source);
  const to = topLevelStackOf(target);
  if (from === to) {
    source.node.addDependency(target);
    return;
  }
  const back = graph.get().reasonOfPath(to, from, false);
  if (back !== undefined) {
    onCycle(back);
    return;
  }
  const edge = graph.get().add(from, to, reason);
  source.node.addDependency(decidedAtPrepare(() => {
    const later = graph.get().reasonOfPath(to, from, true);
    if (later === undefined) return [target];
    graph.get().remove(edge);
    onCycle(later);
    return [];
  }));
}

const DECIDED_AT_PREPARE = Symbol.for('cdk-eks-pod-identity.DecidedAtPrepare');

/**
 * A dependency whose targets `decide` gives when CDK first asks for them: in its prepare phase, after every aspect,
 * before it turns construct dependencies into `DependsOn` and stack dependencies and resolves the references.
 */
function decidedAtPrepare(decide: () => IConstruct[]): IDependable {
  const dependable = {};
  Object.defineProperty(dependable, DECIDED_AT_PREPARE, { value: true, enumerable: false });
  Dependable.implement(dependable, new DecidedOnce(decide));
  return dependable;
}

/** Dependency roots decided on first read; the decision (with the stack graph it reads) is then let go. */
class DecidedOnce extends Dependable {
  private roots?: IConstruct[];
  constructor(private decide?: () => IConstruct[]) {
    super();
  }

  public get dependencyRoots(): IConstruct[] {
    if (this.decide) {
      this.roots = this.decide();
      this.decide = undefined;
    }
    return this.roots!;
  }
}

/**
 * Whether all of a dependency's roots are in `stack` without finding them: the policies of a role of that stack
 * (finding them walks the role's stack; at synthesis CDK walks it once more). Only while aspects run: a policy in a
 * Stack made inside the role's stack is not, and the prepare phase (which reads every dependency) finds that edge.
 */
function inStackOf(dependable: IDependable, stack: Stack): boolean {
  const role = roleOfPermissions(dependable);
  return role !== undefined && topLevelStackOf(role) === stack;
}

function isDecidedAtPrepare(dependable: IDependable): boolean {
  return (dependable as any)[DECIDED_AT_PREPARE] === true;
}

/** The stack CloudFormation deploys `construct` with: its stack, or the parent of its nested stack. */
export function topLevelStackOf(construct: IConstruct): Stack {
  let stack = Stack.of(construct);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
}

/** The stack graph, built on first use (only cross-stack wiring needs it). */
export class LazyStackGraph {
  private graph?: StackGraph;
  constructor(private readonly workloads: RegisteredWorkload[], private readonly associations: RegisteredAssociation[]) {}

  public get(): StackGraph {
    this.graph ??= new StackGraph(this.workloads, this.associations);
    return this.graph;
  }
}

/** One dependency the ordering added to the graph (removed again when CDK's prepare phase finds a cycle). */
interface Edge {
  readonly from: Stack;
  readonly to: Stack;
  readonly reason: string;
}

/**
 * Which stack deploys after which: the stacks' own dependencies, the ones this ordering adds, and those the
 * cluster's references will add (a workload in another stack than the new cluster it runs on waits for the cluster's
 * stack), each with the reason for messages. In CDK's prepare phase also every dependency CDK adds then (references
 * between stacks, dependencies between constructs), found once per stack reached.
 */
class StackGraph {
  private readonly edges = new Map<Stack, Map<Stack, string[]>>();
  private readonly atPrepare = new Map<Stack, Array<[Stack, string]>>();

  constructor(workloads: RegisteredWorkload[], associations: RegisteredAssociation[]) {
    for (const unit of [...associations, ...workloads.map(workload => workload.manifest)]) {
      const from = topLevelStackOf(unit);
      // What it waits for already (the agent add-on, the role's policies, the association).
      for (const dependency of dependablesOf(unit)) {
        if (isDecidedAtPrepare(dependency) || inStackOf(dependency, from)) continue;
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

  public add(from: Stack, to: Stack, reason: string): Edge {
    const edges = this.edges.get(from) ?? new Map<Stack, string[]>();
    edges.set(to, [...edges.get(to) ?? [], reason]);
    this.edges.set(from, edges);
    return { from, to, reason };
  }

  public remove(edge: Edge): void {
    const edges = this.edges.get(edge.from);
    const reasons = edges?.get(edge.to)?.filter(reason => reason !== edge.reason);
    if (!edges || !reasons) return;
    if (reasons.length === 0) edges.delete(edge.to);
    else edges.set(edge.to, reasons);
  }

  /**
   * The reason of the first step of a path of dependencies from `from` to `to`, if there is one; with `atPrepare`
   * (only in CDK's prepare phase: it resolves the stacks' templates) also through the dependencies CDK adds then.
   */
  public reasonOfPath(from: Stack, to: Stack, atPrepare: boolean): string | undefined {
    const seen = new Set<Stack>([from]);
    const queue: Array<[Stack, string]> = [...this.successors(from, atPrepare)];
    for (let i = 0; i < queue.length; i++) {
      const [stack, reason] = queue[i];
      if (stack === to) return reason;
      if (seen.has(stack)) continue;
      seen.add(stack);
      for (const [next] of this.successors(stack, atPrepare)) queue.push([next, reason]);
    }
    return undefined;
  }

  private successors(stack: Stack, atPrepare: boolean): Array<[Stack, string]> {
    const added: Array<[Stack, string]> = [...this.edges.get(stack) ?? new Map<Stack, string[]>()].map(([to, reasons]) => [to, reasons[0]]);
    const own: Array<[Stack, string]> = stack.dependencies.map(dependency => [dependency, `${stack.node.path} depends on ${dependency.node.path}`]);
    return atPrepare ? added.concat(own, this.addedAtPrepare(stack)) : added.concat(own);
  }

  /** The stacks `stack` will depend on through its references and its constructs' dependencies, found once. */
  private addedAtPrepare(stack: Stack): Array<[Stack, string]> {
    const cached = this.atPrepare.get(stack);
    if (cached) return cached;
    const found = new Map<Stack, string>();
    for (const construct of stack.node.findAll()) {
      if (topLevelStackOf(construct) !== stack) continue;
      // Every dependency, a role's policies included: a Stack made inside the role's stack (not a NestedStack) deploys
      // on its own, and the policies found for the role may be there. Found once per stack (CDK reads them too).
      for (const dependency of dependablesOf(construct)) {
        if (isDecidedAtPrepare(dependency)) continue;
        for (const root of Dependable.of(dependency).dependencyRoots) {
          const to = topLevelStackOf(root);
          if (to !== stack && !found.has(to)) found.set(to, `${construct.node.path} waits for ${root.node.path}`);
        }
      }
      if (!CfnElement.isCfnElement(construct)) continue;
      for (const reference of referencesOf(construct)) {
        const to = topLevelStackOf(reference.target);
        if (to !== stack && !found.has(to)) found.set(to, `${construct.node.path} references ${reference.target.node.path}`);
      }
    }
    const result = [...found];
    this.atPrepare.set(stack, result);
    return result;
  }
}

/**
 * The references in an element's CloudFormation, found as CDK finds them before it turns those across stacks into
 * stack dependencies (aws-cdk-lib's `findAllReferences`: its `_toCloudFormation`, resolved for preparing).
 */
function referencesOf(element: CfnElement): Reference[] {
  const recorder = new ReferenceRecorder(new StringConcat());
  try {
    Tokenization.resolve(toCloudFormationOf(element), { scope: element, preparing: true, resolver: recorder });
  } catch (error) {
    // An aws-cdk-lib internal that changed must be said, not read as "no references".
    if (error instanceof Error && error.message.startsWith('[cdk-eks-pod-identity:AwsCdkInternalChanged]')) throw error;
    // What does not synthesize is CDK's to report, right after (it skips such elements too).
  }
  return recorder.references;
}

class ReferenceRecorder extends DefaultTokenResolver {
  public readonly references: Reference[] = [];

  public resolveToken(token: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): any {
    if (Reference.isReference(token)) this.references.push(token);
    return super.resolveToken(token, context, postProcessor);
  }
}
