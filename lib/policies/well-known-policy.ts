import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { clusterAutoscaler, karpenter, nodeTerminationHandler } from './autoscaling';
import { awsPrivateCaIssuer, certManager, externalDns } from './dns-and-certificates';
import { Grant, PresetDefinition } from './grants';
import { awsLoadBalancerController, awsLoadBalancerControllerTargetGroupBindingOnly, gatewayApiController } from './load-balancing';
import { appMeshController, appMeshEnvoy, vpcCni } from './networking';
import { amazonManagedPrometheus, cloudWatchObservability } from './observability';
import {
  AmazonManagedPrometheusOptions, AppMeshControllerOptions, AppMeshEnvoyOptions, AwsLoadBalancerControllerOptions,
  AwsLoadBalancerControllerTargetGroupBindingOnlyOptions, AwsPrivateCaIssuerOptions, CertManagerOptions,
  CloudWatchObservabilityOptions, ClusterAutoscalerOptions, EbsCsiDriverOptions, EfsCsiDriverOptions, ExternalDnsOptions,
  ExternalSecretsOptions, FsxLustreCsiDriverOptions, GatewayApiControllerOptions, KarpenterOptions,
  MountpointS3CsiDriverOptions, NodeTerminationHandlerOptions, VeleroOptions, VpcCniOptions,
} from './options';
import { externalSecrets, velero } from './secrets-and-backup';
import { ebsCsiDriver, efsCsiDriver, fsxLustreCsiDriver, mountpointS3CsiDriver } from './storage';
import { acknowledgeFindings, isWriteAction } from '../private/acknowledgements';
import { principalTag, SESSION_TAG_KEYS } from '../private/eks-facts';
import { problem, quote } from '../private/errors';
import { Registry } from '../private/registry';

/**
 * The least-privilege permissions of one piece of cluster software, with the namespace and service account it
 * conventionally runs as. Give them to a role with `new PodIdentityRole(this, 'Dns', { wellKnownPolicies: [...] })`
 * or `role.addWellKnownPolicy(...)`.
 *
 * Each preset follows the software's own documented policy (cited in docs/presets.md and in the source), scoped to the
 * inputs you pass (hosted zones, buckets, keys, queues, the cluster). `*` resources remain only for API actions
 * IAM cannot scope; those, and ARN patterns for resources created at run time, carry a cdk-nag acknowledgement with
 * the reason on the policy that holds them.
 */
export class WellKnownPolicy {
  /** AWS Load Balancer Controller: Ingress (ALB) and Service (NLB) load balancers, TargetGroupBinding. */
  public static awsLoadBalancerController(options: AwsLoadBalancerControllerOptions = {}): WellKnownPolicy {
    return new WellKnownPolicy(awsLoadBalancerController(options), options);
  }

  /** AWS Load Balancer Controller that only binds pods to existing target groups (TargetGroupBinding). */
  public static awsLoadBalancerControllerTargetGroupBindingOnly(options: AwsLoadBalancerControllerTargetGroupBindingOnlyOptions): WellKnownPolicy {
    return new WellKnownPolicy(awsLoadBalancerControllerTargetGroupBindingOnly(options), options);
  }

  /** AWS Gateway API Controller for Amazon VPC Lattice. */
  public static gatewayApiController(options: GatewayApiControllerOptions = {}): WellKnownPolicy {
    return new WellKnownPolicy(gatewayApiController(options), options);
  }

  /** ExternalDNS on Route 53, limited to the given hosted zones. */
  public static externalDns(options: ExternalDnsOptions): WellKnownPolicy {
    return new WellKnownPolicy(externalDns(options), options);
  }

  /** cert-manager's ACME DNS-01 solver on Route 53, limited to TXT `_acme-challenge` records of the given zones. */
  public static certManager(options: CertManagerOptions): WellKnownPolicy {
    return new WellKnownPolicy(certManager(options), options);
  }

  /** AWS Private CA Issuer for cert-manager, limited to the given certificate authorities. */
  public static awsPrivateCaIssuer(options: AwsPrivateCaIssuerOptions): WellKnownPolicy {
    return new WellKnownPolicy(awsPrivateCaIssuer(options), options);
  }

  /** Cluster Autoscaler, scaling only the Auto Scaling groups of the cluster. */
  public static clusterAutoscaler(options: ClusterAutoscalerOptions = {}): WellKnownPolicy {
    return new WellKnownPolicy(clusterAutoscaler(options), options);
  }

  /** Karpenter (v1) controller, limited to what it tags for the cluster and to the given node roles. */
  public static karpenter(options: KarpenterOptions): WellKnownPolicy {
    return new WellKnownPolicy(karpenter(options), options);
  }

  /** AWS Node Termination Handler in Queue Processor mode. */
  public static nodeTerminationHandler(options: NodeTerminationHandlerOptions): WellKnownPolicy {
    return new WellKnownPolicy(nodeTerminationHandler(options), options);
  }

