import * as crypto from 'crypto';
import { Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodIdentityAssociation, PodIdentityAssociationSettings } from './association';
import { ensureChecks } from './checks';
import { ManifestDelivery } from './delivery';
import { kubectlClusterOf, openIdConnectProviderOf } from './private/cluster';
import { defaultWorkloadObjects } from './private/default-workload-objects';
import { BUILT_IN_NAMESPACES, IRSA_ANNOTATION } from './private/eks-facts';
import { namingConstruct, problem, quote } from './private/errors';
import { gitOpsFolderOf } from './private/gitops';
import { checkDeploymentName, checkEnvNames, checkServiceAccountName, checkImage, checkNoDuplicateEnvNames, checkPort, checkReplicas, toKubernetesName } from './private/input';
import { Registry } from './private/registry';
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
 * Container security context applied unless overridden: non-root, no privilege escalation, read-only root
 * filesystem, every capability dropped, the runtime's default seccomp profile, numeric non-root user 25000 (the Kubernetes "restricted" profile).
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
const HARDENED_CONTAINER_SECURITY_CONTEXT: kplus.ContainerSecurityContextProps = {
  // A numeric user lets the kubelet verify runAsNonRoot for images whose USER is root or a name (cdk8s-plus' ids).
  user: 25000,
  group: 26000,
  ensureNonRoot: true,
  privileged: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: [kplus.Capability.ALL] },
  seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
};

/** Pod-level seccomp profile (cdk8s-plus-28 has no prop for it), applied unless a later patch replaces it. */
const POD_SECCOMP_PROFILE = { type: 'RuntimeDefault' };

/**
 * A hash of the pods' identity (role, target role, session tags, session policy): when it changes, the pod template
 * changes and Kubernetes rolls the pods, which would otherwise keep the old identity's cached credentials.
 */
const IDENTITY_HASH_ANNOTATION = 'cdk-eks-pod-identity/identity-hash';

/** Marks the pods started while the workload moves off IRSA. */
const IRSA_MIGRATION_POD_ANNOTATION = 'cdk-eks-pod-identity/irsa-migration';

/** The recommended label naming the application: the Deployment name, so pods of one workload are recognisable. */
const NAME_LABEL = 'app.kubernetes.io/name';

/**
 * A Deployment whose every container, including sidecars and init containers added after construction with
 * `addContainer()` / `addInitContainer()`, gets the hardened security context; fields the caller sets win.
 */
class HardenedDeployment extends kplus.Deployment {
  public addContainer(container: kplus.ContainerProps): kplus.Container {
    return super.addContainer(hardened(container));
  }

  public addInitContainer(container: kplus.ContainerProps): kplus.Container {
    return super.addInitContainer(hardened(container));
  }
}

function hardened(container: kplus.ContainerProps): kplus.ContainerProps {
  return { ...container, securityContext: { ...HARDENED_CONTAINER_SECURITY_CONTEXT, ...container.securityContext } };
}

// A read-only root filesystem breaks most runtimes that write temp files; give them a scratch /tmp.
const TMP_PATH = '/tmp';
const TMP_VOLUME_NAME = 'tmp';

