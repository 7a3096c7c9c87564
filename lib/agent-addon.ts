import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct, Dependable, IConstruct } from 'constructs';
import { awsCdkManagedAgentAddon, clusterNameOf, isAutoModeCluster, isNewCluster } from './private/cluster';
import { AGENT_ADDON_NAME } from './private/eks-facts';
import { namingConstruct, problem, quote } from './private/errors';
import { checkAddonVersion } from './private/input';
import { Registry } from './private/registry';

/**
 * How EKS resolves conflicts between the add-on's configuration and changes made to it outside CloudFormation.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-eks-addon.html#cfn-eks-addon-resolveconflicts
 */
export class ResolveConflicts {
  /** Fail when a field managed by the add-on was changed on the cluster. */
  public static readonly NONE = new ResolveConflicts('NONE');
  /** Overwrite changes made on the cluster with the add-on's configuration. */
  public static readonly OVERWRITE = new ResolveConflicts('OVERWRITE');
  /** Keep changes made on the cluster (on update only; on create EKS treats this as OVERWRITE). */
  public static readonly PRESERVE = new ResolveConflicts('PRESERVE');

  private constructor(
    /** The CloudFormation value. */
    public readonly value: string,
  ) {}
}

/**
 * The Pod Identity Agent add-on of a cluster: one this app creates, or one that already runs there.
 *
 * Depending on it (`node.addDependency(agent)`) means depending on the add-on resource, if this app creates one.
 */
export interface IPodIdentityAgentAddon extends IConstruct {
  /** The cluster the agent runs on. */
  readonly cluster: eks.IClusterRef;
  /** The add-on's name, `eks-pod-identity-agent`. */
  readonly addonName: string;
  /**
   * The add-on's ARN.
   *
   * @default - undefined when the agent was installed outside this app
   */
  readonly addonArn?: string;
}

/** Options for the Pod Identity Agent add-on. */
export interface PodIdentityAgentAddonOptions {
  /**
   * The add-on version, e.g. `v1.3.4-eksbuild.1`.
   *
   * @default - the default version EKS picks for the cluster's Kubernetes version
   * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html
   */
  readonly addonVersion?: string;

  /**
   * Keep the add-on's software on the cluster when the CloudFormation resource is deleted, so that pods
   * already running keep getting credentials after `cdk destroy` or a move of the add-on to another stack.
   *
   * @default true
   */
  readonly preserveOnDelete?: boolean;

  /**
   * How to resolve conflicts with changes made to the add-on outside CloudFormation.
   *
   * @default ResolveConflicts.OVERWRITE - this stack owns the add-on's configuration
   */
  readonly resolveConflicts?: ResolveConflicts;

  /**
   * Configuration values for the add-on, as the object that `aws eks describe-addon-configuration` documents
   * (e.g. `{ agent: { additionalArgs: { '-b': '169.254.170.23' } } }`). Rendered as JSON.
   *
   * @default - the add-on's defaults
   */
  readonly configurationValues?: { [key: string]: any };

  /**
   * The agent already runs on the cluster: record that without creating an add-on resource. The other options
   * cannot be combined with this one.
   *
   * @default false - this stack creates and owns the add-on
   * @deprecated use `PodIdentityAgentAddon.fromInstalledAddon(scope, id, cluster)`
   */
  readonly alreadyInstalled?: boolean;
}

/** Properties of a {@link PodIdentityAgentAddon}. */
export interface PodIdentityAgentAddonProps extends PodIdentityAgentAddonOptions {
  /**
   * The cluster to install the agent on: an `aws_eks` or `aws_eks_v2` cluster, new or imported, or any other
   * reference to a cluster (e.g. `CfnCluster.fromClusterName`); only its name is used.
   */
  readonly cluster: eks.IClusterRef;
}

/**
 * The `eks-pod-identity-agent` EKS add-on: the DaemonSet that serves Pod Identity credentials to pods on
 * 169.254.170.23 (and [fd00:ec2::23]) port 80. One per cluster: use `PodIdentityAgentAddon.of(cluster)`.
 *
 * For a cluster created with aws-cdk-lib, this shares the add-on aws-cdk-lib manages as
 * `cluster.eksPodIdentityAgent` (configuring it with these props) so the two never create it twice.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html
 */
