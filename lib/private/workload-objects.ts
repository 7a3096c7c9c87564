// A workload's Kubernetes objects, one owner: the hardening every container gets, the cdk8s-plus build of the chart,
// the fast path for a workload in its default shape (default-workload-objects.ts, without the API server's defaults:
// kubernetes-defaults.ts), and the rendering that the manifest (or the GitOps files) and the app checks share. The
// workload construct keeps its props and wiring; whoever needs its objects asks `WorkloadObjects.of(workload)`.
import * as crypto from 'crypto';
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { defaultWorkloadObjects } from './default-workload-objects';
import { IRSA_ANNOTATION } from './eks-facts';
import { withoutServerDefaults } from './kubernetes-defaults';

/** The seccomp profile of the pods and of every container: the container runtime's default. */
const SECCOMP_PROFILE = { type: kplus.SeccompProfileType.RUNTIME_DEFAULT };

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
  seccompProfile: SECCOMP_PROFILE,
};

/** HARDENED_CONTAINER_SECURITY_CONTEXT under the Kubernetes field names cdk8s-plus renders it with (for the fast path). */
const RENDERED_HARDENED_CONTAINER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: HARDENED_CONTAINER_SECURITY_CONTEXT.allowPrivilegeEscalation,
  capabilities: { drop: HARDENED_CONTAINER_SECURITY_CONTEXT.capabilities?.drop },
  privileged: HARDENED_CONTAINER_SECURITY_CONTEXT.privileged,
  readOnlyRootFilesystem: HARDENED_CONTAINER_SECURITY_CONTEXT.readOnlyRootFilesystem,
  runAsGroup: HARDENED_CONTAINER_SECURITY_CONTEXT.group,
  runAsNonRoot: HARDENED_CONTAINER_SECURITY_CONTEXT.ensureNonRoot,
  runAsUser: HARDENED_CONTAINER_SECURITY_CONTEXT.user,
  seccompProfile: HARDENED_CONTAINER_SECURITY_CONTEXT.seccompProfile,
};

/** The pod security context as rendered: cdk8s-plus' default (runAsNonRoot) and the seccomp profile patched in. */
const RENDERED_POD_SECURITY_CONTEXT = { runAsNonRoot: true, seccompProfile: SECCOMP_PROFILE };

/**
 * A hash of the pods' identity (role, target role, session tags, session policy): when it changes, the pod template
 * changes and Kubernetes rolls the pods, which would otherwise keep the old identity's cached credentials.
 */
const IDENTITY_HASH_ANNOTATION = 'cdk-eks-pod-identity/identity-hash';

/** Marks the pods started while the workload moves off IRSA. */
const IRSA_MIGRATION_POD_ANNOTATION = 'cdk-eks-pod-identity/irsa-migration';

/** The recommended label naming the application: the Deployment name, so pods of one workload are recognisable. */
const NAME_LABEL = 'app.kubernetes.io/name';

// A read-only root filesystem breaks most runtimes that write temp files; give them a scratch /tmp.
const TMP_PATH = '/tmp';
const TMP_VOLUME_NAME = 'tmp';

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

/** The workload, as far as its objects are concerned (read at synthesis: the role may be final only then). */
export interface ObjectsOwner extends IConstruct {
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly migratingFromIrsa: boolean;
  readonly role: iam.IRole;
  readonly _deploymentName: string;
  readonly _createsNamespace: boolean;
}

/** What the workload's props say of its objects (a `PodIdentityBoundWorkloadProps` is one). */
export interface ObjectsProps {
  readonly image: string;
  readonly replicas?: number;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: { [name: string]: string };
  readonly port?: number;
  readonly containerOptions?: kplus.ContainerOpts;
  readonly deploymentOptions?: kplus.DeploymentProps;
  readonly associationSettings?: {
    readonly targetRole?: iam.IRole;
    readonly disableSessionTags?: boolean;
    readonly sessionPolicy?: iam.PolicyDocument;
  };
}