/** HARDENED_CONTAINER_SECURITY_CONTEXT as cdk8s-plus renders it (for the default shape written out). */
const RENDERED_HARDENED_CONTAINER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsGroup: 26000,
  runAsNonRoot: true,
  runAsUser: 25000,
  seccompProfile: { type: 'RuntimeDefault' },
};

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
  private readonly props: PodIdentityBoundWorkloadProps;
  private readonly chartId: string;
  /** The cdk8s objects, built on first use (see `default-workload-objects.ts`). */
  private kubernetesObjects?: KubernetesObjects;

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

      // A chart of its own, in a cdk8s app of its own, as aws-cdk-lib's addCdk8sChart expects. cdk8s-plus selects a
      // Deployment's pods (and a Service made with exposeViaService() selects them) by a label derived from the
      // construct path inside that app: naming the chart after the namespace and Deployment name makes the selector
      // unique in the cluster and stable across synths and moves of the CDK construct.
      this.chartId = Token.isUnresolved(props.namespace) || Token.isUnresolved(deploymentName)
        ? this.node.addr : `${props.namespace}.${deploymentName}`;
      this.props = props;
      this._deploymentName = deploymentName;
      this._createsNamespace = props.createNamespace ?? !BUILT_IN_NAMESPACES.includes(props.namespace);
      // Escape hatches are cdk8s-plus options: with them, the cdk8s objects are built now (and render themselves).
      if (props.containerOptions || props.deploymentOptions) this.cdk8sObjects();

      this.manifest = (props.delivery ?? ManifestDelivery.kubectl())._deliver(this, 'Manifest', {
        cluster: props.cluster,
        namespace: props.namespace,
        deploymentName,
        render: () => Registry.of(this).renderedObjectsOf(this),
        releaseRendering: () => Registry.of(this).releaseRenderedObjects(this),
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
    return this.cdk8sObjects().chart;
  }

  /** The Namespace object, when the workload creates it. */
  public get kubernetesNamespace(): kplus.Namespace | undefined {
    return this.cdk8sObjects().namespace;
  }

  /** The ServiceAccount (still mutable: labels, annotations...). */
  public get serviceAccount(): kplus.ServiceAccount {
    return this.cdk8sObjects().serviceAccount;
  }

  /** The Deployment (still mutable: more containers, volumes, scheduling...). */
  public get deployment(): kplus.Deployment {
    return this.cdk8sObjects().deployment;
  }

  /**
   * The Kubernetes objects as cdk8s renders them: from the cdk8s objects once they exist, else written out
   * (identical, see `default-workload-objects.ts`).
   * @internal
   */
  public _renderObjects(): Array<Record<string, any>> {
    const identityHash = this.identityHash();
    if (this.kubernetesObjects) {
      // Set at rendering, when the association's inputs are final (a session policy may get statements later).
      this.kubernetesObjects.deployment.podMetadata.addAnnotation(IDENTITY_HASH_ANNOTATION, identityHash);
      return this.kubernetesObjects.chart.toJson();
    }
    const props = this.props;
    return defaultWorkloadObjects({
      chartId: this.chartId,
      namespace: props.namespace,
      createNamespace: this._createsNamespace,
      serviceAccountName: this.serviceAccountName,
      serviceAccountAnnotations: this.migratingFromIrsa ? { [IRSA_ANNOTATION]: this.role.roleArn } : undefined,
      deploymentName: this._deploymentName,
      podLabels: { [NAME_LABEL]: labelValue(this._deploymentName) },
      podAnnotations: {
        [IDENTITY_HASH_ANNOTATION]: identityHash,
        ...(this.migratingFromIrsa ? { [IRSA_MIGRATION_POD_ANNOTATION]: 'true' } : {}),
      },
      replicas: props.replicas,
      image: props.image,
      command: props.command,
      args: props.args,
      port: props.port,
      env: [
        ...(props.env?.HOME === undefined ? [['HOME', TMP_PATH] as [string, string]] : []),
        ...Object.entries(props.env ?? {}),
      ],
      containerSecurityContext: RENDERED_HARDENED_CONTAINER_SECURITY_CONTEXT,
      podSecurityContext: { runAsNonRoot: true, seccompProfile: POD_SECCOMP_PROFILE },
      tmpPath: TMP_PATH,
      tmpVolumeName: TMP_VOLUME_NAME,
    });
  }

  /**
   * A stable hash of what the pods' credentials are issued for: the role, the target role, session tags on/off and
   * the session policy, as CloudFormation will see them (resolved: a new role's ARN is its `Fn::GetAtt`, named by
   * its logical id, so the hash changes when the role does, and is the same in every synthesis of the same app).
   * A literal, so GitOps files hold it too.
   */
  private identityHash(): string {
    const settings = this.props.associationSettings;
    const inputs = Stack.of(this).resolve({
      role: this.role.roleArn,
      roleReplacement: replacementKeyOf(this.role),
      targetRole: settings?.targetRole?.roleArn ?? null,
      targetRoleReplacement: replacementKeyOf(settings?.targetRole),
      sessionTags: !(settings?.disableSessionTags ?? false),
      sessionPolicy: settings?.sessionPolicy?.toJSON() ?? null,
    });
    return crypto.createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16);
  }

  /** Builds the cdk8s objects on first use. */
  private cdk8sObjects(): KubernetesObjects {
    if (!this.kubernetesObjects) this.kubernetesObjects = this.buildCdk8sObjects();
    return this.kubernetesObjects;
  }

  private buildCdk8sObjects(): KubernetesObjects {
    const props = this.props;
    const deploymentName = this._deploymentName;
    const chart = new cdk8s.Chart(new cdk8s.App(), this.chartId, { disableResourceNameHashes: true });
    const namespace = this._createsNamespace
      ? new kplus.Namespace(chart, 'Namespace', { metadata: { name: props.namespace } }) : undefined;
    const serviceAccount = new kplus.ServiceAccount(chart, 'ServiceAccount', {
      metadata: {
        name: this.serviceAccountName,
        namespace: props.namespace,
        // Only while migrating: pods keep using IRSA (for the same role) until step 2 removes it.
        annotations: this.migratingFromIrsa ? { [IRSA_ANNOTATION]: this.role.roleArn } : undefined,
      },
    });
    const deployment = new HardenedDeployment(chart, 'Deployment', {
      ...props.deploymentOptions,
      metadata: { ...props.deploymentOptions?.metadata, name: deploymentName, namespace: props.namespace },
      podMetadata: {
        ...props.deploymentOptions?.podMetadata,
        labels: { [NAME_LABEL]: labelValue(deploymentName), ...props.deploymentOptions?.podMetadata?.labels },
      },
      replicas: props.replicas ?? props.deploymentOptions?.replicas,
      serviceAccount,
      // cdk8s-plus' defaults are the hardened ones (runAsNonRoot); the pod seccomp profile is patched in below.
      securityContext: props.deploymentOptions?.securityContext,
      containers: [containerProps(props)],
    });
    if (this.migratingFromIrsa) {
      // IRSA's environment is injected when a pod is created: marking the pods of the migration makes step 2 (this
      // annotation gone) roll them, so the new pods get Pod Identity's credentials instead.
      deployment.podMetadata.addAnnotation(IRSA_MIGRATION_POD_ANNOTATION, 'true');
    }
    cdk8s.ApiObject.of(deployment).addJsonPatch(
      cdk8s.JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', POD_SECCOMP_PROFILE));
    if (!props.containerOptions?.volumeMounts?.some(mount => mount.path === TMP_PATH)) {
      deployment.containers[0].mount(TMP_PATH, kplus.Volume.fromEmptyDir(chart, 'Tmp', TMP_VOLUME_NAME));
    }
    if (namespace) {
      // kubectl applies in file order; cdk8s orders objects by their dependencies.
      serviceAccount.node.addDependency(namespace);
      deployment.node.addDependency(namespace);
    }
    deployment.node.addDependency(serviceAccount);
    return { chart, namespace, serviceAccount, deployment };
  }
}

