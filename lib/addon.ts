import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, Dependable, IConstruct } from 'constructs';
import { PodIdentityAgentAddon, ResolveConflicts } from './agent-addon';
import { ensureChecks } from './checks';
import { renderedPropertiesOf } from './private/aws-cdk-internals';
import { clusterLabel, clusterNameOf } from './private/cluster';
import { AGENT_ADDON_NAME, KnownAddon, knownAddon } from './private/eks-facts';
import { formatProblem, namingConstruct, problem, quote } from './private/errors';
import { checkAddonVersion, checkNamespace, checkServiceAccountName } from './private/input';
import { RegisteredAssociation, Registry } from './private/registry';
import { permissionsOf } from './private/role-permissions';
import { PodIdentityRole } from './role';

/**
 * One service account of an EKS add-on and the IAM role its pods get through the add-on's Pod Identity association.
 * Give either a `role`, or the permissions of a role the add-on creates (`managedPolicies`, `statements`).
 */
export interface AddonServiceAccount {
  /** The add-on's Kubernetes service account, e.g. `ebs-csi-controller-sa`. */
  readonly serviceAccount: string;

  /**
   * The role for the service account. It must trust `pods.eks.amazonaws.com` (a `PodIdentityRole` does).
   *
   * @default - a new `PodIdentityRole` with `managedPolicies` and `statements`, trusting only this service account
   */
  readonly role?: iam.IRole;

  /**
   * Managed policies of the role the add-on creates (e.g. a `WellKnownPolicy`'s `managedPolicies`).
   *
   * @default - none
   */
  readonly managedPolicies?: iam.IManagedPolicy[];

  /**
   * Statements of the role the add-on creates, as one inline policy (e.g. a `WellKnownPolicy`'s `statements`).
   *
   * @default - none
   */
  readonly statements?: iam.PolicyStatement[];
}

/** Properties of a {@link PodIdentityAddon}. */
export interface PodIdentityAddonProps {
  /**
   * The cluster: an `aws_eks` or `aws_eks_v2` cluster, new or imported, or any other reference to a cluster (e.g.
   * `CfnCluster.fromClusterName`); only its name (and account, region) is used.
   */
  readonly cluster: eks.IClusterRef;

  /** The EKS add-on's name, e.g. `aws-ebs-csi-driver` (`aws eks describe-addon-versions` lists them). */
  readonly addonName: string;

  /**
   * The add-on's service accounts and their roles.
   *
   * @default - for the AWS add-ons whose service account and AWS managed policy the EKS documentation names
   * (`aws-ebs-csi-driver`, `aws-efs-csi-driver`, `vpc-cni`, `amazon-cloudwatch-observability`,
   * `aws-privateca-connector-for-kubernetes`), that service account with a new role holding those policies; for any
   * other add-on none (an add-on that needs no AWS permissions)
   */
  readonly serviceAccounts?: AddonServiceAccount[];

  /**
   * The Kubernetes namespace the add-on runs in, where EKS creates its associations. It does not move the add-on:
   * it must be the add-on's documented namespace, or the custom namespace given with the escape hatch
   * `addon.resource.namespaceConfig = { namespace }` (`AddonNamespaceMismatch` at synthesis otherwise).
   *
   * @default - the documented namespace of a known add-on (`kube-system`, `amazon-cloudwatch` for
   * amazon-cloudwatch-observability...); required for any other add-on with service accounts
   */
  readonly namespace?: string;

  /**
   * The add-on version, e.g. `v1.45.0-eksbuild.2`.
   *
   * @default - the default version EKS picks for the cluster's Kubernetes version
   */
  readonly addonVersion?: string;

  /**
   * Configuration values for the add-on, as the object that `aws eks describe-addon-configuration` documents.
   * Rendered as JSON.
   *
   * @default - the add-on's defaults
   */
  readonly configurationValues?: { [key: string]: any };

  /**
   * Keep the add-on's software (and its associations) on the cluster when the CloudFormation resource is deleted,
   * so that moving the add-on to another stack or `cdk destroy` does not take out the cluster's networking or
   * storage. The roles this construct created are deleted with the stack in any case.
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
}

/**
 * An EKS managed add-on installed with its Pod Identity associations (`PodIdentityAssociations` of the add-on) and a
 * role per service account: `new PodIdentityAddon(this, 'Ebs', { cluster, addonName: 'aws-ebs-csi-driver' })` is
 * all it takes for the AWS add-ons whose permissions the EKS documentation names. One per (cluster, add-on name).
 *
 * The add-on waits for the cluster's Pod Identity Agent and for its roles' policies. Its associations count, like
 * any other, for `DuplicateAssociation` and `TooManyAssociations`, and its roles trust only their service account.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/add-ons-iam.html
 */
export class PodIdentityAddon extends Construct {
  /** The cluster. */
  public readonly cluster: eks.IClusterRef;
  /** The add-on's name. */
  public readonly addonName: string;
  /** The add-on's ARN. */
  public readonly addonArn: string;
  /** The namespace of the add-on's service accounts (undefined when it has none and is not a known add-on). */
  public readonly namespace?: string;
  /** The names of the add-on's service accounts that get a role. */
  public readonly serviceAccounts: string[];
  /** The CloudFormation resource, for escape hatches. */
  public readonly resource: eks.CfnAddon;
  private readonly associations: AddonAssociation[];

