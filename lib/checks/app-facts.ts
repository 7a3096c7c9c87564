import { CfnResource, IResolvable, Stack, StringConcat, Token, Tokenization } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { isCfnResourceOfType } from '../private/cfn-resource-type';
import { clusterKey, clusterNameOf, isNewCluster } from '../private/cluster';
import { namespacesCreatedBy } from '../private/deploy-order';
import { AGENT_ADDON_NAME, BUILT_IN_NAMESPACES } from '../private/eks-facts';
import { FargateSelector, fargateSelectorsOf } from '../private/fargate-selectors';
import { estimatedPolicyLength } from '../private/policy-length';
import { TrustStatement } from '../private/policy-values';
import { RegisteredWorkload, Registry } from '../private/registry';
import { WorkloadObjects } from '../private/workload-objects';

const KUBERNETES_RESOURCE_TYPES = ['Custom::AWSCDK-EKS-KubernetesResource', 'Custom::AWSCDK-EKS-HelmChart'];

/** Facts gathered with a single walk of the app (and of each workload's chart), shared by all checks. */
export class AppFacts {
  public readonly nodegroups: eks.CfnNodegroup[] = [];
  public readonly autoScalingGroups: CfnResource[] = [];
  public readonly agentAddons: eks.CfnAddon[] = [];
  /** Every EKS add-on resource of the app, the agent's included. */
  public readonly addons: eks.CfnAddon[] = [];
  public readonly fargateSelectors: FargateSelector[] = [];
  /** The clusters the app creates, by their `clusterName` attribute (a token): how an add-on's cluster is known. */
  public readonly newClustersByName = new Map<string, eks.IClusterRef>();
  /** Namespaces created by a manifest or chart whose cluster is not known here. */
  public readonly namespacesCreated = new Set<string>(BUILT_IN_NAMESPACES);
  /** `clusterKey|namespace` of the Namespace objects in workload charts. */
  public readonly namespacesCreatedOnCluster = new Set<string>();
  /** The Kubernetes objects of each workload's chart, as rendered into its manifest: the parts the checks read. */
  public readonly chartObjects = new Map<RegisteredWorkload, Array<Record<string, any>>>();
  private readonly trustByRole = new Map<iam.IRole, TrustStatement[] | undefined>();
  private readonly tokenLengths = new Map<IResolvable, number>();
  private readonly renderedTrust = new Map<iam.IRole, Record<string, unknown> | undefined>();

  constructor(root: IConstruct, registry: Registry) {
    for (const construct of root.node.findAll()) {
      if (isCfnResourceOfType<eks.CfnNodegroup>(construct, eks.CfnNodegroup.CFN_RESOURCE_TYPE_NAME)) this.nodegroups.push(construct);
      if (isNewCluster(construct)) this.newClustersByName.set(clusterNameOf(construct), construct);
      if (isCfnResourceOfType<eks.CfnAddon>(construct, eks.CfnAddon.CFN_RESOURCE_TYPE_NAME)) {
        this.addons.push(construct);
        if (construct.addonName === AGENT_ADDON_NAME) this.agentAddons.push(construct);
      }
      if (!CfnResource.isCfnResource(construct)) continue;
      if (construct.cfnResourceType === 'AWS::AutoScaling::AutoScalingGroup') this.autoScalingGroups.push(construct);
      if (KUBERNETES_RESOURCE_TYPES.includes(construct.cfnResourceType)) {
        for (const name of namespacesCreatedBy(construct)) this.namespacesCreated.add(name);
      }
      this.fargateSelectors.push(...fargateSelectorsOf(construct));
    }
    for (const workload of registry.workloads) {
      const objects = WorkloadObjects.of(workload).checkedObjects();
      this.chartObjects.set(workload, objects);
      for (const object of objects) {
        if (object.kind === 'Namespace') this.namespacesCreatedOnCluster.add(`${clusterKey(workload.association.cluster)}|${object.metadata.name}`);
      }
    }
  }

  /**
   * The workload's own Deployment as rendered into its manifest: every registered workload has its chart objects
   * here, its Deployment among them, and cdk8s renders the metadata of each object and the pod spec of a Deployment.
   */
  public deploymentOf(workload: RegisteredWorkload): Record<string, any> {
    return this.chartObjects.get(workload)!.find(object => object.kind === 'Deployment' && object.metadata.name === workload._deploymentName)!;
  }

