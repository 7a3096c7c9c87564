// The report's public model: plain readonly structs (jsii), enum-like classes for kinds and severities.

/** How serious a finding is. `ERROR` outranks `WARNING`. */
export class FindingSeverity {
  /** Worth a reviewer's look; often intended (e.g. a trust policy that is not scoped to the association). */
  public static readonly WARNING = new FindingSeverity('warning', 1);
  /** Almost never intended: pods get far more than they need (e.g. every action of a service). */
  public static readonly ERROR = new FindingSeverity('error', 2);

  /** The severity named `name` (`warning` or `error`, as the CLI's `--fail-on` takes it). */
  public static of(name: string): FindingSeverity {
    const found = [FindingSeverity.WARNING, FindingSeverity.ERROR].find(severity => severity.name === name);
    if (!found) {
      throw new Error(`[cdk-eks-pod-identity:UnknownFindingSeverity] unknown finding severity: '${name}'. Fix: use 'warning' or 'error'.`);
    }
    return found;
  }

  private constructor(
    /** `warning` or `error`. */
    public readonly name: string,
    /** Higher is worse. */
    public readonly rank: number,
  ) {}

  /** Whether this severity is `other` or worse. */
  public atLeast(other: FindingSeverity): boolean {
    return this.rank >= other.rank;
  }
}

/** The ids of the report's findings (stable: tools and `--fail-on` users may match on them). */
export class FindingId {
  /** An Allow statement grants `*`, every action of a service (`s3:*`), or uses `NotAction`. Severity: error. */
  public static readonly WILDCARD_ACTION = 'WildcardAction';
  /** An Allow statement grants a write (non-read) action on resource `*`. Severity: warning. */
  public static readonly WILDCARD_RESOURCE_ON_WRITE = 'WildcardResourceOnWrite';
  /**
   * The role trusts pods.eks.amazonaws.com without a condition on the namespace or service account, so any
   * association in the account can hand it out. Severity: warning.
   */
  public static readonly UNSCOPED_TRUST = 'UnscopedTrust';
  /**
   * The role can also be assumed by principals other than pods.eks.amazonaws.com. Severity: warning, error when
   * the principal is `*`.
   */
  public static readonly TRUSTED_BEYOND_POD_IDENTITY = 'TrustedBeyondPodIdentity';
  /** The association's role does not trust pods.eks.amazonaws.com: EKS cannot hand it to pods. Severity: error. */
  public static readonly NOT_TRUSTED_BY_POD_IDENTITY = 'NotTrustedByPodIdentity';
  /** The association's role (or target role) is not defined in the cloud assembly: its permissions are unknown. Severity: warning. */
  public static readonly ROLE_NOT_IN_ASSEMBLY = 'RoleNotInAssembly';
  /** A customer managed policy attached by ARN is not defined in the cloud assembly: its permissions are unknown. Severity: warning. */
  public static readonly POLICY_NOT_IN_ASSEMBLY = 'PolicyNotInAssembly';

  private constructor() {}
}

/** Where a policy of a role comes from. */
export class PolicyKind {
  /** An inline policy of the role (`AWS::IAM::Role` `Policies`). */
  public static readonly INLINE = new PolicyKind('inline');
  /** An `AWS::IAM::Policy` or `AWS::IAM::RolePolicy` attached to the role. */
  public static readonly ATTACHED = new PolicyKind('attached');
  /** A customer managed policy (`AWS::IAM::ManagedPolicy`, or an ARN in the role's `ManagedPolicyArns`). */
  public static readonly CUSTOMER_MANAGED = new PolicyKind('customer-managed');
  /** An AWS managed policy, known by name only (its document is not in the assembly). */
  public static readonly AWS_MANAGED = new PolicyKind('aws-managed');

  private constructor(
    /** `inline`, `attached`, `customer-managed` or `aws-managed`. */
    public readonly name: string,
  ) {}
}

