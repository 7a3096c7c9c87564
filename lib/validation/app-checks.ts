// Cross-construct checks: run once per app at synthesis (an aspect on the app root that acts on the root only),
// over the associations and workloads this library registered, and report with CDK annotations.
import { Aspects, CfnResource, IAspect, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { POD_IDENTITY_AGENT_ADDON_NAME } from '../agent-addon';
import { AnyCluster, clusterKey, FargateSelector, fargateSelectorsOf, isFargateCluster, kubernetesVersion } from '../cluster';
import { annotateError, annotateWarning, quote } from '../errors';
import { POD_IDENTITY_SERVICE_PRINCIPAL } from '../role';
import { validateStackLimits } from './stack-limits';

/** What the checks need to know of an association (kept structural to avoid an import cycle). */
export interface RegisteredAssociation extends IConstruct {
  readonly cluster: AnyCluster;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly role: iam.IRole;
  readonly disableSessionTags: boolean;
}

/** What the checks need to know of a workload. */
export interface RegisteredWorkload extends IConstruct {
  readonly association: RegisteredAssociation;
  readonly chart: IConstruct;
  readonly serviceAccountName: string;
  readonly deployment: kplus.Deployment;
  readonly kubernetesNamespace?: IConstruct;
  readonly migratingFromIrsa: boolean;
}

/** EKS allows this many Pod Identity associations per cluster. */
export const MAX_ASSOCIATIONS_PER_CLUSTER = 5000;
/** Pod Identity needs Kubernetes 1.24 or later. */
export const MIN_KUBERNETES_VERSION = '1.24';

// Earlier entries of the SDKs' default credential chain than container credentials: when set they win.
const CREDENTIAL_ENV_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN'];
const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';
/** Namespaces every cluster has. */
export const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const KUBERNETES_RESOURCE_TYPES = ['Custom::AWSCDK-EKS-KubernetesResource', 'Custom::AWSCDK-EKS-HelmChart'];

interface Registry {
  readonly associations: RegisteredAssociation[];
  readonly workloads: RegisteredWorkload[];
  /** Stacks that already validate their limits. */
  readonly stacks: Set<Stack>;
}

const REGISTRY = Symbol.for('cdk-eks-pod-identity.Registry');

function registryOf(scope: IConstruct): Registry {
  const root: any = scope.node.root;
  if (!root[REGISTRY]) {
    const registry: Registry = { associations: [], workloads: [], stacks: new Set() };
    Object.defineProperty(root, REGISTRY, { value: registry, enumerable: false });
    Aspects.of(root).add(new AppChecks(root, registry));
  }
  return root[REGISTRY];
}

/** Registers an association for the app-wide checks and its stack's limits. */
export function registerAssociation(association: RegisteredAssociation): void {
  registryOf(association).associations.push(association);
  checkLimitsOf(Stack.of(association));
}

/** Registers a workload for the app-wide checks and its stack's limits. */
export function registerWorkload(workload: RegisteredWorkload): void {
  registryOf(workload).workloads.push(workload);
  checkLimitsOf(Stack.of(workload));
}

function checkLimitsOf(stack: Stack) {
  const registry = registryOf(stack);
  if (registry.stacks.has(stack)) return;
  registry.stacks.add(stack);
  stack.node.addValidation({
    validate: () => validateStackLimits(stack,
      [...registry.workloads, ...registry.associations].filter(unit => Stack.of(unit) === stack)),
  });
}

class AppChecks implements IAspect {
  constructor(private readonly root: IConstruct, private readonly registry: Registry) {}

  public visit(node: IConstruct): void {
    if (node !== this.root) return;
    const { associations, workloads } = this.registry;
    const facts = new AppFacts(this.root, workloads);
    checkDuplicateAssociations(associations);
    checkOneAgentAddonPerCluster(facts);
    checkAssociationsPerCluster(associations);
    checkNamespacesCreatedOnce(workloads);
    for (const association of associations) {
      checkRegion(association);
      checkKubernetesVersion(association);
      checkFargate(association, facts);
      checkRoleTrust(association, facts);
      checkRoleAccount(association);
      checkNamespaceExists(association, facts);
    }
    for (const workload of workloads) {
      checkCredentialEnv(workload);
      checkIrsaAnnotation(workload, facts);
      checkDeploymentServiceAccount(workload);
    }
    const firstAssociationOf = new Map<AnyCluster, RegisteredAssociation>();
    for (const association of associations) {
      if (!firstAssociationOf.has(association.cluster)) firstAssociationOf.set(association.cluster, association);
    }
    for (const [cluster, association] of firstAssociationOf) checkLinuxCapacity(cluster, facts, association);
  }
}

/** Facts gathered with a single walk of the app (and of each workload's chart), shared by all checks. */
class AppFacts {
  public readonly nodegroups: eks.CfnNodegroup[] = [];
  public readonly autoScalingGroups: CfnResource[] = [];
  public readonly agentAddons: eks.CfnAddon[] = [];
  public readonly fargateSelectors: FargateSelector[] = [];
  /** Namespaces created by a manifest or chart whose cluster is not known here. */
  public readonly namespacesCreated = new Set<string>(BUILT_IN_NAMESPACES);
  /** `clusterKey|namespace` of the Namespace objects in workload charts. */
  public readonly namespacesCreatedOnCluster = new Set<string>();
  /** The Kubernetes objects of each workload's chart. */
  public readonly chartObjects = new Map<RegisteredWorkload, ApiObject[]>();
  private readonly trustByRole = new Map<iam.IRole, TrustStatement[] | undefined>();

  constructor(root: IConstruct, workloads: RegisteredWorkload[]) {
    for (const construct of root.node.findAll()) {
      if (construct instanceof eks.CfnNodegroup) this.nodegroups.push(construct);
      if (construct instanceof eks.CfnAddon && construct.addonName === POD_IDENTITY_AGENT_ADDON_NAME) this.agentAddons.push(construct);
      if (!CfnResource.isCfnResource(construct)) continue;
      if (construct.cfnResourceType === 'AWS::AutoScaling::AutoScalingGroup') this.autoScalingGroups.push(construct);
      if (KUBERNETES_RESOURCE_TYPES.includes(construct.cfnResourceType)) {
        for (const name of namespacesCreatedBy(construct)) this.namespacesCreated.add(name);
      }
      this.fargateSelectors.push(...fargateSelectorsOf(construct));
    }
    for (const workload of workloads) {
      const objects = workload.chart.node.findAll().filter(ApiObject.isApiObject);
      this.chartObjects.set(workload, objects);
      for (const object of objects.filter(o => o.kind === 'Namespace')) {
        this.namespacesCreatedOnCluster.add(`${clusterKey(workload.association.cluster)}|${object.name}`);
      }
    }
  }

  /** The resolved trust policy statements of a role defined in the app; undefined for an imported role. */
  public trustStatementsOf(role: iam.IRole): TrustStatement[] | undefined {
    if (!this.trustByRole.has(role)) {
      const document = (role as iam.Role).assumeRolePolicy;
      this.trustByRole.set(role, document && (Stack.of(role).resolve(document.toJSON())?.Statement ?? []));
    }
    return this.trustByRole.get(role);
  }
}

/** Calls `report(item, earlier)` for every item whose key an earlier item already had; undefined keys are skipped. */
function forEachRepeat<T>(items: T[], keyOf: (item: T) => string | undefined, report: (item: T, earlier: T) => void) {
  const first = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, item);
    else report(item, earlier);
  }
}