/** The cdk8s objects of a workload. */
export interface Cdk8sObjects {
  readonly chart: cdk8s.Chart;
  readonly namespace?: kplus.Namespace;
  readonly serviceAccount: kplus.ServiceAccount;
  readonly deployment: kplus.Deployment;
}

const objectsOfWorkload = new WeakMap<IConstruct, WorkloadObjects>();

/**
 * A workload's Kubernetes objects: the cdk8s objects, built on first use (a workload whose objects nobody reads
 * renders its default shape written out instead, see `default-workload-objects.ts`), and their rendering, made once
 * per synthesis by the first reader (the manifest or the checks) and shared.
 */
export class WorkloadObjects {
  /** The objects of a workload made in this app (every `PodIdentityBoundWorkload` has them). */
  public static of(workload: IConstruct): WorkloadObjects {
    return objectsOfWorkload.get(workload)!;
  }

  private readonly chartId: string;
  private cdk8sObjects?: Cdk8sObjects;
  private rendering?: Array<Record<string, any>>;
  private checkedParts?: Array<Record<string, any>>;

  constructor(private readonly owner: ObjectsOwner, private readonly props: ObjectsProps) {
    // A chart of its own, in a cdk8s app of its own, as aws-cdk-lib's addCdk8sChart expects. cdk8s-plus selects a
    // Deployment's pods (and a Service made with exposeViaService() selects them) by a label derived from the
    // construct path inside that app: naming the chart after the namespace and Deployment name makes the selector
    // unique in the cluster and stable across synths and moves of the CDK construct.
    this.chartId = Token.isUnresolved(owner.namespace) || Token.isUnresolved(owner._deploymentName)
      ? owner.node.addr : `${owner.namespace}.${owner._deploymentName}`;
    objectsOfWorkload.set(owner, this);
    // Escape hatches are cdk8s-plus options: with them, the cdk8s objects are built now (and render themselves).
    if (props.containerOptions || props.deploymentOptions) this.cdk8s();
  }

  /** The cdk8s objects, built on first use. */
  public cdk8s(): Cdk8sObjects {
    if (!this.cdk8sObjects) this.cdk8sObjects = this.build();
    return this.cdk8sObjects;
  }

  /**
   * The Kubernetes objects of the chart, rendered once at synthesis (by the first reader: a check or the manifest)
   * and shared: cdk8s rendering is the costliest part of a workload. Fields the API server defaults to the same
   * value are left out.
   */
  public renderedObjects(): Array<Record<string, any>> {
    let objects = this.rendering;
    if (!objects) {
      objects = this.render().map(withoutServerDefaults);
      this.rendering = objects;
      this.checkedParts = objects.map(checkedPartsOf);
    }
    return objects;
  }

  /**
   * The parts of the rendered objects that the app checks read, recorded when the objects are rendered (by the
   * manifest or the checks, whichever is first) and kept after the objects are released: the checks run after the
   * manifests have rendered, and a fleet's objects are not all held until then.
   */
  public checkedObjects(): Array<Record<string, any>> {
    if (!this.checkedParts) this.renderedObjects(); // records them
    return this.checkedParts!;
  }

  /**
   * Forgets the rendering once the manifest holds it as a string (memory: a fleet of thousands). A later reader
   * renders again.
   */
  public releaseRenderedObjects(): void {
    this.rendering = undefined;
  }