  /**
   * The trust policy statements of a role defined in the app, as its policy document renders them, with the parts
   * the checks read resolved where they hold tokens: Effect, Action, Principal, and the operators and keys of
   * Condition (its values are left as rendered); undefined for an imported role. Not resolved whole: a fleet has
   * thousands of trust policies, and their values (the cluster ARN of each statement) are not read.
   */
  public trustStatementsOf(role: iam.IRole): TrustStatement[] | undefined {
    if (!this.trustByRole.has(role)) {
      const stack = Stack.of(role);
      this.trustByRole.set(role, (this.renderedTrustOf(role)?.Statement as TrustStatement[] | undefined)?.map(statement => ({
        ...statement,
        Effect: literal(stack, statement.Effect),
        Action: literal(stack, statement.Action),
        Principal: literal(stack, statement.Principal),
        Condition: Object.entries(statement.Condition ?? {}).some(([operator, keys]) => holdsTokens(operator) || Object.keys(keys).some(holdsTokens))
          ? stack.resolve(statement.Condition) : statement.Condition,
      })));
    }
    return this.trustByRole.get(role);
  }

  /**
   * `estimatedPolicyLength` of the role's trust policy as resolved, measured before resolution: each token counts
   * as what it resolves to (one resolution per token, instead of one of every policy); undefined for an imported role.
   */
  public trustPolicyLengthOf(role: iam.IRole): number | undefined {
    const rendered = this.renderedTrustOf(role);
    if (!rendered) return undefined;
    const stack = Stack.of(role);
    const lengthOf = (token: IResolvable) => {
      let length = this.tokenLengths.get(token);
      if (length === undefined) {
        length = estimatedPolicyLength(stack.resolve(token), stack.region) - 2; // without the quotes of its own string
        this.tokenLengths.set(token, length);
      }
      return length;
    };
    const measurable = withTokensMeasured(rendered, lengthOf);
    // A token where no string is expected (a number, a key, a list, an object): the resolved policy is measured.
    return estimatedPolicyLength(measurable === undefined ? stack.resolve(rendered) : measurable, stack.region);
  }

  /** The trust policy document of a role defined in the app, rendered once (tokens unresolved). */
  private renderedTrustOf(role: iam.IRole): Record<string, unknown> | undefined {
    if (!this.renderedTrust.has(role)) this.renderedTrust.set(role, (role as iam.Role).assumeRolePolicy?.toJSON());
    return this.renderedTrust.get(role);
  }
}

/** The value resolved when it holds tokens, else itself (no resolution). */
function literal<T>(stack: Stack, value: T): T {
  return holdsTokens(value) ? stack.resolve(value) : value;
}

function holdsTokens(value: unknown): boolean {
  if (typeof value === 'string') return Token.isUnresolved(value) || isListToken(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Tokenization.isResolvable(value)) return true;
  return Object.entries(value).some(([key, item]) => Token.isUnresolved(key) || holdsTokens(item));
}

/** An element of a list token (`Token.isUnresolved` tells only string tokens in a string). */
function isListToken(value: string): boolean {
  return Tokenization.reverseList([value]) !== undefined;
}

/**
 * A copy of a JSON value in which each token in a string is replaced by as many characters as `lengthOf` says it
 * resolves to; undefined if a token is anywhere else (a number, a key, a list token).
 */
function withTokensMeasured(value: unknown, lengthOf: (token: IResolvable) => number): unknown {
  if (typeof value === 'string') {
    if (isListToken(value)) return undefined;
    if (!Token.isUnresolved(value)) return value;
    return Tokenization.reverseString(value).mapTokens({ mapToken: token => 'x'.repeat(lengthOf(token)) }).join(new StringConcat());
  }
  if (typeof value === 'number') return Token.isUnresolved(value) ? undefined : value;
  if (Array.isArray(value)) {
    const items = value.map(item => withTokensMeasured(item, lengthOf));
    return items.includes(undefined) ? undefined : items;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Tokenization.isResolvable(value)) return undefined;
  const entries = Object.entries(value).map(([key, item]) => [key, withTokensMeasured(item, lengthOf)]);
  return entries.some(([key, item]) => Token.isUnresolved(key as string) || item === undefined) ? undefined : Object.fromEntries(entries);
}