function clusterLabel(cluster: AnyCluster): string {
  return Token.isUnresolved(cluster.clusterName) ? cluster.node.path : quote(cluster.clusterName);
}

/** What is wrong and the fix, when `association` binds the same service account as `earlier`. */
export function duplicateAssociation(association: RegisteredAssociation, earlier: IConstruct): [string, string] {
  return [
    `service account ${association.namespace}/${association.serviceAccount} on cluster ${clusterLabel(association.cluster)} is associated twice, at ${earlier.node.path} and at ${association.node.path}; EKS allows one role per service account`,
    'keep one association (give its role all the permissions the pods need), or run the second workload under another service account',
  ];
}

function checkDuplicateAssociations(associations: RegisteredAssociation[]) {
  forEachRepeat(associations,
    a => Token.isUnresolved(a.namespace) || Token.isUnresolved(a.serviceAccount) ? undefined : `${clusterKey(a.cluster)}|${a.namespace}|${a.serviceAccount}`,
    (association, earlier) => annotateError(association, 'DuplicateAssociation', ...duplicateAssociation(association, earlier)));
}

function checkOneAgentAddonPerCluster(facts: AppFacts) {
  forEachRepeat(facts.agentAddons,
    addon => `${Stack.of(addon).account}/${Stack.of(addon).region}/${addon.clusterName}`,
    (addon, earlier) => annotateError(addon, 'DuplicateAgentAddon',
      `the ${POD_IDENTITY_AGENT_ADDON_NAME} add-on is defined twice for one cluster, at ${earlier.node.path} and at ${addon.node.path}; the second fails to deploy because the add-on exists`,
      'define it once: use PodIdentityAgentAddon.of(cluster) (or cluster.eksPodIdentityAgent, which it shares) instead of another Addon/CfnAddon'));
}