  /**
   * The Kubernetes objects as cdk8s renders them: from the cdk8s objects once they exist, else written out
   * (identical, see `default-workload-objects.ts`).
   */
  public render(): Array<Record<string, any>> {
    const owner = this.owner;
    const identityHash = this.identityHash();
    if (this.cdk8sObjects) {
      // Set at rendering, when the association's inputs are final (a session policy may get statements later).
      this.cdk8sObjects.deployment.podMetadata.addAnnotation(IDENTITY_HASH_ANNOTATION, identityHash);
      return this.cdk8sObjects.chart.toJson();
    }
    const props = this.props;
    return defaultWorkloadObjects({
      chartId: this.chartId,
      namespace: owner.namespace,
      createNamespace: owner._createsNamespace,
      serviceAccountName: owner.serviceAccountName,
      serviceAccountAnnotations: owner.migratingFromIrsa ? { [IRSA_ANNOTATION]: owner.role.roleArn } : undefined,
      deploymentName: owner._deploymentName,
      podLabels: { [NAME_LABEL]: labelValue(owner._deploymentName) },
      podAnnotations: {
        [IDENTITY_HASH_ANNOTATION]: identityHash,
        ...(owner.migratingFromIrsa ? { [IRSA_MIGRATION_POD_ANNOTATION]: 'true' } : {}),
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
      podSecurityContext: RENDERED_POD_SECURITY_CONTEXT,
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
    const inputs = Stack.of(this.owner).resolve({
      role: this.owner.role.roleArn,
      roleReplacement: replacementKeyOf(this.owner.role),
      targetRole: settings?.targetRole?.roleArn ?? null,
      targetRoleReplacement: replacementKeyOf(settings?.targetRole),
      sessionTags: !(settings?.disableSessionTags ?? false),
      sessionPolicy: settings?.sessionPolicy?.toJSON() ?? null,
    });
    return crypto.createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16);
  }

  private build(): Cdk8sObjects {
    const { owner, props } = this;
    const deploymentName = owner._deploymentName;
    const chart = new cdk8s.Chart(new cdk8s.App(), this.chartId, { disableResourceNameHashes: true });
    const namespace = owner._createsNamespace
      ? new kplus.Namespace(chart, 'Namespace', { metadata: { name: owner.namespace } }) : undefined;
    const serviceAccount = new kplus.ServiceAccount(chart, 'ServiceAccount', {
      metadata: {
        name: owner.serviceAccountName,
        namespace: owner.namespace,
        // Only while migrating: pods keep using IRSA (for the same role) until step 2 removes it.
        annotations: owner.migratingFromIrsa ? { [IRSA_ANNOTATION]: owner.role.roleArn } : undefined,
      },
    });
    const deployment = new HardenedDeployment(chart, 'Deployment', {
      ...props.deploymentOptions,
      metadata: { ...props.deploymentOptions?.metadata, name: deploymentName, namespace: owner.namespace },
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
    if (owner.migratingFromIrsa) {
      // IRSA's environment is injected when a pod is created: marking the pods of the migration makes step 2 (this
      // annotation gone) roll them, so the new pods get Pod Identity's credentials instead.
      deployment.podMetadata.addAnnotation(IRSA_MIGRATION_POD_ANNOTATION, 'true');
    }
    cdk8s.ApiObject.of(deployment).addJsonPatch(
      cdk8s.JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', SECCOMP_PROFILE));
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

/** A label value (at most 63 characters, ending in a letter or digit) naming a Deployment of up to 253. */
function labelValue(name: string): string {
  // A Deployment name is a DNS subdomain: it never ends in '-' or '.', so a name of 63 or fewer is kept whole.
  return name.slice(0, 63).replace(/[-.]+$/, '');
}

function containerProps(props: ObjectsProps): kplus.ContainerProps {
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

/**
 * What the app checks read of a Kubernetes object: its kind, name and annotations, and for a Deployment the labels
 * and service account of its pods and the names of its containers' environment variables.
 */
function checkedPartsOf(object: Record<string, any>): Record<string, any> {
  const { kind, metadata } = object;
  const parts: Record<string, any> = { kind, metadata: { name: metadata?.name, annotations: metadata?.annotations } };
  if (kind !== 'Deployment') return parts;
  const pod = object.spec?.template?.spec ?? {};
  const envNamesOf = (container: any) => (container.env ?? []).map((variable: any) => ({ name: variable.name }));
  const containers = (pod.containers ?? []).map((container: any) => ({ env: envNamesOf(container) }));
  const podMetadata = { labels: object.spec?.template?.metadata?.labels };
  return { ...parts, spec: { template: { metadata: podMetadata, spec: { serviceAccountName: pod.serviceAccountName, containers } } } };
}
