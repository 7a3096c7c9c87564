import * as crypto from 'crypto';
import { IResource, Lazy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PodIdentityAgentAddon } from './agent-addon';
import { checkNewAssociation, checkRoleChaining, ensureChecks } from './checks';
import { clusterNameOf } from './private/cluster';
import { ensureDeployOrder } from './private/deploy-order';
import { duplicateAssociationProblem } from './private/duplicate-association';
import { MAX_SESSION_POLICY_LENGTH, MAX_TAGS } from './private/eks-facts';
import { annotateError, formatProblem, namingConstruct, problem, quote } from './private/errors';
import { checkNamespace, checkServiceAccountName, checkTags, tagProblems } from './private/input';
import { estimatedPolicyLength } from './private/policy-length';
import { Registry } from './private/registry';
import { permissionsOf } from './private/role-permissions';
import { topLevelStackOf } from './private/stack-graph';
import { externalIdOf } from './private/trust';

/**
 * How an association hands out credentials, beyond which role: role chaining, session tags, session policy, tags.
 */
export interface PodIdentityAssociationSettings {
  /**
   * A role to chain into after the association's role: EKS assumes the association role, then this one, and
   * gives the pod the target role's credentials. Used for cross-account access; the target role must trust the
   * association role: `sts:AssumeRole` and `sts:TagSession` with session tags, `sts:AssumeRole` with the
   * association's `externalId` as `sts:ExternalId` without. A `PodIdentityTargetRole` generates exactly that.
   *
   * @default - no role chaining: pods get the association role's credentials
   * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-assign-target-role.html
   */
  readonly targetRole?: iam.IRole;

  /**
   * Turn off the session tags EKS adds (eks-cluster-arn, eks-cluster-name, kubernetes-namespace,
   * kubernetes-service-account, kubernetes-pod-name, kubernetes-pod-uid). Required for a session policy.
   *
   * @default false - session tags are added
   * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html
   */
  readonly disableSessionTags?: boolean;

  /**
   * A session policy that further limits the credentials pods get (they get the intersection of the role's
   * policies and this one). EKS requires `disableSessionTags: true` with it.
   *
   * @default - no session policy
   */
  readonly sessionPolicy?: iam.PolicyDocument;

  /**
   * Tags on the association resource.
   *
   * @default - none besides those applied with `Tags.of(...)`
   */
  readonly tags?: { [key: string]: string };
}

/** What an association binds: one Kubernetes service account in one namespace. */
export interface PodIdentityAssociationOptions extends PodIdentityAssociationSettings {
  /** The Kubernetes namespace of the service account. */
  readonly namespace: string;
  /** The Kubernetes service account whose pods get the role's credentials. */
  readonly serviceAccount: string;
}

/** Properties of a {@link PodIdentityAssociation}. */
export interface PodIdentityAssociationProps extends PodIdentityAssociationOptions {
  /**
   * The cluster: an `aws_eks` or `aws_eks_v2` cluster, new or imported, or any other reference to a cluster (e.g.
   * `CfnCluster.fromClusterName`). Only its name (and account, region) is used.
   */
  readonly cluster: eks.IClusterRef;
  /** The IAM role pods get credentials for. It must trust `pods.eks.amazonaws.com` (a `PodIdentityRole` does). */
  readonly role: iam.IRole;
}

/** A Pod Identity association: one service account of one cluster bound to a role. */
export interface IPodIdentityAssociation extends IResource {
  /** The association's ARN. */
  readonly associationArn: string;
  /** The association's ID, e.g. `a-1a2b3c4d5e6f7g8h9`. */
  readonly associationId: string;
  /** The cluster. */
  readonly cluster: eks.IClusterRef;
  /** The Kubernetes namespace. */
  readonly namespace: string;
  /** The Kubernetes service account. */
  readonly serviceAccount: string;
  /** The role pods get credentials for (or chain from, with a target role). */
  readonly role: iam.IRole;
}

/**
 * An EKS Pod Identity association: pods using `serviceAccount` in `namespace` on `cluster` get credentials for
 * `role`. Depends on the cluster's Pod Identity Agent add-on (created if missing) and on the role with its
 * policies, so credentials work from the first pod.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-association.html
 */
