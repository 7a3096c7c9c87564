import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodIdentityAssociation, PodIdentityAssociationSettings } from './association';
import { ensureChecks } from './checks';
import { ManifestDelivery } from './delivery';
import { kubectlClusterOf, openIdConnectProviderOf } from './private/cluster';
import { BUILT_IN_NAMESPACES } from './private/eks-facts';
import { namingConstruct, problem, quote } from './private/errors';
import { gitOpsFolderOf } from './private/gitops';
import { checkDeploymentName, checkEnvNames, checkServiceAccountName, checkImage, checkNoDuplicateEnvNames, checkPort, checkReplicas, toKubernetesName } from './private/input';
import { Registry } from './private/registry';
import { WorkloadObjects } from './private/workload-objects';
import { PodIdentityRole } from './role';

/** What a {@link PodIdentityBoundWorkload} runs, without the cluster (e.g. for a `WorkloadFleet`). */
export interface PodIdentityBoundWorkloadOptions {
  /** The Kubernetes namespace of the service account and the Deployment. */
  readonly namespace: string;

  /**
   * The Kubernetes service account the pods run as, and the association binds.
   *
   * @default - the construct id in lower case, with characters other than letters, digits and `-` replaced by `-`
   */
  readonly serviceAccountName?: string;

  /**
   * The Deployment's name.
   *
   * @default - the service account name
   */
  readonly deploymentName?: string;

  /**
   * Create the namespace as part of the workload's manifest. Set to false when the namespace exists already or is
   * managed elsewhere, e.g. by another workload (creating an existing namespace fails the deployment). With false, the
   * manifest is applied after whatever creates the namespace in this app on the same cluster (another workload, a
   * `cluster.addManifest` Namespace, a Helm chart with `createNamespace`): DependsOn in one stack, a stack dependency
   * across stacks. True is rejected for the built-in namespaces, which every cluster has.
   *
   * @default - true, except for the built-in namespaces (default, kube-system, kube-public, kube-node-lease)
   */
  readonly createNamespace?: boolean;

  /** The container image, e.g. `public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0`. */
  readonly image: string;

  /**
   * How many pods to run.
   *
   * @default 2
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
   */
  readonly replicas?: number;

  /**
   * The container's entrypoint (replaces the image's ENTRYPOINT).
   *
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];

  /**
   * Arguments to the entrypoint (replace the image's CMD).
   *
   * @default - the image's CMD
   */
  readonly args?: string[];

  /**
   * Environment variables of the container. Values may be CDK tokens such as `table.tableName`.
   *
   * @default - only `HOME=/tmp` (writable under the read-only root filesystem), unless set here
   */
  readonly env?: { [name: string]: string };

  /**
   * The port the container listens on.
   *
   * @default - no port is declared
   */
  readonly port?: number;

  /**
   * The IAM role the pods get. It must trust `pods.eks.amazonaws.com` for `sts:AssumeRole` and `sts:TagSession`.
   *
   * @default - a new `PodIdentityRole` with no permissions, trusting only this workload's service account (unless
   * session tags are disabled); grant permissions through the workload (it is an `IGrantable`)
   */
  readonly role?: iam.IRole;

  /**
   * Role chaining, session tags, session policy and tags of the association.
   *
   * @default - session tags on, no role chaining, no session policy
   */
  readonly associationSettings?: PodIdentityAssociationSettings;

  /**
   * The workload is moving from IAM roles for service accounts (IRSA) to Pod Identity (step 1 of 2): its role also
   * trusts the cluster's OIDC provider for exactly this service account (a role you pass must be a
   * `PodIdentityRole`, or trust IRSA itself), the ServiceAccount carries the `eks.amazonaws.com/role-arn` annotation
   * for that role, and the pods keep using IRSA (the SDKs prefer it) while the association is in place. Step 2:
   * remove this flag; the annotation and the IRSA trust go, and the pods are rolled onto Pod Identity. Their
   * containers need an SDK that supports Pod Identity.
   *
   * @default false
   * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-minimum-sdk.html
   */
  readonly migratingFromIrsa?: boolean;

  /**
   * Escape hatch: any other cdk8s-plus container option (probes, resources, volume mounts, security context...).
   * A `securityContext` here is merged over the hardened defaults field by field; `envVariables` are added to `env`.
   * Options that `command`, `args` or `port` already set are rejected rather than silently picked.
   *
   * @default - cdk8s-plus defaults, hardened security context
   * @see https://cdk8s.io/docs/latest/plus/cdk8s-plus-28/container/
   */
  readonly containerOptions?: kplus.ContainerOpts;