function checkAssociationsPerCluster(associations: RegisteredAssociation[]) {
  const byCluster = new Map<string, RegisteredAssociation[]>();
  for (const association of associations) {
    const key = clusterKey(association.cluster);
    byCluster.set(key, [...byCluster.get(key) ?? [], association]);
  }
  for (const group of byCluster.values()) {
    if (group.length > MAX_ASSOCIATIONS_PER_CLUSTER) {
      annotateError(group[MAX_ASSOCIATIONS_PER_CLUSTER], 'TooManyAssociations',
        `cluster ${clusterLabel(group[0].cluster)} has ${group.length} Pod Identity associations in this app; EKS allows ${MAX_ASSOCIATIONS_PER_CLUSTER} per cluster`,
        'share roles between service accounts of the same team, or spread the workloads over more clusters');
    }
  }
}

function checkRegion(association: RegisteredAssociation) {
  for (const region of new Set([Stack.of(association).region, Stack.of(association.cluster).region])) {
    if (Token.isUnresolved(region)) continue;
    if (region.startsWith('cn-') || region.startsWith('us-gov-')) {
      annotateError(association, 'UnsupportedRegion',
        `region ${quote(region)} does not offer EKS Pod Identity (not available in the China and AWS GovCloud (US) regions)`,
        'use IAM roles for service accounts (IRSA: cluster.addServiceAccount) in this region, or deploy to a commercial region');
    }
  }
}

function checkKubernetesVersion(association: RegisteredAssociation) {
  const version = kubernetesVersion(association.cluster);
  if (!version || Token.isUnresolved(version)) return;
  const [major, minor] = version.split('.').map(Number);
  const [minMajor, minMinor] = MIN_KUBERNETES_VERSION.split('.').map(Number);
  if (major < minMajor || (major === minMajor && minor < minMinor)) {
    annotateError(association, 'KubernetesVersionTooOld',
      `cluster ${clusterLabel(association.cluster)} runs Kubernetes ${version}; EKS Pod Identity needs ${MIN_KUBERNETES_VERSION} or later`,
      `upgrade the cluster's version to ${MIN_KUBERNETES_VERSION} or later (e.g. KubernetesVersion.V1_33)`);
  }
}

function checkFargate(association: RegisteredAssociation, facts: AppFacts) {
  const cluster = association.cluster;
  if (isFargateCluster(cluster)) {
    annotateError(association, 'FargateUnsupported',
      `cluster ${clusterLabel(cluster)} is a FargateCluster; EKS Pod Identity does not work on Fargate pods`,
      'run the workload on EC2 nodes (a Cluster with a managed node group), or use IRSA (cluster.addServiceAccount) on Fargate');
    return;
  }
  if (Token.isUnresolved(association.namespace)) return;
  for (const selector of facts.fargateSelectors) {
    if (selector.clusterName !== cluster.clusterName || selector.namespace !== association.namespace) continue;
    const labels = Object.entries(selector.labels ?? {});
    if (labels.length === 0) {
      annotateError(association, 'FargateUnsupported',
        `the Fargate profile ${selector.profile} of cluster ${clusterLabel(cluster)} selects every pod in namespace ${quote(association.namespace)}, and EKS Pod Identity does not work on Fargate pods`,
        'run the workload in a namespace no Fargate profile selects, narrow the profile with labels, or use IRSA for Fargate pods');
    } else {
      annotateWarning(association, 'FargateProfileSelectsNamespace',
        `the Fargate profile ${selector.profile} selects pods labelled ${quote(Object.fromEntries(labels))} in namespace ${quote(association.namespace)}; such pods get no Pod Identity credentials`,
        'make sure the workload\'s pods do not carry those labels');
    }
  }
}