  /** Amazon EBS CSI driver (`AmazonEBSCSIDriverPolicy`, plus the given KMS keys). */
  public static ebsCsiDriver(options: EbsCsiDriverOptions = {}): WellKnownPolicy {
    return new WellKnownPolicy(ebsCsiDriver(options), options);
  }

  /** Amazon EFS CSI driver, optionally limited to the given file systems. */
  public static efsCsiDriver(options: EfsCsiDriverOptions = {}): WellKnownPolicy {
    return new WellKnownPolicy(efsCsiDriver(options), options);
  }

  /** Amazon FSx for Lustre CSI driver. */
  public static fsxLustreCsiDriver(options: FsxLustreCsiDriverOptions = {}): WellKnownPolicy {
    return new WellKnownPolicy(fsxLustreCsiDriver(options), options);
  }

  /** Mountpoint for Amazon S3 CSI driver, limited to the given buckets. */
  public static mountpointS3CsiDriver(options: MountpointS3CsiDriverOptions): WellKnownPolicy {
    return new WellKnownPolicy(mountpointS3CsiDriver(options), options);
  }

  /** Amazon VPC CNI (`aws-node`), IPv4 (`AmazonEKS_CNI_Policy`) or IPv6. */
  public static vpcCni(options: VpcCniOptions = {}): WellKnownPolicy {
    return new WellKnownPolicy(vpcCni(options), options);
  }

  /** AWS App Mesh controller. */
  public static appMeshController(options: AppMeshControllerOptions = {}): WellKnownPolicy {
    return new WellKnownPolicy(appMeshController(options), options);
  }

  /** The Envoy sidecars of an App Mesh application, limited to its virtual nodes or gateways. */
  public static appMeshEnvoy(options: AppMeshEnvoyOptions): WellKnownPolicy {
    return new WellKnownPolicy(appMeshEnvoy(options), options);
  }

  /** Amazon CloudWatch Observability (CloudWatch agent and Fluent Bit). */
  public static cloudWatchObservability(options: CloudWatchObservabilityOptions = {}): WellKnownPolicy {
    return new WellKnownPolicy(cloudWatchObservability(options), options);
  }

  /** Prometheus or an OpenTelemetry collector writing to Amazon Managed Service for Prometheus workspaces. */
  public static amazonManagedPrometheus(options: AmazonManagedPrometheusOptions): WellKnownPolicy {
    return new WellKnownPolicy(amazonManagedPrometheus(options), options);
  }

  /** External Secrets Operator reading the given Secrets Manager secrets and SSM parameters. */
  public static externalSecrets(options: ExternalSecretsOptions): WellKnownPolicy {
    return new WellKnownPolicy(externalSecrets(options), options);
  }

  /** Velero with the AWS plugin: one backup bucket (and prefix), EBS snapshots. */
  public static velero(options: VeleroOptions): WellKnownPolicy {
    return new WellKnownPolicy(velero(options), options);
  }

  /** The preset's name (PascalCase), e.g. `ExternalDns`: part of the construct id of its policy. */
  public readonly name: string;

  /** The namespace the software runs in (the conventional one unless overridden). */
  public readonly namespace: string;

  /** The service account its pods use (the conventional one unless overridden). */
  public readonly serviceAccount: string;

  /** The AWS managed policies it uses, where AWS publishes the documented one. */
  public readonly managedPolicies: iam.IManagedPolicy[];

  private readonly grants: Grant[];
  private readonly awsManagedPolicies: Array<{ readonly name: string; readonly reason: string }>;

  private constructor(definition: PresetDefinition, where: { readonly namespace?: string; readonly serviceAccount?: string }) {
    this.name = definition.name;
    this.namespace = where.namespace ?? definition.namespace;
    this.serviceAccount = where.serviceAccount ?? definition.serviceAccount;
    this.grants = definition.grants;
    this.awsManagedPolicies = definition.awsManagedPolicies ?? [];
    this.managedPolicies = this.awsManagedPolicies.map(policy => iam.ManagedPolicy.fromAwsManagedPolicyName(policy.name));
  }

  /** The preset's own statements (fresh copies), besides its managed policies. */
  public get statements(): iam.PolicyStatement[] {
    return this.grants.map(toStatement);
  }

  /**
   * Gives the preset's permissions to `role`: its statements as customer managed policies of their own (each with
   * its own 6,144-character budget, not the role's shared inline 10,240), its AWS managed policies attached, and a cdk-nag
   * acknowledgement with the reason for each wildcard resource and managed policy. Use `role.addWellKnownPolicy()`.
   *
   * @internal
   */
  public _attachTo(role: iam.Role): void {
    const attached = attachedPresets(role);
    if (attached.has(this.name)) {
      throw problem('DuplicateWellKnownPolicy',
        `role ${role.node.path} already has WellKnownPolicy ${quote(this.name)}`,
        'attach each preset once per role; to widen its scope, pass all values (zones, buckets, keys...) in one call');
    }
    attached.add(this.name);

    for (const { name, reason } of this.awsManagedPolicies) {
      role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(name));
      acknowledge(role, { [`AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`]: reason });
    }
    const policies: IConstruct[] = [];
    const grantsText = JSON.stringify(Stack.of(role).resolve(this.grants.map(grant => [grant.resources, grant.conditions])));
    Registry.of(role).addPreset(role, {
      name: this.name,
      sessionTagKeys: sessionTagKeysOf(grantsText),
      pinnedToRegion: grantsText.includes('{"Ref":"AWS::Region"}'),
      policies,
    });
    if (this.grants.length === 0) return;