  /**
   * Escape hatch: any other cdk8s-plus Deployment option (strategy, pod metadata, volumes, security context...).
   * A `securityContext` here is merged over the hardened pod defaults. `containers` and `serviceAccount` are owned
   * by the workload and rejected here: use `containerOptions`, or `workload.deployment.addContainer()`.
   *
   * @default - cdk8s-plus defaults, hardened pod security context
   * @see https://cdk8s.io/docs/latest/plus/cdk8s-plus-28/deployment/
   */
  readonly deploymentOptions?: kplus.DeploymentProps;

  /**
   * How the Kubernetes objects reach the cluster: applied by a kubectl custom resource in the stack, or written
   * as YAML files at synth for Argo CD or Flux (`ManifestDelivery.gitOps({ directory })`; deploy the stack, with
   * the association, before the sync).
   *
   * @default ManifestDelivery.kubectl()
   */
  readonly delivery?: ManifestDelivery;
}

/** Properties of a {@link PodIdentityBoundWorkload}. */
export interface PodIdentityBoundWorkloadProps extends PodIdentityBoundWorkloadOptions {
  /**
   * The cluster to run on: an `aws_eks` or `aws_eks_v2` cluster, new or imported with a kubectl provider. With
   * `ManifestDelivery.gitOps(...)` any cluster reference will do (e.g. `CfnCluster.fromClusterName(...)`): only
   * its name is needed. A reference that is neither module's cluster is rejected (`UnsupportedCluster`) when the
   * objects are applied with kubectl.
   */
  readonly cluster: eks.IClusterRef;
}

/**
 * A workload that runs with an IAM role through EKS Pod Identity: the role, its association with the workload's
 * service account, and the Namespace, ServiceAccount and Deployment (cdk8s-plus-28) applied to the cluster.
 *
 * The manifests depend on the association, and the association on the Pod Identity Agent add-on and the role's
 * policies, so the very first pods get `AWS_CONTAINER_CREDENTIALS_FULL_URI` with working permissions. With
 * `delivery: ManifestDelivery.gitOps(...)` the objects are written as YAML files for Argo CD or Flux instead: deploy
 * the stack before they are synced.
 * Grant permissions to the workload itself: `table.grantReadWriteData(workload)`.
 */
export class PodIdentityBoundWorkload extends Construct implements iam.IGrantable {
  /** The principal to grant permissions to: the role. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The IAM role the pods get. */
  public readonly role: iam.IRole;
  /** The association of the role with the service account. */
  public readonly association: PodIdentityAssociation;
  /**
   * The construct delivering the chart: an aws-cdk-lib `KubernetesManifest` (kubectl delivery), or the construct
   * writing the YAML files at synth (GitOps delivery).
   */
  public readonly manifest: Construct;
  /** The Kubernetes namespace. */
  public readonly namespace: string;
  /** The Kubernetes service account name. */
  public readonly serviceAccountName: string;
  /** Whether the workload is moving off IRSA: its ServiceAccount carries the IRSA annotation, its role trusts IRSA. */
  public readonly migratingFromIrsa: boolean;
  /**
   * Whether the chart holds the workload's Namespace object.
   * @internal
   */
  public readonly _createsNamespace: boolean;
  /**
   * The Deployment's name.
   * @internal
   */
  public readonly _deploymentName: string;
  /**
   * The GitOps folder the chart is written to; undefined for kubectl delivery.
   * @internal
   */
  public readonly _gitOpsFolder?: string;
  /** The Kubernetes objects: built, rendered and shared by `workload-objects.ts`. */
  private readonly objects: WorkloadObjects;