export class PodIdentityAssociation extends Resource implements IPodIdentityAssociation {
  private static logicalIdFor(stack: Stack, props: PodIdentityAssociationProps): string {
    // A cluster name that is a token of another stack resolves to an import of a logical id, which is only unique
    // within that stack: name the stack too. (Same-stack and literal names keep the plain key.)
    const clusterStack = Stack.of(props.cluster);
    const clusterName = clusterNameOf(props.cluster);
    // Literals are their own resolution: only tokens are resolved (a fleet makes thousands of associations).
    const resolved = (value: string) => Token.isUnresolved(value) ? stack.resolve(value) : value;
    const cluster = Token.isUnresolved(clusterName) && clusterStack !== stack
      ? { stack: clusterStack.artifactId, name: clusterStack.resolve(clusterName) }
      : resolved(clusterName);
    const key = JSON.stringify([cluster, resolved(props.namespace), resolved(props.serviceAccount)]);
    return 'PodIdentityAssociation' + crypto.createHash('sha256').update(key).digest('hex').slice(0, 16).toUpperCase();
  }

  /** The association's ARN. */
  public get associationArn(): string {
    // Getters, like externalId: a token made only when read (a fleet has thousands of associations).
    return this.resource.attrAssociationArn;
  }

  /** The association's ID, e.g. `a-1a2b3c4d5e6f7g8h9`. */
  public get associationId(): string {
    return this.resource.attrAssociationId;
  }

  /** The cluster. */
  public readonly cluster: eks.IClusterRef;
  /** The Kubernetes namespace. */
  public readonly namespace: string;
  /** The Kubernetes service account. */
  public readonly serviceAccount: string;
  /** The role pods get credentials for (or chain from, with a target role). */
  public readonly role: iam.IRole;
  /** The role pods finally get credentials for when role chaining is used. */
  public readonly targetRole?: iam.IRole;
  /**
   * What EKS sends as `sts:ExternalId` when it assumes the target role for this association:
   * `region/account/cluster-name/namespace/service-account` of the cluster (the documented format). Built from
   * the cluster and the names, not read from the association resource, so a target role's trust can use it without
   * depending on the association (a literal when they are literals). The value EKS reports is
   * `resource.attrExternalId`.
   *
   * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-assign-target-role.html
   */
  public get externalId(): string {
    return externalIdOf(this);
  }

  /** Whether session tags are turned off. */
  public readonly disableSessionTags: boolean;
  /** The CloudFormation resource, for escape hatches. */
  public readonly resource: eks.CfnPodIdentityAssociation;
  private readonly ownTags: { [key: string]: string };

  constructor(scope: Construct, id: string, props: PodIdentityAssociationProps) {
    super(scope, id);
    try {
      checkNamespace(props.namespace);
      checkServiceAccountName(props.serviceAccount);
      checkTags(props.tags);
      if (props.sessionPolicy && props.disableSessionTags !== true) {
        throw problem('SessionPolicyRequiresDisabledSessionTags',
          `the association for ${props.namespace}/${props.serviceAccount} has a session policy but disableSessionTags is ${quote(props.disableSessionTags ?? false)}; EKS rejects a session policy while session tags are on`,
          'set disableSessionTags: true next to sessionPolicy (or drop the session policy)');
      }
      this.cluster = props.cluster;
      this.namespace = props.namespace;
      this.serviceAccount = props.serviceAccount;
      this.role = props.role;
      this.targetRole = props.targetRole;
      this.disableSessionTags = props.disableSessionTags ?? false;

      const stack = Stack.of(this);
      const sessionPolicy = props.sessionPolicy;
      this.resource = new eks.CfnPodIdentityAssociation(this, 'Resource', {
        clusterName: clusterNameOf(props.cluster),
        namespace: props.namespace,
        serviceAccount: props.serviceAccount,
        roleArn: props.role.roleArn,
        targetRoleArn: props.targetRole?.roleArn,
        disableSessionTags: props.disableSessionTags,
        policy: sessionPolicy && Lazy.string({ produce: () => stack.toJsonString(sessionPolicy) }),
        tags: props.tags && Object.entries(props.tags).map(([key, value]) => ({ key, value })),
      });
      // The (cluster, namespace, service account) triple is unique in EKS. Naming the resource after it rather than
      // after the construct path means renaming or moving the construct keeps the same resource instead of asking
      // CloudFormation to create a second association for the same triple (which EKS rejects) before deleting the old.
      const logicalId = PodIdentityAssociation.logicalIdFor(stack, props);
      const registry = Registry.of(this);
      const sameKey = registry.associationsByLogicalId(stack).get(logicalId);
      if (sameKey) throw problem('DuplicateAssociation', ...duplicateAssociationProblem(this, sameKey));
      registry.associationsByLogicalId(stack).set(logicalId, this);
      this.resource.overrideLogicalId(logicalId);

      checkNewAssociation(this);

      this.ownTags = props.tags ?? {};

      // The agent add-on first. In another stack, the deploy-order aspect makes this stack wait for it (unless that
      // would close a cycle of stacks: then AgentAddonOrderCycle).
      const agent = PodIdentityAgentAddon._ofFor(this, props.cluster);
      if (topLevelStackOf(agent) === topLevelStackOf(this)) this.node.addDependency(agent);
      if (props.targetRole) this.chainInto(props.role, props.targetRole);
      // Pods must not start before their permissions exist: depend on the policies attached to the role in its stack
      // (not the role resource itself, which the GetAtt already orders; found at synthesis so grants made later count).
      this.node.addDependency(permissionsOf(props.role));

      this.node.addValidation({ validate: () => this.validateLimits(sessionPolicy) });
      registry.addAssociation(this);
      ensureDeployOrder(this);
      ensureChecks(this);
    } catch (error) {
      throw namingConstruct(this.node.path, error);
    }
  }

