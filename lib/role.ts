import { CfnJson, Duration, PhysicalName, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { PodIdentityAssociation, PodIdentityAssociationOptions } from './association';
import { ensureAppChecks } from './checks';
import { WellKnownPolicy } from './policies/well-known-policy';
import {
  DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA, DEFAULT_TRUST_POLICY_LENGTH_QUOTA, IRSA_AUDIENCE, MAX_MANAGED_POLICIES_PER_ROLE_QUOTA,
  MAX_TRUST_POLICY_LENGTH_QUOTA, POD_IDENTITY_SERVICE_PRINCIPAL,
} from './private/eks-facts';
import { formatProblem, namingConstruct, withConstructPath } from './private/errors';
import { ImportedRole } from './private/imported-role';
import { checkManagedPoliciesPerRoleQuota, checkNamespace, checkRoleName, checkServiceAccountName, checkTrustPolicyLengthQuota } from './private/input';
import { Registry } from './private/registry';
import { checkTrustConditions, Conditions, mergeConditions, POD_IDENTITY_PRINCIPAL, scopedTrustStatement, StatementsAddedLaterPrincipal } from './private/trust';

/** An IAM role that pods can get through EKS Pod Identity associations. */
export interface IPodIdentityRole extends iam.IRole {
  /**
   * Associates this role with a service account on a cluster: pods using it get the role's credentials.
   * Call it once per (cluster, namespace, service account); one role can serve many.
   */
  associate(cluster: eks.IClusterRef, options: PodIdentityAssociationOptions): PodIdentityAssociation;
}

/**
 * A Kubernetes service account that gets a role through IAM roles for service accounts (IRSA) today, while it moves
 * to Pod Identity.
 */
export interface IrsaServiceAccount {
  /** The cluster's IAM OIDC provider, the one IRSA uses (`cluster.openIdConnectProvider`). */
  readonly openIdConnectProvider: iam.IOpenIdConnectProvider;
  /** The service account's namespace. */
  readonly namespace: string;
  /** The service account. */
  readonly serviceAccount: string;
}

/** The IAM role settings shared by a {@link PodIdentityRole} and a `PodIdentityTargetRole`. */
export interface PodIdentityRoleBaseProps {
  /**
   * A name for the role.
   *
   * @default - a name generated at synthesis when another account's stack refers to the role (so that account
   * knows its ARN without a cross-account reference), otherwise one CloudFormation generates (recommended: names
   * block replacement)
   */
  readonly roleName?: string;

  /**
   * A description of the role.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * Managed policies to attach.
   *
   * @default - none; prefer `grant*` methods or `inlinePolicies` for least privilege
   */
  readonly managedPolicies?: iam.IManagedPolicy[];

  /**
   * Inline policies, by name.
   *
   * @default - none
   */
  readonly inlinePolicies?: { [name: string]: iam.PolicyDocument };

  /**
   * A permissions boundary.
   *
   * @default - none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * The longest session the role allows. Pod Identity credentials are refreshed by the agent (EKS caches
   * target-role credentials for 59 minutes), so the default is enough for almost every workload.
   *
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;

  /**
   * The role's path.
   *
   * @default '/'
   */
  readonly path?: string;

  /**
   * The "Managed policies per role" quota of the account (IAM). Synthesis fails when more managed policies are
   * attached to the role (`managedPolicies`, `addManagedPolicy()`, managed policies naming it in `roles`). Raise it
   * only after raising the quota in Service Quotas (at most 20).
   *
   * @default 10
   */
  readonly managedPoliciesPerRoleQuota?: number;
}

/** Properties of a {@link PodIdentityRole}. */
export interface PodIdentityRoleProps extends PodIdentityRoleBaseProps {

  /**
   * Trust only the service accounts this role is associated with in the app (through `associate()` or a
   * `PodIdentityAssociation`): one trust statement per association, matching the session tags EKS sends
   * (`aws:RequestTag/eks-cluster-arn`, `kubernetes-namespace`, `kubernetes-service-account`), so exactly the
   * associated (cluster, namespace, service account) triples may assume the role, never a mix of two associations'
   * values, and a cluster of the same name in another region or account may not. Another association made for the
   * role elsewhere (console, CLI, another app) then gets no credentials. Needs session tags: associations of a
   * scoped role must not set `disableSessionTags`. Each association adds about 300 characters to the trust policy,
   * whose IAM quota is 2,048 characters by default (see `trustPolicyLengthQuota`).
   *
   * @default false - any Pod Identity association in the account may use the role (who may create one is
   * controlled by `iam:PassRole`)
   * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
   */
  readonly scopeTrustToAssociations?: boolean;

  /**
   * Permissions of well-known cluster software (external-dns, the AWS Load Balancer Controller, CSI drivers...),
   * scoped to what you pass them. Same as calling `addWellKnownPolicy()` for each.
   *
   * @default - none
   */
  readonly wellKnownPolicies?: WellKnownPolicy[];

  /**
   * Service accounts that still get this role through IRSA while they move to Pod Identity: the role also trusts
   * the cluster's OIDC provider for `sts:AssumeRoleWithWebIdentity`, for exactly these service accounts (the token's
   * `sub`) and the STS audience (`aud`). Remove them once the pods run on Pod Identity (see docs/irsa-migration.md,
   * "Moving off IRSA"). Same as calling `addIrsaServiceAccount()` for each.
   *
   * @default - no IRSA trust: Pod Identity only
   */
  readonly irsaServiceAccounts?: IrsaServiceAccount[];

  /**
   * More conditions on every `pods.eks.amazonaws.com` trust statement (ANDed with the scoping conditions), e.g.
   * `{ StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'prod' } }`. Only use condition keys EKS Pod
   * Identity is documented to send: a key it does not send denies every pod (an `aws:SourceArn` condition is known
   * to break credentials).
   *
   * @default - no extra conditions
   */
  readonly trustConditions?: { [operator: string]: any };

  /**
   * Trust `pods.eks.amazonaws.com` only on behalf of the role's own AWS Organization:
   * `StringEquals { aws:SourceOrgId: ${aws:ResourceOrgId} }`, which EKS sends when it assumes a role for a pod (EKS
   * best practices guide, "Working with IAM roles for EKS Pod Identities"). Protects against the cross-service
   * confused deputy. Only for accounts in an AWS Organization: outside one the condition never matches.
   *
   * @default false
   * @see https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html
   */
  readonly scopeTrustToOrganization?: boolean;

  /**
   * The role trust policy length quota of the account (IAM's "Role trust policy length", counted without
   * whitespace). Synthesis fails when the generated trust policy is estimated to exceed it. Raise it only after
   * raising the quota in Service Quotas (at most 8,192).
   *
   * @default 2048
   */
  readonly trustPolicyLengthQuota?: number;
}

/**
 * An IAM role for EKS Pod Identity: trusted by `pods.eks.amazonaws.com` for `sts:AssumeRole` and
 * `sts:TagSession`, usable wherever an `iam.IRole` or `iam.IGrantable` is, and associated with service accounts
 * through `associate()`.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
 */
export class PodIdentityRole extends iam.Role implements IPodIdentityRole {
  /** The service principal EKS Pod Identity uses to assume roles: `pods.eks.amazonaws.com`. */
  public static readonly SERVICE_PRINCIPAL = POD_IDENTITY_SERVICE_PRINCIPAL;
  /** The IAM quota of the role trust policy length that IAM applies by default (characters without whitespace). */
  public static readonly DEFAULT_TRUST_POLICY_LENGTH_QUOTA = DEFAULT_TRUST_POLICY_LENGTH_QUOTA;
  /** The highest role trust policy length quota IAM grants on request (characters without whitespace). */
  public static readonly MAX_TRUST_POLICY_LENGTH_QUOTA = MAX_TRUST_POLICY_LENGTH_QUOTA;
  /** The IAM quota of managed policies per role that IAM applies by default. */
  public static readonly DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA = DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA;
  /** The highest managed-policies-per-role quota IAM grants on request. */
  public static readonly MAX_MANAGED_POLICIES_PER_ROLE_QUOTA = MAX_MANAGED_POLICIES_PER_ROLE_QUOTA;

  /**
   * Imports a role made elsewhere (it must already trust `pods.eks.amazonaws.com`) so it can be associated.
   */
  public static fromPodIdentityRoleArn(scope: Construct, id: string, roleArn: string, options: iam.FromRoleArnOptions = {}): IPodIdentityRole {
    return new ImportedPodIdentityRole(scope, id, roleArn, options);
  }

  /** Whether the trust policy only admits the service accounts of the role's associations. */
  public readonly scopeTrustToAssociations: boolean;
  /** The trust policy length quota the role's trust policy is checked against. */
  public readonly trustPolicyLengthQuota: number;
  /** The managed-policies-per-role quota the role's managed policies are checked against. */
  public readonly managedPoliciesPerRoleQuota: number;
  private irsaTrustCount = 0;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps = {}) {
    const {
      scopeTrustToAssociations, trustConditions, scopeTrustToOrganization, trustPolicyLengthQuota, wellKnownPolicies, irsaServiceAccounts,
      managedPoliciesPerRoleQuota, ...roleProps
    } = props;
    const owner = `${scope.node.path}/${id}`;
    const hardening: Conditions | undefined = withConstructPath(owner, () => {
      checkRoleName(props.roleName);
      checkTrustPolicyLengthQuota(props.trustPolicyLengthQuota);
      checkManagedPoliciesPerRoleQuota(props.managedPoliciesPerRoleQuota);
      checkTrustConditions(owner, trustConditions);
      return trustConditions || scopeTrustToOrganization
        ? mergeConditions(owner, trustConditions, scopeTrustToOrganization ? { StringEquals: { 'aws:SourceOrgId': '${aws:ResourceOrgId}' } } : undefined)
        : undefined;
    });
    super(scope, id, {
      ...roleProps,
      // A name is generated only when another account's stack refers to the role (a target role's trust), so the
      // ARN is known there without a cross-account reference; otherwise CloudFormation names it as before.
      roleName: props.roleName ?? PhysicalName.GENERATE_IF_NEEDED,
      assumedBy: scopeTrustToAssociations
        ? new StatementsAddedLaterPrincipal(POD_IDENTITY_PRINCIPAL)
        : new iam.SessionTagsPrincipal(hardening ? new iam.PrincipalWithConditions(POD_IDENTITY_PRINCIPAL, hardening) : POD_IDENTITY_PRINCIPAL),
    });
    try {
      this.scopeTrustToAssociations = scopeTrustToAssociations ?? false;
      this.trustPolicyLengthQuota = trustPolicyLengthQuota ?? DEFAULT_TRUST_POLICY_LENGTH_QUOTA;
      this.managedPoliciesPerRoleQuota = managedPoliciesPerRoleQuota ?? DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA;
      Registry.of(this).addLibraryRole(this);
      ensureAppChecks(this);
      for (const policy of wellKnownPolicies ?? []) this.addWellKnownPolicy(policy);
      for (const account of irsaServiceAccounts ?? []) this.addIrsaServiceAccount(account);
      if (this.scopeTrustToAssociations) this.trustAssociations(hardening);
    } catch (error) {
      throw namingConstruct(this.node.path, error);
    }
  }

  /**
   * Trusts the service account of each association of this role, as each is made (in this app, from any stack).
   * A method of its own: the closures it makes keep only the role and its hardening conditions, not everything the
   * constructor held (memory: a fleet of thousands).
   */
  private trustAssociations(hardening: Conditions | undefined): void {
    const registry = Registry.of(this);
    registry.addScopedRole(this);
    registry.observeAssociations(this, association => {
      if (association.role === this) this.assumeRolePolicy!.addStatements(scopedTrustStatement(this.node.path, association, hardening));
    });
    this.node.addValidation({
      validate: () => Registry.of(this).associationsOf(this).length > 0 ? [] : [formatProblem('ScopedRoleWithoutAssociations',
        `role ${this.node.path} trusts only the service accounts it is associated with, and it has no association in this app, so no pod could ever assume it`,
        'associate it (role.associate(cluster, { namespace, serviceAccount })), or set scopeTrustToAssociations: false')],
    });
  }

  /**
   * The associations of this role in the app, made with `associate()` or as a `PodIdentityAssociation` (those an
   * EKS add-on owns, made by `PodIdentityAddon`, are not among them).
   */
  public get associations(): PodIdentityAssociation[] {
    return Registry.of(this).associationsOf(this).filter((a): a is PodIdentityAssociation => a instanceof PodIdentityAssociation);
  }

  public associate(cluster: eks.IClusterRef, options: PodIdentityAssociationOptions): PodIdentityAssociation {
    return associateRole(this, cluster, options);
  }

  /** Gives this role the permissions of a piece of cluster software (see `WellKnownPolicy`). */
  public addWellKnownPolicy(policy: WellKnownPolicy): void {
    policy._attachTo(this);
  }

  /**
   * Also trusts IRSA for one service account while it moves to Pod Identity: `sts:AssumeRoleWithWebIdentity` by the
   * cluster's OIDC provider, only for tokens of `system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT` with audience
   * `sts.amazonaws.com`. Remove the call once the move is done.
   */
  public addIrsaServiceAccount(account: IrsaServiceAccount): void {
    checkNamespace(account.namespace);
    checkServiceAccountName(account.serviceAccount);
    const issuer = account.openIdConnectProvider.openIdConnectProviderIssuer;
    const values = {
      [`${issuer}:aud`]: IRSA_AUDIENCE,
      [`${issuer}:sub`]: `system:serviceaccount:${account.namespace}:${account.serviceAccount}`,
    };
    // Condition keys cannot be CloudFormation expressions: a new cluster's issuer (a token) goes through CfnJson,
    // as aws-cdk-lib's own IRSA service accounts do. A literal issuer (an imported provider) stays plain JSON.
    const conditions = Token.isUnresolved(issuer)
      ? new CfnJson(this, `IrsaTrustConditions${this.irsaTrustCount}`, { value: values })
      : values;
    this.irsaTrustCount++;
    Registry.of(this).addIrsaTrust(this, account);
    this.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principals: [new iam.OpenIdConnectPrincipal(account.openIdConnectProvider)],
      conditions: { StringEquals: conditions },
    }));
  }
}

/** A role made elsewhere, imported by ARN, that can be associated. Permissions go to aws-cdk-lib's role import. */
class ImportedPodIdentityRole extends ImportedRole implements IPodIdentityRole {
  public associate(cluster: eks.IClusterRef, options: PodIdentityAssociationOptions): PodIdentityAssociation {
    return associateRole(this, cluster, options);
  }
}

/**
 * Creates the association as a child of the role. The construct id only has to be unique: the association's
 * CloudFormation logical id comes from its (cluster, namespace, service account) key, not from call order.
 */
function associateRole(role: iam.IRole, cluster: eks.IClusterRef, options: PodIdentityAssociationOptions): PodIdentityAssociation {
  const id = `Association${(role as IConstruct).node.children.filter(c => c instanceof PodIdentityAssociation).length}`;
  return new PodIdentityAssociation(role, id, { ...options, cluster, role });
}