/** A policy document with where it comes from. */
export interface ReportPolicy {
  /** Where the policy comes from. */
  readonly kind: PolicyKind;
  /** The policy's name: inline policy name, logical id, managed policy name, or ARN. */
  readonly name: string;
  /**
   * The policy document, with CloudFormation intrinsics rendered as `${LogicalId}` / `${LogicalId.Attribute}`
   * placeholders.
   *
   * @default - unknown: an AWS managed policy, or a customer managed policy that is not in the assembly
   */
  readonly document?: any;
  /**
   * The ARN of a managed policy (rendered).
   *
   * @default - not a managed policy
   */
  readonly arn?: string;
}

/** A role as the report sees it. */
export interface ReportRole {
  /** The role's ARN, rendered (e.g. `${CartsRole0322FE02.Arn}`, or a literal ARN). */
  readonly arn: string;
  /** Whether the role is defined in the cloud assembly (only then are its policies known). */
  readonly inAssembly: boolean;
  /**
   * The stack (artifact id, `Parent/NestedStackLogicalId` for nested stacks) that defines the role.
   *
   * @default - not in the assembly
   */
  readonly stack?: string;
  /**
   * The role's logical id.
   *
   * @default - not in the assembly
   */
  readonly logicalId?: string;
  /**
   * The role's trust policy (`AssumeRolePolicyDocument`), rendered.
   *
   * @default - not in the assembly
   */
  readonly trustPolicy?: any;
  /** A one-line summary of who may assume the role. */
  readonly trustScope: string;
  /** The role's identity policies (inline, attached, customer and AWS managed), in a stable order. */
  readonly policies: ReportPolicy[];
  /**
   * The permissions boundary.
   *
   * @default - none
   */
  readonly permissionsBoundary?: ReportPolicy;
  /**
   * The Allow statements that take effect: those of the identity policies whose documents are in the assembly, minus
   * what an unconditional explicit Deny (of any policy of the role, or of its boundary) cancels, intersected with
   * the permissions boundary. AWS managed policies are known by name only and are not in this list. When the
   * boundary cannot be read (`effectivePermissionsUnknown`), the list is an upper bound: no boundary applied.
   */
  readonly effectivePermissions: ReportEffectiveStatement[];
  /**
   * Why the effective permissions cannot be computed (e.g. a permissions boundary that is not in the cloud assembly).
   *
   * @default - they are computed
   */
  readonly effectivePermissionsUnknown?: string;
}

/** An Allow statement as it takes effect, with where it comes from. */
export interface ReportEffectiveStatement {
  /** The policy and statement it comes from, e.g. `inline policy logs, statement 1`. */
  readonly from: string;
  /** The statement (`Effect`, `Action` or `NotAction`, `Resource` or `NotResource`, `Condition`), rendered. */
  readonly statement: any;
}

/** A finding about one association. */
export interface ReportFinding {
  /** Stable id, one of the {@link FindingId} constants. */
  readonly id: string;
  /** How serious it is. */
  readonly severity: FindingSeverity;
  /** What is wrong, naming the policy and statement. */
  readonly message: string;
  /**
   * Who acknowledged the finding, and why. An acknowledged finding is listed, but never counted for `--fail-on`
   * (`hasFindings`) nor in the summary's errors and warnings.
   *
   * @default - not acknowledged
   */
  readonly acknowledged?: AppliedAcknowledgement;
}

/** An acknowledgement that applies to a finding. */
export interface AppliedAcknowledgement {
  /** Why the finding is acceptable, as written by whoever acknowledged it. */
  readonly reason: string;
  /**
   * Where it was written: `metadata of <construct path or logical id>` (in code, or by a preset), or
   * `<file> acknowledgements[<index>]` (a file given to the report).
   */
  readonly source: string;
}

/**
 * A finding acknowledged in code, on a construct: `PodIdentityReport.acknowledge(role, [{ id, reason }])`.
 */
export interface FindingAcknowledgement {
  /** The finding id, one of the {@link FindingId} constants. */
  readonly id: string;
  /** Why the finding is acceptable here (at least 10 characters: a reviewer reads it in the report). */
  readonly reason: string;
}