  /**
   * Role chaining: the association role must be allowed to assume the target role (and the credentials wait for the
   * target role's policies); the role-chaining checks then look at the two roles (`checkRoleChaining`).
   */
  private chainInto(role: iam.IRole, targetRole: iam.IRole): void {
    // sts:TagSession only when there are tags to pass on (least privilege).
    const actions = this.disableSessionTags ? ['sts:AssumeRole'] : ['sts:AssumeRole', 'sts:TagSession'];
    const granted = role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [targetRole.roleArn] })).statementAdded;
    this.node.addDependency(permissionsOf(targetRole));
    checkRoleChaining({ association: this, role, targetRole, actions, granted });
  }

  /** Whether a session policy has an Allow statement (an Effect that is a token counts as one). */
  private sessionPolicyAllowsSomething(sessionPolicy: iam.PolicyDocument): boolean {
    if (sessionPolicy.isEmpty) return false;
    const statements = [Stack.of(this).resolve(sessionPolicy.toJSON())?.Statement ?? []].flat();
    return statements.some((statement: any) => statement?.Effect !== 'Deny');
  }

  /** Limits that can only be measured at synthesis: the session policy size, and tags added by `Tags.of()`. */
  private validateLimits(sessionPolicy: iam.PolicyDocument | undefined): string[] {
    const errors: string[] = [];
    const stack = Stack.of(this);
    // An empty document renders as nothing (toJSON() is undefined): measured, it would be a raw TypeError.
    if (sessionPolicy && !this.sessionPolicyAllowsSomething(sessionPolicy)) {
      annotateError(this, 'SessionPolicyAllowsNothing',
        `the session policy of the association for ${this.namespace}/${this.serviceAccount} ${sessionPolicy.isEmpty ? 'is empty' : 'has no Allow statement'}; pods get the intersection of the role's policies and the session policy, so their credentials would allow nothing (an empty policy is meaningless)`,
        'add the Allow statements the pods may use (the session policy only narrows the role\'s own policies), or drop sessionPolicy');
    } else if (sessionPolicy) {
      const length = estimatedPolicyLength(stack.resolve(sessionPolicy.toJSON()), stack.region);
      if (length > MAX_SESSION_POLICY_LENGTH) {
        errors.push(formatProblem('SessionPolicyTooLarge',
          `the session policy of the association for ${this.namespace}/${this.serviceAccount} has about ${length} characters; STS accepts at most ${MAX_SESSION_POLICY_LENGTH} characters of session policy plain text (and a packed size that cannot be measured offline)`,
          'shorten it (fewer statements, wildcards in resource names, no Sid), or drop it and narrow the role\'s own policies instead'));
      }
    }
    const rendered = this.resource.cdkTagManager.renderTags();
    const tags: Array<{ key: string; value: string }> = (rendered === undefined ? undefined : stack.resolve(rendered)) ?? [];
    if (tags.length > MAX_TAGS) {
      const own = Object.keys(this.ownTags).length;
      errors.push(formatProblem('TooManyTags',
        `the association for ${this.namespace}/${this.serviceAccount} would carry ${tags.length} tags (${own} of its own, ${tags.length - own} inherited from Tags.of() on its scopes, e.g. the stack); EKS allows at most ${MAX_TAGS}`,
        'drop tags, or exclude this resource type from the inherited ones: Tags.of(stack).add(key, value, { excludeResourceTypes: [\'AWS::EKS::PodIdentityAssociation\'] })'));
    }
    // Every rendered tag: Tags.of() on a scope may add tags or override the association's own (it wins), and own
    // values that were tokens in the constructor are known now; one still an intrinsic ({ Ref }) is known at deploy.
    const literal = tags.filter(tag => typeof tag.key === 'string' && typeof tag.value === 'string');
    errors.push(...tagProblems(Object.fromEntries(literal.map(tag => [tag.key, tag.value])))
      .map(error => `${error.message} (a tag of ${this.node.path} as rendered, Tags.of() on its scopes included)`));
    return errors;
  }
}
