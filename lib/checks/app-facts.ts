import { CfnResource, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { cfnPropertiesOf, clusterKey, FargateSelector, fargateSelectorsOf } from '../private/cluster';
import { AGENT_ADDON_NAME, BUILT_IN_NAMESPACES } from '../private/constants';
import { RegisteredWorkload, Registry } from '../private/registry';

const KUBERNETES_RESOURCE_TYPES = ['Custom::AWSCDK-EKS-KubernetesResource', 'Custom::AWSCDK-EKS-HelmChart'];

/** A statement of a resolved trust policy. */
export interface TrustStatement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Principal?: any;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Facts gathered with a single walk of the app (and of each workload's chart), shared by all checks. */
export class AppFacts {
  public readonly nodegroups: eks.CfnNodegroup[] = [];
  public readonly autoScalingGroups: CfnResource[] = [];
  public readonly agentAddons: eks.CfnAddon[] = [];
  /** Every EKS add-on resource of the app, the agent's included. */
  public readonly addons: eks.CfnAddon[] = [];
  public readonly fargateSelectors: FargateSelector[] = [];
  /** Namespaces created by a manifest or chart whose cluster is not known here. */
  public readonly namespacesCreated = new Set<string>(BUILT_IN_NAMESPACES);
  /** `clusterKey|namespace` of the Namespace objects in workload charts. */
  public readonly namespacesCreatedOnCluster = new Set<string>();
  /** The Kubernetes objects of each workload's chart, as rendered into its manifest. */
  public readonly chartObjects = new Map<RegisteredWorkload, Array<Record<string, any>>>();
  private readonly trustByRole = new Map<iam.IRole, TrustStatement[] | undefined>();

  constructor(root: IConstruct, registry: Registry) {
    for (const construct of root.node.findAll()) {
      if (construct instanceof eks.CfnNodegroup) this.nodegroups.push(construct);
      if (construct instanceof eks.CfnAddon) this.addons.push(construct);
      if (construct instanceof eks.CfnAddon && construct.addonName === AGENT_ADDON_NAME) this.agentAddons.push(construct);
      if (!CfnResource.isCfnResource(construct)) continue;
      if (construct.cfnResourceType === 'AWS::AutoScaling::AutoScalingGroup') this.autoScalingGroups.push(construct);
      if (KUBERNETES_RESOURCE_TYPES.includes(construct.cfnResourceType)) {
        for (const name of namespacesCreatedBy(construct)) this.namespacesCreated.add(name);
      }
      this.fargateSelectors.push(...fargateSelectorsOf(construct));
    }
    for (const workload of registry.workloads) {
      const objects = registry.renderedObjectsOf(workload);
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

  /** The resolved trust policy statements of a role defined in the app; undefined for an imported role. */
  public trustStatementsOf(role: iam.IRole): TrustStatement[] | undefined {
    if (!this.trustByRole.has(role)) {
      const document = (role as iam.Role).assumeRolePolicy;
      // An iam.Role always has a statement (assumedBy is required), so its resolved trust policy is never empty.
      this.trustByRole.set(role, document && Stack.of(role).resolve(document.toJSON()).Statement);
    }
    return this.trustByRole.get(role);
  }
}

function namespacesCreatedBy(resource: CfnResource): string[] {
  const properties = cfnPropertiesOf(resource);
  if (resource.cfnResourceType === 'Custom::AWSCDK-EKS-HelmChart') {
    const create = Stack.of(resource).resolve(properties.CreateNamespace);
    const namespace = properties.Namespace;
    return create && typeof namespace === 'string' ? [namespace] : [];
  }
  // A manifest without tokens inside resolves to the JSON aws-cdk-lib wrote (an array of objects); one with tokens
  // (a Fn::Join) is not read.
  const manifest = Stack.of(resource).resolve(properties.Manifest);
  if (typeof manifest !== 'string') return [];
  return (JSON.parse(manifest) as any[]).filter(o => o.kind === 'Namespace').map(o => o.metadata?.name);
}