export class PodIdentityAgentAddon extends Construct implements IPodIdentityAgentAddon {
  /** The name of the EKS add-on that runs the Pod Identity Agent DaemonSet: `eks-pod-identity-agent`. */
  public static readonly ADDON_NAME = AGENT_ADDON_NAME;

  /**
   * The agent add-on of a cluster, created on first use under the cluster with default options.
   *
   * Everything in this library that needs the agent calls this, so an app has at most one add-on per cluster.
   * To configure it, create it yourself first with `new PodIdentityAgentAddon(...)` (or call `of` with options
   * the first time).
   *
   * A new aws_eks_v2 cluster in EKS Auto Mode (that module's default) has the agent built in: for it this records
   * the agent as installed and creates no add-on. If such a cluster also runs EC2 node groups of its own, whose
   * pods need the agent DaemonSet, create the add-on explicitly with `new PodIdentityAgentAddon(...)` first.
   */
  public static of(cluster: eks.IClusterRef, options: PodIdentityAgentAddonOptions = {}): IPodIdentityAgentAddon {
    const existing = PodIdentityAgentAddon.find(cluster);
    if (existing) {
      if (Object.keys(options).length > 0) {
        throw problem('AgentAddonAlreadyConfigured',
          `PodIdentityAgentAddon.of(${cluster.node.path}) was given options ${quote(Object.keys(options))} but the add-on for that cluster already exists at ${existing.node.path}`,
          'pass the options where the add-on is first created (the first `PodIdentityAgentAddon.of(cluster, options)` or `new PodIdentityAgentAddon(...)`)');
      }
      return existing;
    }
    if (isAutoModeCluster(cluster)) {
      if (Object.keys(options).length > 0) {
        throw problem('AgentBuiltIntoAutoMode',
          `PodIdentityAgentAddon.of(${cluster.node.path}) was given options ${quote(Object.keys(options))} but the cluster runs in EKS Auto Mode, which has the Pod Identity Agent built in, so no add-on is created to configure`,
          'drop the options; only if the cluster also has EC2 node groups that need the agent DaemonSet, create the add-on with `new PodIdentityAgentAddon(scope, id, { cluster, ... })` before anything uses the cluster');
      }
      return new InstalledAgentAddon(cluster, 'PodIdentityAgentAddon', cluster);
    }
    return new PodIdentityAgentAddon(cluster, 'PodIdentityAgentAddon', { ...options, cluster });
  }

  /**
   * The agent add-on of a cluster for a construct of this library that needs it (an association, an add-on, a fleet):
   * `of(cluster)`, remembering that the user did not choose it when this creates the add-on for an imported cluster,
   * which the `AgentAddonOnImportedCluster` check warns about.
   *
   * @internal
   */
  public static _ofFor(user: IConstruct, cluster: eks.IClusterRef): IPodIdentityAgentAddon {
    const existing = PodIdentityAgentAddon.find(cluster);
    if (existing) return existing;
    const created = PodIdentityAgentAddon.of(cluster);
    if (created instanceof PodIdentityAgentAddon && created.resource && !isNewCluster(cluster)) {
      created._implicitlyCreatedFor = user.node.path;
    }
    return created;
  }

  /** The agent add-on already defined for a cluster in this app, if any. */
  public static find(cluster: eks.IClusterRef): IPodIdentityAgentAddon | undefined {
    return Registry.of(cluster).agentAddonOf(cluster) as IPodIdentityAgentAddon | undefined;
  }

  /**
   * Records that the agent already runs on the cluster (installed by eksctl, the console, another stack or app, or
   * built into EKS Auto Mode), so nothing in this app creates the add-on, which would fail because it exists.
   * Call it before any association for the cluster. Needed for imported Auto Mode clusters: only new ones are
   * recognised as Auto Mode.
   */
  public static fromInstalledAddon(scope: Construct, id: string, cluster: eks.IClusterRef): IPodIdentityAgentAddon {
    const existing = PodIdentityAgentAddon.find(cluster);
    if (existing) {
      throw problem('DuplicateAgentAddon',
        `the agent add-on of cluster ${cluster.node.path} is already defined at ${existing.node.path}, so it cannot be recorded as installed elsewhere`,
        'call PodIdentityAgentAddon.fromInstalledAddon(...) before anything that uses the cluster\'s agent (associations, workloads), or drop it if this app creates the add-on');
    }
    return new InstalledAgentAddon(scope, id, cluster);
  }