  constructor(scope: Construct, id: string, props: PodIdentityAddonProps) {
    super(scope, id);
    try {
      const { cluster, addonName } = props;
      if (addonName === AGENT_ADDON_NAME) {
        throw problem('UseAgentAddon',
          `PodIdentityAddon was given addonName ${quote(addonName)}, the Pod Identity Agent itself`,
          'use PodIdentityAgentAddon.of(cluster) (or new PodIdentityAgentAddon(...)) for the agent');
      }
      const registry = Registry.of(this);
      const existing = registry.addonOf(cluster, addonName);
      if (existing) {
        throw problem('DuplicateAddon',
          `the ${addonName} add-on of cluster ${clusterLabel(cluster)} is already defined at ${existing.node.path}; EKS allows one add-on of a name per cluster`,
          'define it once and give that PodIdentityAddon every service account (serviceAccounts) and option');
      }
      checkAddonVersion('InvalidAddonVersion', addonName, props.addonVersion, 'v1.45.0-eksbuild.2');

      const known = knownAddon(addonName);
      const serviceAccounts: DefaultServiceAccount[] = props.serviceAccounts ?? defaultServiceAccounts(addonName, known);
      const namespace = props.namespace ?? known?.namespace;
      if (namespace === undefined && serviceAccounts.length > 0) {
        throw problem('AddonNamespaceRequired',
          `add-on ${quote(addonName)} has service accounts ${quote(serviceAccounts.map(sa => sa.serviceAccount))} but its namespace is not known to cdk-eks-pod-identity`,
          'set namespace to the namespace the add-on runs in (where EKS creates its Pod Identity associations)');
      }
      if (namespace !== undefined) checkNamespace(namespace);
      this.cluster = cluster;
      this.addonName = addonName;
      this.namespace = namespace;

      const names = serviceAccounts.map(account => account.serviceAccount);
      const repeated = names.find((name, index) => names.indexOf(name) !== index);
      if (repeated !== undefined) {
        throw problem('DuplicateAssociation',
          `service account ${quote(repeated)} is listed twice in the ${addonName} add-on at ${this.node.path}; EKS allows one role per service account`,
          'list it once, with one role holding every permission it needs');
      }
      this.associations = serviceAccounts.map(account => new AddonAssociation(this, account.serviceAccount, {
        ...account, cluster, addonName, namespace: namespace!,
      }));
      this.serviceAccounts = this.associations.map(association => association.serviceAccount);

      this.resource = new eks.CfnAddon(this, 'Resource', {
        addonName,
        clusterName: clusterNameOf(cluster),
        addonVersion: props.addonVersion,
        configurationValues: props.configurationValues === undefined ? undefined : Stack.of(this).toJsonString(props.configurationValues),
        preserveOnDelete: props.preserveOnDelete ?? true,
        resolveConflicts: (props.resolveConflicts ?? ResolveConflicts.OVERWRITE).value,
        podIdentityAssociations: this.associations.length === 0 ? undefined
          : this.associations.map(association => ({ serviceAccount: association.serviceAccount, roleArn: association.role.roleArn })),
      });
      this.addonArn = this.resource.attrArn;
      if (this.associations.length > 0) {
        // Credentials from the first pod: the agent runs, and the roles' policies exist.
        this.resource.node.addDependency(PodIdentityAgentAddon._ofFor(this, cluster));
        // The same rule as an association's: every policy attached to the role in its stack (a user role's iam.Policy
        // too), not only those under the role.
        for (const association of this.associations) this.resource.node.addDependency(permissionsOf(association.role));
      }
      // At synthesis: the add-on may be moved with the escape hatch (resource.namespaceConfig or a property override).
      this.node.addValidation({ validate: () => this.validateNamespace(known) });
      const resource = this.resource;
      Dependable.implement(this, { get dependencyRoots(): IConstruct[] { return [resource]; } });

      registry.addAddon(this);
      for (const association of this.associations) registry.addAssociation(association);
      ensureChecks(this);
    } catch (error) {
      throw namingConstruct(this.node.path, error);
    }
  }