interface TrustStatement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Principal?: any;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function checkRoleTrust(association: RegisteredAssociation, facts: AppFacts) {
  const statements = facts.trustStatementsOf(association.role);
  if (!statements) return;
  // IAM evaluates the union of the statements: the two actions may be allowed by different ones.
  const actions = statements
    .filter(statement => statement.Effect === 'Allow' && asList(statement.Principal?.Service).includes(POD_IDENTITY_SERVICE_PRINCIPAL))
    .flatMap(statement => asList(statement.Action));
  const allows = (action: string) => actions.some(a => a === action || a === 'sts:*' || a === '*');
  const trusts = allows('sts:AssumeRole') && allows('sts:TagSession');
  if (!trusts) {
    annotateError(association, 'RoleNotTrustedByPodIdentity',
      `role ${association.role.node.path} does not trust ${POD_IDENTITY_SERVICE_PRINCIPAL} for both sts:AssumeRole and sts:TagSession, so EKS cannot give its credentials to pods`,
      `use a PodIdentityRole, or add this statement to the role's trust policy: ${JSON.stringify({ Effect: 'Allow', Principal: { Service: POD_IDENTITY_SERVICE_PRINCIPAL }, Action: ['sts:AssumeRole', 'sts:TagSession'] })}`);
  }
  if (association.disableSessionTags) {
    const tagConditions = statements.flatMap(statement => Object.values(statement.Condition ?? {}).flatMap(Object.keys))
      .filter(key => key.startsWith('aws:RequestTag/') || key === 'aws:TagKeys');
    if (tagConditions.length > 0) {
      annotateError(association, 'SessionTagConditionsWithoutSessionTags',
        `role ${association.role.node.path} trusts pods only with session-tag conditions (${tagConditions.join(', ')}) but the association at ${association.node.path} sets disableSessionTags: true, so no tags are sent and the role can never be assumed`,
        'remove those trust conditions, or keep session tags on (disableSessionTags: false)');
    }
  }
}

function checkRoleAccount(association: RegisteredAssociation) {
  const roleAccount = association.role.env.account;
  const clusterAccount = association.cluster.env.account;
  if (Token.isUnresolved(roleAccount) || Token.isUnresolved(clusterAccount) || roleAccount === clusterAccount) return;
  annotateError(association, 'CrossAccountRole',
    `role ${association.role.node.path} is in account ${roleAccount} but cluster ${clusterLabel(association.cluster)} is in account ${clusterAccount}; EKS requires the association role in the cluster's account`,
    'associate a role in the cluster\'s account and pass the other account\'s role as targetRole (role chaining); the target role must trust the association role');
}

function checkNamespaceExists(association: RegisteredAssociation, facts: AppFacts) {
  const namespace = association.namespace;
  if (Token.isUnresolved(namespace) || facts.namespacesCreated.has(namespace)
    || facts.namespacesCreatedOnCluster.has(`${clusterKey(association.cluster)}|${namespace}`)) return;
  annotateWarning(association, 'NamespaceNotCreated',
    `namespace ${quote(namespace)} is neither created by this app nor a Kubernetes built-in; pods of the association cannot start until it exists`,
    'create it (a PodIdentityBoundWorkload with createNamespace: true, or cluster.addManifest), or, if it exists already, acknowledge with Annotations.of(scope).acknowledgeWarning(\'cdk-eks-pod-identity:NamespaceNotCreated\')');
}