  /** The cluster the agent runs on. */
  public readonly cluster: eks.IClusterRef;
  /** The add-on's name, `eks-pod-identity-agent`. */
  public readonly addonName: string;
  /** The add-on's ARN; undefined when the agent was already installed. */
  public readonly addonArn?: string;
  /** The CloudFormation resource, for escape hatches; undefined when the agent was already installed. */
  public readonly resource?: eks.CfnAddon;
  /**
   * The path of the construct whose use created this add-on for an imported cluster without the user choosing it.
   *
   * @internal
   */
  public _implicitlyCreatedFor?: string;

  constructor(scope: Construct, id: string, props: PodIdentityAgentAddonProps) {
    super(scope, id);
    try {
      const existing = PodIdentityAgentAddon.find(props.cluster);
      if (existing) {
        throw problem('DuplicateAgentAddon',
          `a PodIdentityAgentAddon for cluster ${props.cluster.node.path} already exists at ${existing.node.path}; EKS allows one ${AGENT_ADDON_NAME} add-on per cluster`,
          'use `PodIdentityAgentAddon.of(cluster)` to get the existing add-on instead of creating a second one');
      }
      checkAddonVersion('InvalidAgentAddonVersion', AGENT_ADDON_NAME, props.addonVersion, 'v1.3.4-eksbuild.1');
      this.cluster = props.cluster;
      Registry.of(this).addAgentAddon(this);

      this.addonName = AGENT_ADDON_NAME;
      if (props.alreadyInstalled) {
        const configured = (['addonVersion', 'preserveOnDelete', 'resolveConflicts', 'configurationValues'] as const)
          .filter(option => props[option] !== undefined);
        if (configured.length > 0) {
          throw problem('AgentAddonAlreadyInstalled',
            `alreadyInstalled is true for cluster ${props.cluster.node.path}, but ${configured.join(', ')} ${configured.length > 1 ? 'are' : 'is'} set too; an add-on this stack does not create cannot be configured here`,
            'drop those options, or let this stack own the add-on (alreadyInstalled: false)');
        }
        Dependable.implement(this, { get dependencyRoots(): IConstruct[] { return []; } });
        return;
      }

      const managedByAwsCdk = awsCdkManagedAgentAddon(props.cluster);
      const resource = managedByAwsCdk
        ?? new eks.CfnAddon(this, 'Resource', { addonName: AGENT_ADDON_NAME, clusterName: clusterNameOf(props.cluster) });
      resource.addonVersion = props.addonVersion;
      resource.preserveOnDelete = props.preserveOnDelete ?? true;
      resource.resolveConflicts = (props.resolveConflicts ?? ResolveConflicts.OVERWRITE).value;
      resource.configurationValues = props.configurationValues === undefined
        ? undefined : Stack.of(resource).toJsonString(props.configurationValues);
      this.resource = resource;
      this.addonArn = resource.attrArn;

      // Depending on this construct means depending on the add-on resource, wherever it lives.
      Dependable.implement(this, { get dependencyRoots(): IConstruct[] { return [resource]; } });
    } catch (error) {
      throw namingConstruct(this.node.path, error);
    }
  }
}

/** An agent that runs on the cluster already: nothing to create, nothing to wait for. */
class InstalledAgentAddon extends Construct implements IPodIdentityAgentAddon {
  public readonly addonName = AGENT_ADDON_NAME;

  constructor(scope: Construct, id: string, public readonly cluster: eks.IClusterRef) {
    super(scope, id);
    Registry.of(this).addAgentAddon(this);
    Dependable.implement(this, { get dependencyRoots(): IConstruct[] { return []; } });
  }
}