    // One customer managed policy per 6,144 characters of statements (the AWS Load Balancer Controller needs two).
    const stack = Stack.of(role);
    const chunks: Grant[][] = [[]];
    let size = 0;
    for (const grant of this.grants) {
      // Measured with CloudFormation intrinsics unresolved, which are longer than the ARNs they become.
      const grantSize = JSON.stringify(stack.resolve(toStatement(grant).toStatementJson())).length;
      if (size + grantSize > MANAGED_POLICY_BUDGET && chunks[chunks.length - 1].length > 0) {
        chunks.push([]);
        size = 0;
      }
      chunks[chunks.length - 1].push(grant);
      size += grantSize;
    }
    chunks.forEach((grants, index) => {
      const policy = new iam.ManagedPolicy(role, `WellKnownPolicy${this.name}${index === 0 ? '' : index + 1}`, {
        description: `${this.name} (${this.namespace}/${this.serviceAccount}): cdk-eks-pod-identity WellKnownPolicy`,
        document: new iam.PolicyDocument({ statements: grants.map(toStatement) }),
        roles: [role],
      });
      policies.push(policy);
      const reasons: { [finding: string]: string } = {};
      for (const grant of grants) {
        for (const resource of grant.resources) {
          const flat = nagResourceName(policy, resource);
          if (!flat.includes('*')) continue;
          if (!grant.wildcardReason) {
            throw new Error(`WellKnownPolicy ${this.name}: resource ${flat} has a wildcard and no reason (a bug in cdk-eks-pod-identity)`);
          }
          reasons[`AwsSolutions-IAM5[Resource::${flat}]`] = grant.wildcardReason;
        }
      }
      acknowledge(policy, reasons);
      // The permissions report's findings for what the software's own policy needs (`*` on write APIs IAM cannot
      // scope), acknowledged on this policy with the same reasons: the report reads them from the template.
      const broad = [...new Set(grants
        .filter(grant => grant.resources.includes('*') && grant.actions.some(isWriteAction))
        .map(grant => grant.wildcardReason!))];
      if (broad.length > 0) {
        acknowledgeFindings(policy, [{ id: 'WildcardResourceOnWrite', reason: `${this.name} preset (upstream policy): ${broad.join('; ')}` }]);
      }
    });
  }
}

/** A managed policy holds 6,144 characters without whitespace; leave room for longer partitions and ids. */
const MANAGED_POLICY_BUDGET = 5_800;

function toStatement(grant: Grant): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: grant.actions, resources: grant.resources, conditions: grant.conditions });
}

/** The EKS Pod Identity session tags that grants read as `aws:PrincipalTag/<key>` (in resources or conditions). */
/** The EKS session tags read by grants (their resources and conditions, resolved, as JSON text). */
function sessionTagKeysOf(text: string): string[] {
  return SESSION_TAG_KEYS.filter(key => text.toLowerCase().includes(principalTag(key).toLowerCase()));
}

const ATTACHED_PRESETS = Symbol.for('cdk-eks-pod-identity.WellKnownPolicies');

function attachedPresets(role: IConstruct): Set<string> {
  const holder = role as any;
  if (!holder[ATTACHED_PRESETS]) Object.defineProperty(holder, ATTACHED_PRESETS, { value: new Set<string>(), enumerable: false });
  return holder[ATTACHED_PRESETS];
}

/**
 * Records cdk-nag acknowledgements (finding id -> reason) in the metadata entry cdk-nag reads
 * (`Validations.ACKNOWLEDGED_RULES_METADATA_KEY`); no dependency on cdk-nag.
 */
function acknowledge(scope: IConstruct, findings: { [finding: string]: string }): void {
  if (Object.keys(findings).length > 0) scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, findings);
}

/**
 * A resource as cdk-nag names it in `AwsSolutions-IAM5[Resource::...]` findings: the resolved value with `Ref` as
 * `<Id>`, `Fn::GetAtt` as `<Id.Attr>`, joins concatenated and `${...}` policy variables as `<...>`.
 */
function nagResourceName(scope: IConstruct, resource: string): string {
  const visit = (node: any): string => {
    if (node === undefined) return '';
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    if (node['Fn::Join']) return (node['Fn::Join'][1] as any[]).map(visit).join(node['Fn::Join'][0]);
    if (node['Fn::Sub']) return visit(node['Fn::Sub']);
    if (node['Fn::GetAtt']) return `<${visit(node['Fn::GetAtt'][0])}.${visit(node['Fn::GetAtt'][1])}>`;
    if (node['Fn::ImportValue']) return visit(node['Fn::ImportValue']);
    if (node.Ref) return `<${visit(node.Ref)}>`;
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(resource));
}