/**
 * What makes CloudFormation replace a role defined in the app (its name and path), so a role replaced under the same
 * logical id (whose ARN token is unchanged) changes the identity hash too; null for an imported role (its ARN says it).
 */
function replacementKeyOf(role: iam.IRole | undefined): unknown {
  const resource = role?.node.defaultChild;
  return resource instanceof iam.CfnRole ? { name: resource.roleName ?? null, path: resource.path ?? null } : null;
}

/** The cdk8s objects of a workload. */
interface KubernetesObjects {
  readonly chart: cdk8s.Chart;
  readonly namespace?: kplus.Namespace;
  readonly serviceAccount: kplus.ServiceAccount;
  readonly deployment: kplus.Deployment;
}

/** A label value (at most 63 characters, ending in a letter or digit) naming a Deployment of up to 253. */
function labelValue(name: string): string {
  // A Deployment name is a DNS subdomain: it never ends in '-' or '.', so a name of 63 or fewer is kept whole.
  return name.slice(0, 63).replace(/[-.]+$/, '');
}

function containerProps(props: PodIdentityBoundWorkloadProps): kplus.ContainerProps {
  const options = props.containerOptions ?? {};
  return {
    ...options,
    image: props.image,
    command: props.command ?? options.command,
    args: props.args ?? options.args,
    portNumber: props.port ?? options.portNumber,
    envVariables: {
      // With a read-only root filesystem and a user the image does not know, $HOME must point somewhere writable
      // (the AWS CLI and SDKs write caches there).
      ...(props.env?.HOME === undefined && options.envVariables?.HOME === undefined ? { HOME: kplus.EnvValue.fromValue(TMP_PATH) } : {}),
      ...options.envVariables,
      ...Object.fromEntries(Object.entries(props.env ?? {}).map(([name, value]) => [name, kplus.EnvValue.fromValue(value)])),
    },
  };
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

