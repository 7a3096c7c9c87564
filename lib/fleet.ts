import { Environment, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { PodIdentityAgentAddon } from './agent-addon';
import { setStackLimitFix } from './checks/stack-limits';
import { readFleetSpec } from './fleet-spec';
import { namingConstruct, problem, problemIdOf, PodIdentityError, quote } from './private/errors';
import { sharedKubectlCluster } from './private/kubectl-manifest';
import { bucketOf } from './private/placement';
import { Progress } from './private/progress';
import { PodIdentityBoundWorkload, PodIdentityBoundWorkloadOptions } from './workload';

/** Properties of a {@link WorkloadFleet}. */
export interface WorkloadFleetProps {
  /**
   * The cluster every workload runs on: an `aws_eks` or `aws_eks_v2` cluster, new or imported with a kubectl
   * provider, in any stack of the app. A workload delivered with `ManifestDelivery.gitOps(...)` needs only the
   * cluster's name, so any cluster reference will do for a fleet whose workloads all use GitOps delivery (the
   * others are rejected with `UnsupportedCluster`).
   */
  readonly cluster: eks.IClusterRef;

  /**
   * How many stacks the workloads are spread over. Each workload goes to the stack its id hashes to, so adding or
   * removing a workload never moves another; stacks without workloads are not created. Fixed for the life of the
   * fleet: changing it moves most workloads (their associations are deleted and created again). A stack holds
   * about 120 workloads of 4 resources (500-resource quota): the default holds the EKS maximum of 5,000
   * associations per cluster with room to spare. A small fleet that will stay under ~300 workloads can use 4.
   *
   * @default WorkloadFleet.DEFAULT_STACK_COUNT (64)
   */
  readonly stackCount?: number;

  /**
   * The environment of the fleet's stacks.
   *
   * @default - the environment of the cluster's stack
   */
  readonly env?: Environment;

  /**
   * A JSON or YAML file of workloads to add (see `addWorkloadsFromFile`).
   *
   * @default - no file; add workloads with `addWorkload` or `addWorkloadsFromFile`
   */
  readonly specFile?: string;
}

/**
 * Many `PodIdentityBoundWorkload`s on one cluster, placed across as many stacks as they need: never more than
 * CloudFormation's 500 resources or 1 MB per template (synthesis fails with `StackLimitExceeded` otherwise), one
 * agent add-on and one kubectl provider for the cluster, and only the cluster's references crossing stacks.
 *
 * Placement is stable: a workload's stack is a function of its id and `stackCount` alone, never of the other
 * workloads, so adding, removing or reordering workloads moves none of the others.
 */
export class WorkloadFleet extends Construct {
  /** The default number of stacks: room for the EKS maximum of 5,000 associations per cluster. */
  public static readonly DEFAULT_STACK_COUNT = 64;

  /** The cluster the workloads run on. */
  public readonly cluster: eks.IClusterRef;
  /** How many stacks the workloads are spread over (the number of buckets). */
  public readonly stackCount: number;
  private readonly env?: Environment;
  /** The cluster as the workloads get it: one kubectl provider for the app (see `sharedKubectlCluster`). */
  private readonly kubectlCluster: eks.IClusterRef;
  private readonly stacksByIndex = new Map<number, Stack>();
  private readonly workloadsById = new Map<string, PodIdentityBoundWorkload>();

  constructor(scope: Construct, id: string, props: WorkloadFleetProps) {
    super(scope, id);
    try {
      this.stackCount = props.stackCount ?? WorkloadFleet.DEFAULT_STACK_COUNT;
      if (!Number.isInteger(this.stackCount) || this.stackCount < 1) {
        throw problem('InvalidStackCount', `stackCount ${quote(props.stackCount)} is not a whole number >= 1`, 'omit it for the default (64), or pass the number of stacks the fleet may use');
      }
      this.cluster = props.cluster;
      const clusterStack = Stack.of(props.cluster);
      this.env = props.env ?? (Token.isUnresolved(clusterStack.account) && Token.isUnresolved(clusterStack.region)
        ? undefined : { account: clusterStack.account, region: clusterStack.region });
      this.kubectlCluster = sharedKubectlCluster(props.cluster);
      if (props.specFile !== undefined) this.addWorkloadsFromFile(props.specFile);
    } catch (error) {
      throw namingConstruct(this.node.path, error);
    }
  }

  /** The stacks the fleet created, in the order of their index. */
  public get stacks(): Stack[] {
    return [...this.stacksByIndex.entries()].sort(([a], [b]) => a - b).map(([, stack]) => stack);
  }

  /** The workloads of the fleet, in the order they were added. */
  public get workloads(): PodIdentityBoundWorkload[] {
    return [...this.workloadsById.values()];
  }

  /** The workload with this id, if the fleet has one. */
  public tryFindWorkload(id: string): PodIdentityBoundWorkload | undefined {
    return this.workloadsById.get(id);
  }

  /** The stack a workload with this id goes to (created on first use). */
  public stackFor(workloadId: string): Stack {
    const index = bucketOf(workloadId, this.stackCount);
    let stack = this.stacksByIndex.get(index);
    if (!stack) {
      stack = new Stack(this, `Workloads${index}`, { env: this.env });
      setStackLimitFix(stack, `the fleet ${this.node.path} puts too many workloads in this stack: raise stackCount (this moves most workloads to other stacks, so plan it) or reduce what each workload creates`);
      this.stacksByIndex.set(index, stack);
    }
    return stack;
  }

  /**
   * Adds a workload to the fleet, in the stack its id hashes to. The id must be unique in the fleet; it is the
   * workload's construct id (and the default service account name).
   */
  public addWorkload(id: string, options: PodIdentityBoundWorkloadOptions): PodIdentityBoundWorkload {
    const existing = this.workloadsById.get(id);
    if (existing) {
      throw problem('DuplicateFleetWorkload', `the fleet ${this.node.path} already has a workload with id ${quote(id)} (at ${existing.node.path})`, 'give every workload of the fleet its own id');
    }
    // The add-on lives with the cluster, whatever stack the workload lands in.
    PodIdentityAgentAddon._ofFor(this, this.cluster);
    const workload = new PodIdentityBoundWorkload(this.stackFor(id), id, { ...options, cluster: this.kubectlCluster });
    this.workloadsById.set(id, workload);
    return workload;
  }

  /**
   * Adds the workloads of a JSON or YAML file (read now, at construction): a list of entries, or an object with a
   * `workloads` list. Each entry has `id`, `namespace` and `image`, and may have `serviceAccountName`,
   * `deploymentName`, `createNamespace`, `replicas`, `command`, `args`, `env`, `port` and `migratingFromIrsa`.
   * Errors name the file, the entry and the field.
   *
   * @returns the workloads, in file order (grant them permissions: `table.grantReadData(workload)`)
   */
  public addWorkloadsFromFile(path: string): PodIdentityBoundWorkload[] {
    const entries = readFleetSpec(path);
    const progress = Progress.onTerminal(`fleet spec ${path}: workloads added`, this);
    try {
      return entries.map((entry, index) => {
        try {
          return this.addWorkload(entry.id, entry.options);
        } catch (e) {
          const id = problemIdOf(e);
          if (id === undefined) throw e;
          // The id stays first (`[cdk-eks-pod-identity:Id] file, entry N (id "x"): what is wrong...`).
          const message = (e as Error).message;
          const prefix = `[cdk-eks-pod-identity:${id}] `;
          throw new PodIdentityError(id, message.startsWith(prefix) ? `${prefix}${entry.where}: ${message.slice(prefix.length)}` : `${prefix}${entry.where}: ${message}`);
        } finally {
          progress.update(index + 1, entries.length);
        }
      });
    } finally {
      progress.end();
    }
  }
}