/**
 * A finding acknowledged outside the app (for a cloud assembly this library did not make): the finding id, which
 * associations it applies to, and the reason. Every match field given must match (`*` matches any run of
 * characters); at least one is required.
 */
export interface ReportAcknowledgement extends FindingAcknowledgement {
  /**
   * The stack of the association (artifact id, or display name for stages).
   *
   * @default - any stack
   */
  readonly stack?: string;
  /**
   * The cluster of the association: its readable name (`clusterDisplayName`) or the rendered name.
   *
   * @default - any cluster
   */
  readonly cluster?: string;
  /**
   * The Kubernetes namespace of the association.
   *
   * @default - any namespace
   */
  readonly namespace?: string;
  /**
   * The Kubernetes service account of the association.
   *
   * @default - any service account
   */
  readonly serviceAccount?: string;
  /**
   * The role the finding is about (the association's role, or with role chaining its target role): its rendered
   * ARN, logical id or construct path. A finding about the target role is not selected by the association role.
   *
   * @default - any role
   */
  readonly role?: string;
  /**
   * A resource the finding is about: the logical id or construct path of the association, the role or the policy.
   *
   * @default - any resource
   */
  readonly resource?: string;
}

/** Options of `PodIdentityReport.fromCloudAssembly`. */
export interface PodIdentityReportOptions {
  /**
   * Acknowledgements besides those in the templates' metadata.
   *
   * @default - none
   */
  readonly acknowledgements?: ReportAcknowledgement[];
  /**
   * A JSON file of acknowledgements (as the CLI's `--acknowledgements`):
   * `{ "acknowledgements": [{ "id": "WildcardResourceOnWrite", "role": "*LoadBalancer*", "reason": "..." }] }`, each
   * entry with the fields of {@link ReportAcknowledgement}.
   *
   * @default - none
   */
  readonly acknowledgementsFile?: string;
}

/** One Pod Identity association: who (cluster, namespace, service account) gets which role and permissions. */
export interface PodIdentityReportEntry {
  /** The stack (artifact id, `Parent/NestedStackLogicalId` for nested stacks) that defines the association. */
  readonly stack: string;
  /** The logical id of the association (or of the add-on that carries it). */
  readonly logicalId: string;
  /** `AWS::EKS::PodIdentityAssociation` or `AWS::EKS::Addon` (an add-on's `PodIdentityAssociations`). */
  readonly resourceType: string;
  /** The cluster name, rendered (`${ClusterEB0386A7}` for a cluster of the same stack). */
  readonly cluster: string;
  /**
   * The cluster as a reader knows it: its literal name when it has one, else the construct path of a cluster of
   * the assembly (`PlatformStack/Cluster`), else `cluster`.
   */
  readonly clusterDisplayName: string;
  /** The Kubernetes namespace (for an add-on: the add-on's usual namespace, or `${Addon:<name>.Namespace}`). */
  readonly namespace: string;
  /** The Kubernetes service account. */
  readonly serviceAccount: string;
  /** The role EKS assumes for the pods. */
  readonly role: ReportRole;
  /**
   * The role EKS chains into after `role` (role chaining): pods get its credentials.
   *
   * @default - no role chaining
   */
  readonly targetRole?: ReportRole;
  /** The ARNs of the roles assumed, in order: `role`, then `targetRole` when there is one. */
  readonly roleChain: string[];
  /** Whether EKS adds session tags. */
  readonly sessionTagsEnabled: boolean;
  /**
   * The session tags EKS sends when it assumes the role for a pod (empty when session tags are off). Pod name and
   * uid differ per pod: `${PodName}` and `${PodUid}`.
   */
  readonly sessionTags: { [key: string]: string };
  /**
   * The association's session policy, rendered.
   *
   * @default - none
   */
  readonly sessionPolicy?: any;
  /**
   * Every placeholder used in this entry (`${Name}`, without the braces) with the CloudFormation value it stands
   * for, so a test can substitute values (e.g. a table ARN) before evaluating the policies.
   */
  readonly placeholders: { [name: string]: any };
  /** The findings, errors first. */
  readonly findings: ReportFinding[];
}
