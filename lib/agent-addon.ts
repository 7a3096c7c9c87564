import { Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { Construct, Dependable, IConstruct } from 'constructs';
import { awsCdkManagedAgentAddon, clusterKey } from './cluster';
import { problem, quote } from './errors';

/** The name of the EKS add-on that runs the Pod Identity Agent DaemonSet. */
export const POD_IDENTITY_AGENT_ADDON_NAME = 'eks-pod-identity-agent';

// The add-on of each cluster, app-wide, by clusterKey. Symbol.for so that two copies of this library in one app
// still find each other's add-on.
const ADDONS = Symbol.for('cdk-eks-pod-identity.PodIdentityAgentAddons');

function addonsOf(scope: IConstruct): Map<string, PodIdentityAgentAddon> {
  const root: any = scope.node.root;
  if (!root[ADDONS]) Object.defineProperty(root, ADDONS, { value: new Map(), enumerable: false });
  return root[ADDONS];
}

const ADDON_VERSION_PATTERN = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;

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
   * The agent already runs on the cluster (installed by eksctl, the console, another stack, or built into EKS Auto
   * Mode): record that without creating an add-on resource, which would fail because the add-on exists. The other
   * options cannot be combined with this one.
   *
   * @default false - this stack creates and owns the add-on
   */
  readonly alreadyInstalled?: boolean;
}

/** Properties of a {@link PodIdentityAgentAddon}. */
export interface PodIdentityAgentAddonProps extends PodIdentityAgentAddonOptions {
  /** The cluster to install the agent on: an `aws_eks` or `aws_eks_v2` cluster, new or imported. */
  readonly cluster: eks.ICluster | eksv2.ICluster;
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
export class PodIdentityAgentAddon extends Construct {
  /**
   * The agent add-on of a cluster, created on first use under the cluster with default options.
   *
   * Everything in this library that needs the agent calls this, so an app has at most one add-on per cluster.
   * To configure it, create it yourself first with `new PodIdentityAgentAddon(...)` (or call `of` with options
   * the first time).
   */
  public static of(cluster: eks.ICluster | eksv2.ICluster, options: PodIdentityAgentAddonOptions = {}): PodIdentityAgentAddon {
    const existing = PodIdentityAgentAddon.find(cluster);
    if (existing) {
      if (Object.keys(options).length > 0) {
        throw problem('AgentAddonAlreadyConfigured',
          `PodIdentityAgentAddon.of(${cluster.node.path}) was given options ${quote(Object.keys(options))} but the add-on for that cluster already exists at ${existing.node.path}`,
          'pass the options where the add-on is first created (the first `PodIdentityAgentAddon.of(cluster, options)` or `new PodIdentityAgentAddon(...)`)');
      }
      return existing;
    }
    return new PodIdentityAgentAddon(cluster, 'PodIdentityAgentAddon', { ...options, cluster });
  }

  /** The agent add-on already defined for a cluster in this app, if any. */
  public static find(cluster: eks.ICluster | eksv2.ICluster): PodIdentityAgentAddon | undefined {
    return addonsOf(cluster).get(clusterKey(cluster));
  }

  /** The cluster the agent runs on. */
  public readonly cluster: eks.ICluster | eksv2.ICluster;
  /** The add-on's name, `eks-pod-identity-agent`. */
  public readonly addonName: string;
  /** The add-on's ARN; undefined when the agent was already installed. */
  public readonly addonArn?: string;
  /** The CloudFormation resource, for escape hatches; undefined when the agent was already installed. */
  public readonly resource?: eks.CfnAddon;

  constructor(scope: Construct, id: string, props: PodIdentityAgentAddonProps) {
    super(scope, id);
    const existing = PodIdentityAgentAddon.find(props.cluster);
    if (existing) {
      throw problem('DuplicateAgentAddon',
        `a PodIdentityAgentAddon for cluster ${props.cluster.node.path} already exists at ${existing.node.path}; EKS allows one ${POD_IDENTITY_AGENT_ADDON_NAME} add-on per cluster`,
        'use `PodIdentityAgentAddon.of(cluster)` to get the existing add-on instead of creating a second one');
    }
    if (props.addonVersion !== undefined && !Token.isUnresolved(props.addonVersion) && !ADDON_VERSION_PATTERN.test(props.addonVersion)) {
      throw problem('InvalidAgentAddonVersion',
        `addonVersion ${quote(props.addonVersion)} is not an EKS add-on version of the form vX.Y.Z-eksbuild.N`,
        'use a version listed by `aws eks describe-addon-versions --addon-name eks-pod-identity-agent`, e.g. "v1.3.4-eksbuild.1", or omit it for the default');
    }
    this.cluster = props.cluster;
    addonsOf(this).set(clusterKey(props.cluster), this);

    this.addonName = POD_IDENTITY_AGENT_ADDON_NAME;
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
      ? managedByAwsCdk.node.defaultChild as eks.CfnAddon
      : new eks.CfnAddon(this, 'Resource', { addonName: POD_IDENTITY_AGENT_ADDON_NAME, clusterName: props.cluster.clusterName });
    resource.addonVersion = props.addonVersion;
    resource.preserveOnDelete = props.preserveOnDelete ?? true;
    resource.resolveConflicts = (props.resolveConflicts ?? ResolveConflicts.OVERWRITE).value;
    resource.configurationValues = props.configurationValues === undefined
      ? undefined : Stack.of(resource).toJsonString(props.configurationValues);
    this.resource = resource;
    this.addonArn = resource.attrArn;

    // Depending on this construct means depending on the add-on resource, wherever it lives.
    Dependable.implement(this, { get dependencyRoots(): IConstruct[] { return [resource]; } });
  }
}
