// What the constructs of this library created in the app. Constructs write it; roles, checks and limits only read
// it. A leaf of the import graph: it knows the constructs by the structural interfaces below, never by class. It
// records only: a workload's Kubernetes objects and their rendering belong to workload-objects.ts.
import { Stack, Stage } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { appStateOf, stateOf } from './app-store';
import { clusterKey } from './cluster';

/** What the rest of the library needs to know of an association. */
export interface RegisteredAssociation extends IConstruct {
  readonly cluster: eks.IClusterRef;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly role: iam.IRole;
  readonly targetRole?: iam.IRole;
  readonly disableSessionTags: boolean;
  /** The EKS add-on that owns the association (EKS creates it with the add-on, in the add-on's namespace). */
  readonly ownerAddonName?: string;
}

/** What the rest of the library needs to know of a workload. */
export interface RegisteredWorkload extends IConstruct {
  readonly association: RegisteredAssociation;
  readonly serviceAccountName: string;
  /** The Deployment's name. */
  readonly _deploymentName: string;
  /** Whether the workload's chart holds its Namespace object. */
  readonly _createsNamespace: boolean;
  /** The construct delivering the chart: a kubectl manifest, or the GitOps writer. */
  readonly manifest: IConstruct;
  /** The GitOps folder the chart is written to; undefined when a kubectl manifest applies it. */
  readonly _gitOpsFolder?: string;
  readonly migratingFromIrsa: boolean;
}

/** What the rest of the library needs to know of a cluster's agent add-on. */
export interface RegisteredAgentAddon extends IConstruct {
  readonly cluster: eks.IClusterRef;
  /** The construct whose use created the add-on for an imported cluster without the user choosing it, if so. */
  readonly _implicitlyCreatedFor?: string;
}

/** What the rest of the library needs to know of an EKS add-on this library creates (other than the agent). */
export interface RegisteredAddon extends IConstruct {
  readonly cluster: eks.IClusterRef;
  readonly addonName: string;
}

/** A service account a role trusts through IRSA (`PodIdentityRole.addIrsaServiceAccount`). */
export interface RegisteredIrsaTrust {
  readonly openIdConnectProvider: iam.IOpenIdConnectProvider;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/** A `WellKnownPolicy` given to a role. */
export interface RegisteredPreset {
  /** The preset's name (PascalCase), e.g. `Karpenter`. */
  readonly name: string;
  /** The EKS Pod Identity session tags its statements read as `aws:PrincipalTag/<key>` (empty: none). */
  readonly sessionTagKeys: string[];
  /** Whether its statements name the role's stack's region (`AWS::Region`): they allow nothing in another region. */
  readonly pinnedToRegion: boolean;
  /** The customer managed policies holding its statements. */
  readonly policies: IConstruct[];
}

/** Everything this library created in one app. */
export class Registry {
  /** The registry of the app `scope` belongs to. */
  public static of(scope: IConstruct): Registry {
    return appStateOf(scope, 'Registry', () => new Registry());
  }

  public readonly associations = new Array<RegisteredAssociation>();
  public readonly workloads = new Array<RegisteredWorkload>();
  private readonly agentAddons = new Map<string, RegisteredAgentAddon>();
  private readonly addons = new Map<string, RegisteredAddon>();
  private readonly associationsByRole = new Map<iam.IRole, RegisteredAssociation[]>();
  private readonly scopedRoles = new Set<iam.IRole>();
  /** The roles this library's role classes made (PodIdentityRole, PodIdentityTargetRole), associated or not. */
  public readonly libraryRoles = new Set<iam.IRole>();
  private readonly generatedTrustTargetRoles = new Set<iam.IRole>();
  private readonly associationsByTargetRole = new Map<iam.IRole, RegisteredAssociation[]>();
  private readonly irsaTrusts = new Map<iam.IRole, RegisteredIrsaTrust[]>();
  private readonly presets = new Map<iam.IRole, RegisteredPreset[]>();
  private readonly observers = new Map<iam.IRole, Array<(association: RegisteredAssociation) => void>>();
  private unitsByStackCache?: { readonly count: number; readonly byStack: Map<Stack, IConstruct[]> };

  private constructor() {}

  public addAssociation(association: RegisteredAssociation): void {
    this.associations.push(association);
    const ofRole = this.associationsByRole.get(association.role) ?? [];
    ofRole.push(association);
    this.associationsByRole.set(association.role, ofRole);
    if (association.targetRole) {
      const targeting = this.associationsByTargetRole.get(association.targetRole) ?? [];
      targeting.push(association);
      this.associationsByTargetRole.set(association.targetRole, targeting);
    }
    for (const role of new Set([association.role, association.targetRole])) {
      for (const observer of role ? this.observers.get(role) ?? [] : []) observer(association);
    }
  }