  /**
   * The associations must be for the namespace the add-on's pods run in: its documented namespace, or the custom one
   * given with `resource.namespaceConfig` (EKS add-on custom namespaces).
   */
  private validateNamespace(known: KnownAddon | undefined): string[] {
    const custom = renderedPropertiesOf(this.resource).NamespaceConfig?.Namespace;
    const installed: string | undefined = typeof custom === 'string' ? custom : known?.namespace;
    const namespace = this.namespace;
    if (installed === undefined || namespace === undefined || Token.isUnresolved(installed) || Token.isUnresolved(namespace)) return [];
    if (installed === namespace || this.associations.length === 0) return [];
    const where = typeof custom === 'string' ? `in namespace ${quote(installed)} (resource.namespaceConfig)` : `in its documented namespace ${quote(installed)}`;
    return [formatProblem('AddonNamespaceMismatch',
      `add-on ${quote(this.addonName)} runs its service accounts ${quote(this.serviceAccounts)} ${where}, but namespace is ${quote(namespace)}: EKS would create the associations for a namespace the add-on's pods are not in, so they would get no credentials`,
      `set namespace to ${quote(installed)} (or omit it for a known add-on), or install the add-on in ${quote(namespace)} with addon.resource.namespaceConfig = { namespace: ${quote(namespace)} } (EKS custom add-on namespaces)`)];
  }

  /** The role of one of the add-on's service accounts. */
  public roleOf(serviceAccount: string): iam.IRole {
    const association = this.associations.find(a => a.serviceAccount === serviceAccount);
    if (!association) {
      throw problem('UnknownAddonServiceAccount',
        `add-on ${quote(this.addonName)} at ${this.node.path} has no service account ${quote(serviceAccount)}; it has ${quote(this.serviceAccounts)}`,
        'ask for one of those, or add the service account to serviceAccounts');
    }
    return association.role;
  }
}

function defaultServiceAccounts(addonName: string, known: KnownAddon | undefined): DefaultServiceAccount[] {
  if (!known) return [];
  if (known.noDefault) {
    throw problem('AddonPermissionsRequired',
      `add-on ${quote(addonName)} (service account ${known.namespace}/${known.serviceAccount}) calls AWS APIs but has no default permissions here: ${known.noDefault}`,
      `pass serviceAccounts: [{ serviceAccount: ${quote(known.serviceAccount)}, statements: [...] }] with the least privilege it needs (or a role)`);
  }
  return [{
    serviceAccount: known.serviceAccount,
    managedPolicies: known.managedPolicies.map(name => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
    documentedPolicies: known.managedPolicies,
  }];
}

/** A default service account: its AWS managed policies are the ones the EKS documentation names for the add-on. */
interface DefaultServiceAccount extends AddonServiceAccount {
  readonly documentedPolicies?: string[];
}

interface AddonAssociationProps extends DefaultServiceAccount {
  readonly cluster: eks.IClusterRef;
  readonly namespace: string;
  readonly addonName: string;
}

/**
 * One Pod Identity association that EKS creates with the add-on, recorded so that checks, limits and the roles'
 * scoped trust see it like any other association. Holds the role it creates.
 */
class AddonAssociation extends Construct implements RegisteredAssociation {
  public readonly cluster: eks.IClusterRef;
  public readonly namespace: string;
  public readonly serviceAccount: string;
  public readonly role: iam.IRole;
  public readonly disableSessionTags = false;
  public readonly ownerAddonName: string;

  constructor(scope: Construct, id: string, props: AddonAssociationProps) {
    super(scope, id);
    try {
      checkServiceAccountName(props.serviceAccount);
      if (props.role && (props.managedPolicies || props.statements)) {
        throw problem('ConflictingAddonServiceAccountOptions',
          `service account ${quote(props.serviceAccount)} of add-on ${quote(props.addonName)} has both a role and managedPolicies/statements for a role to create`,
          'give the permissions to your role where it is defined, or drop role and let the add-on create one');
      }
      this.cluster = props.cluster;
      this.namespace = props.namespace;
      this.serviceAccount = props.serviceAccount;
      this.ownerAddonName = props.addonName;
      const statements = props.statements ?? [];
      this.role = props.role ?? new PodIdentityRole(this, 'Role', {
        description: `EKS Pod Identity role of the ${props.addonName} add-on (${props.namespace}/${props.serviceAccount})`,
        managedPolicies: props.managedPolicies,
        inlinePolicies: statements.length === 0 ? undefined : { Permissions: new iam.PolicyDocument({ statements }) },
        scopeTrustToAssociations: true,
      });
      // cdk-nag (AwsSolutions-IAM4) asks for a reason for each AWS managed policy: the EKS documentation names it.
      const documented = Object.fromEntries((props.documentedPolicies ?? []).map(name => [
        `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`,
        `The EKS User Guide names the AWS managed ${name} as the permissions of the ${props.addonName} add-on; AWS keeps it in step with the add-on's API calls.`,
      ]));
      if (!props.role && Object.keys(documented).length > 0) {
        this.role.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, documented);
      }
    } catch (error) {
      throw namingConstruct(this.node.path, error);
    }
  }
}