  constructor(scope: Construct, id: string, props: PodIdentityBoundWorkloadProps) {
    super(scope, id);
    try {
      // kubectl delivery needs a cluster with a kubectl provider; GitOps delivery needs only the cluster's name.
      if (!props.delivery?.gitOpsOptions) kubectlClusterOf(props.cluster);
      rejectOwnedOptions(props);
      this.namespace = props.namespace;
      this.serviceAccountName = props.serviceAccountName ?? toKubernetesName(id);
      this.migratingFromIrsa = props.migratingFromIrsa ?? false;
      const deploymentName = props.deploymentName ?? this.serviceAccountName;
      // (The association checks the namespace; the service account name is checked first, as the default name.)
      checkServiceAccountName(this.serviceAccountName);
      checkDeploymentName(deploymentName);
      checkImage(props.image);
      checkReplicas(props.replicas ?? props.deploymentOptions?.replicas);
      checkPort(props.port ?? props.containerOptions?.portNumber ?? props.containerOptions?.port);
      const envNames = Object.keys(props.env ?? {});
      const optionEnvNames = Object.keys(props.containerOptions?.envVariables ?? {});
      checkEnvNames([...envNames, ...optionEnvNames]);
      checkNoDuplicateEnvNames(envNames, optionEnvNames);
      if (props.createNamespace === true && BUILT_IN_NAMESPACES.includes(props.namespace)) {
        throw problem('BuiltInNamespaceCreated',
          `createNamespace is true for the built-in namespace ${quote(props.namespace)}, which every cluster has: creating it fails the deployment (AlreadyExists), and deleting the workload would try to delete the namespace`,
          'drop createNamespace (built-in namespaces are never created), or run the workload in a namespace of its own');
      }

      const irsaServiceAccount = this.migratingFromIrsa ? {
        openIdConnectProvider: openIdConnectProviderOf(props.cluster),
        namespace: props.namespace,
        serviceAccount: this.serviceAccountName,
      } : undefined;
      this.role = props.role ?? new PodIdentityRole(this, 'Role', {
        // Least privilege for the trust too: only this workload's service account (session tags permitting).
        scopeTrustToAssociations: !props.associationSettings?.disableSessionTags,
        irsaServiceAccounts: irsaServiceAccount && [irsaServiceAccount],
      });
      if (irsaServiceAccount && props.role instanceof PodIdentityRole) props.role.addIrsaServiceAccount(irsaServiceAccount);
      this.grantPrincipal = this.role.grantPrincipal;
      this.association = new PodIdentityAssociation(this, 'Association', {
        ...props.associationSettings,
        cluster: props.cluster,
        namespace: props.namespace,
        serviceAccount: this.serviceAccountName,
        role: this.role,
      });

      this._deploymentName = deploymentName;
      this._createsNamespace = props.createNamespace ?? !BUILT_IN_NAMESPACES.includes(props.namespace);
      const objects = new WorkloadObjects(this, props);
      this.objects = objects;

      this.manifest = (props.delivery ?? ManifestDelivery.kubectl())._deliver(this, 'Manifest', {
        cluster: props.cluster,
        namespace: props.namespace,
        deploymentName,
        // Bound, not arrow functions: kept until synthesis, they must not keep the constructor's scope (props).
        render: objects.renderedObjects.bind(objects),
        releaseRendering: objects.releaseRenderedObjects.bind(objects),
        namespaceName: this._createsNamespace ? props.namespace : undefined,
      });
      this.manifest.node.addDependency(this.association);
      this._gitOpsFolder = gitOpsFolderOf(this.manifest);

      Registry.of(this).addWorkload(this);
      ensureChecks(this);
    } catch (error) {
      throw namingConstruct(this.node.path, error);
    }
  }

  /** The cdk8s chart holding the Kubernetes objects; add more objects to it and they are applied too. */
  public get chart(): cdk8s.Chart {
    return this.objects.cdk8s().chart;
  }

  /** The Namespace object, when the workload creates it. */
  public get kubernetesNamespace(): kplus.Namespace | undefined {
    return this.objects.cdk8s().namespace;
  }

  /** The ServiceAccount (still mutable: labels, annotations...). */
  public get serviceAccount(): kplus.ServiceAccount {
    return this.objects.cdk8s().serviceAccount;
  }

  /** The Deployment (still mutable: more containers, volumes, scheduling...). */
  public get deployment(): kplus.Deployment {
    return this.objects.cdk8s().deployment;
  }
}

function rejectOwnedOptions(props: PodIdentityBoundWorkloadProps) {
  const both: Array<[string, unknown, string, unknown]> = [
    ['command', props.command, 'containerOptions.command', props.containerOptions?.command],
    ['args', props.args, 'containerOptions.args', props.containerOptions?.args],
    ['port', props.port, 'containerOptions.portNumber', props.containerOptions?.portNumber ?? props.containerOptions?.port],
    ['replicas', props.replicas, 'deploymentOptions.replicas', props.deploymentOptions?.replicas],
  ];
  for (const [name, value, optionName, optionValue] of both) {
    if (value !== undefined && optionValue !== undefined) {
      throw problem('ConflictingWorkloadOptions',
        `both ${name} (${quote(value)}) and ${optionName} are set`,
        `set only one of them (${name} is the shorthand)`);
    }
  }
  if (props.deploymentOptions?.serviceAccount) {
    throw problem('ConflictingWorkloadOptions',
      `deploymentOptions.serviceAccount is set (${quote(props.deploymentOptions.serviceAccount.name)}) but the workload owns the service account the association binds`,
      'set serviceAccountName instead; to use an existing service account, set createNamespace as needed and use PodIdentityRole.associate() with your own Deployment');
  }
  if (props.deploymentOptions?.containers) {
    throw problem('ConflictingWorkloadOptions',
      'deploymentOptions.containers is set but the workload owns its main container',
      'use image/command/args/env/port and containerOptions for the main container, and workload.deployment.addContainer() for sidecars');
  }
}