  /**
   * Calls `observer` for every association registered from now on whose role or target role is `role`: how roles
   * derive their trust from their associations without the associations knowing the roles' classes.
   */
  public observeAssociations(role: iam.IRole, observer: (association: RegisteredAssociation) => void): void {
    this.observers.set(role, [...this.observers.get(role) ?? [], observer]);
  }

  /** The associations that chain into `role` as their target role. */
  public associationsTargeting(role: iam.IRole): RegisteredAssociation[] {
    return this.associationsByTargetRole.get(role) ?? [];
  }

  /** Records a target role whose trust policy is generated from the associations that use it. */
  public addGeneratedTrustTargetRole(role: iam.IRole): void {
    this.generatedTrustTargetRoles.add(role);
  }

  public isGeneratedTrustTargetRole(role: iam.IRole): boolean {
    return this.generatedTrustTargetRoles.has(role);
  }

  /** The associations of a role, in the order they were made. */
  public associationsOf(role: iam.IRole): RegisteredAssociation[] {
    return this.associationsByRole.get(role) ?? [];
  }

  public addWorkload(workload: RegisteredWorkload): void {
    this.workloads.push(workload);
  }

  /**
   * The workloads and associations of each stack (workloads first, each in the order made): grouped once, not
   * filtered per stack (a fleet has thousands in a hundred stacks). Grouped again when more were made since.
   */
  public unitsByStack(): Map<Stack, IConstruct[]> {
    const count = this.workloads.length + this.associations.length;
    if (this.unitsByStackCache?.count !== count) {
      const byStack = new Map<Stack, IConstruct[]>();
      for (const unit of [...this.workloads, ...this.associations]) {
        const stack = Stack.of(unit);
        const units = byStack.get(stack);
        if (units) units.push(unit);
        else byStack.set(stack, [unit]);
      }
      this.unitsByStackCache = { count, byStack };
    }
    return this.unitsByStackCache.byStack;
  }

  /** Records a service account a role trusts through IRSA (a trust statement this library wrote). */
  public addIrsaTrust(role: iam.IRole, trust: RegisteredIrsaTrust): void {
    this.irsaTrusts.set(role, [...this.irsaTrusts.get(role) ?? [], trust]);
  }

  /** The service accounts `role` trusts through IRSA by statements this library wrote. */
  public irsaTrustsOf(role: iam.IRole): RegisteredIrsaTrust[] {
    return this.irsaTrusts.get(role) ?? [];
  }

  /** Records a `WellKnownPolicy` given to a role. */
  public addPreset(role: iam.IRole, preset: RegisteredPreset): void {
    this.presets.set(role, [...this.presets.get(role) ?? [], preset]);
  }

  /** The `WellKnownPolicy` presets given to `role`, in the order given. */
  public presetsOf(role: iam.IRole): RegisteredPreset[] {
    return this.presets.get(role) ?? [];
  }

  public addLibraryRole(role: iam.IRole): void {
    this.libraryRoles.add(role);
  }

  /** Records a role whose trust is scoped to its associations. */
  public addScopedRole(role: iam.IRole): void {
    this.scopedRoles.add(role);
  }

  public isScopedRole(role: iam.IRole): boolean {
    return this.scopedRoles.has(role);
  }

  public addAgentAddon(addon: RegisteredAgentAddon): void {
    this.agentAddons.set(agentAddonKey(addon.cluster), addon);
  }

  /** Every cluster's agent add-on defined in this app (one per cluster and stage). */
  public get allAgentAddons(): RegisteredAgentAddon[] {
    return [...this.agentAddons.values()];
  }

  /** The agent add-on defined for a cluster in this app (by the cluster's key), if any. */
  public agentAddonOf(cluster: eks.IClusterRef): RegisteredAgentAddon | undefined {
    return this.agentAddons.get(agentAddonKey(cluster));
  }

  public addAddon(addon: RegisteredAddon): void {
    this.addons.set(`${clusterKey(addon.cluster)}|${addon.addonName}`, addon);
  }

  /** The add-on of that name defined for a cluster in this app by this library, if any. */
  public addonOf(cluster: eks.IClusterRef, addonName: string): RegisteredAddon | undefined {
    return this.addons.get(`${clusterKey(cluster)}|${addonName}`);
  }

  /** The associations of one stack by CloudFormation logical id: two with one id would collide in the template. */
  public associationsByLogicalId(stack: Stack): Map<string, RegisteredAssociation> {
    return stateOf(stack, 'AssociationsByLogicalId', () => new Map());
  }
}

/**
 * The key of a cluster's agent add-on: one per cluster and stage. Nothing may depend on a construct of another stage
 * (stages deploy separately, e.g. as CDK Pipelines waves): two stages deployed to one cluster each get an add-on,
 * which the DuplicateAgentAddon check reports with its fix.
 */
export function agentAddonKey(cluster: eks.IClusterRef): string {
  return `${Stage.of(cluster)?.node.path ?? ''}|${clusterKey(cluster)}`;
}