function namespacesCreatedBy(resource: CfnResource): string[] {
  const properties = (resource as any)._cfnProperties ?? {};
  if (resource.cfnResourceType === 'Custom::AWSCDK-EKS-HelmChart') {
    const create = Stack.of(resource).resolve(properties.CreateNamespace);
    const namespace = properties.Namespace;
    return create && typeof namespace === 'string' ? [namespace] : [];
  }
  // A manifest without tokens inside resolves to plain JSON; one with tokens (a Fn::Join) is not read.
  const manifest = Stack.of(resource).resolve(properties.Manifest);
  if (typeof manifest !== 'string') return [];
  try {
    return (JSON.parse(manifest) as any[]).filter(o => o?.kind === 'Namespace').map(o => o.metadata?.name);
  } catch {
    return [];
  }
}

function checkNamespacesCreatedOnce(workloads: RegisteredWorkload[]) {
  forEachRepeat(workloads,
    w => !w.kubernetesNamespace || Token.isUnresolved(w.association.namespace) ? undefined : `${clusterKey(w.association.cluster)}|${w.association.namespace}`,
    (workload, earlier) => annotateError(workload, 'NamespaceCreatedTwice',
      `namespace ${quote(workload.association.namespace)} on cluster ${clusterLabel(workload.association.cluster)} is created by ${earlier.node.path} and again by ${workload.node.path}; the second creation fails the deployment, and deleting either workload would delete the namespace with the other's pods`,
      'set createNamespace: false on every workload of that namespace but one'));
}

function checkCredentialEnv(workload: RegisteredWorkload) {
  const names = workload.deployment.containers.flatMap(container => Object.keys(container.env.variables));
  const overriding = CREDENTIAL_ENV_VARS.filter(name => names.includes(name));
  if (overriding.length > 0) {
    annotateWarning(workload, 'CredentialEnvOverridesPodIdentity',
      `the Deployment sets ${overriding.join(', ')}, which the AWS SDKs read before Pod Identity's container credentials, so the pods would not use the role ${workload.association.role.node.path}`,
      `remove ${overriding.join(', ')} from the container environment`);
  }
}

function checkIrsaAnnotation(workload: RegisteredWorkload, facts: AppFacts) {
  if (workload.migratingFromIrsa) return;
  for (const object of facts.chartObjects.get(workload) ?? []) {
    if (object.kind !== 'ServiceAccount') continue;
    const roleArn = object.toJson()?.metadata?.annotations?.[IRSA_ANNOTATION];
    if (roleArn !== undefined) {
      annotateWarning(workload, 'IrsaAnnotationPresent',
        `ServiceAccount ${quote(object.name)} carries the IRSA annotation ${IRSA_ANNOTATION}=${quote(roleArn)} while a Pod Identity association exists; the SDKs prefer IRSA's web identity credentials`,
        'remove the annotation, or set migratingFromIrsa: true while moving the workload from IRSA to Pod Identity');
    }
  }
}

function checkDeploymentServiceAccount(workload: RegisteredWorkload) {
  const podServiceAccount = ApiObject.of(workload.deployment).toJson()?.spec?.template?.spec?.serviceAccountName;
  if (podServiceAccount !== workload.serviceAccountName) {
    annotateError(workload, 'ServiceAccountMismatch',
      `the Deployment's pods run as service account ${quote(podServiceAccount ?? 'default')} but the association binds ${quote(workload.serviceAccountName)}, so the pods get no credentials`,
      'leave the Deployment\'s service account to the workload (do not replace it), or associate the service account the pods use');
  }
}

function checkLinuxCapacity(cluster: AnyCluster, facts: AppFacts, association: RegisteredAssociation) {
  const nodegroups = facts.nodegroups.filter(ng => ng.clusterName === cluster.clusterName);
  const windows = nodegroups.filter(ng => typeof ng.amiType === 'string' && ng.amiType.startsWith('WINDOWS'));
  if (windows.length === 0 || windows.length < nodegroups.length) return;
  // Self-managed capacity (addAutoScalingGroupCapacity, the default capacity) lives under the cluster.
  if (facts.autoScalingGroups.some(asg => asg.node.scopes.includes(cluster))) return;
  annotateWarning(association, 'NoLinuxCapacity',
    `cluster ${clusterLabel(cluster)} has only Windows node groups (${windows.map(ng => ng.node.path).join(', ')}); EKS Pod Identity works on Linux EC2 nodes only`,
    'add a Linux managed node group (e.g. AMI type AL2023_x86_64_STANDARD) for the workloads that use Pod Identity');
}
