// Options of the well-known policy presets (the public part of lib/policies besides WellKnownPolicy).
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';

/** Options every preset takes: where the software runs, when not in its conventional place. */
export interface WellKnownPolicyOptions {
  /**
   * The namespace the software runs in.
   *
   * @default - the namespace its documentation installs it into (see the preset)
   */
  readonly namespace?: string;

  /**
   * The service account its pods use.
   *
   * @default - the name its documentation or Helm chart uses (see the preset)
   */
  readonly serviceAccount?: string;
}

/** Options of a preset that can be scoped to one cluster. */
export interface ClusterScopedPolicyOptions extends WellKnownPolicyOptions {
  /**
   * The cluster whose resources the software may change, matched against the cluster tag the software puts on
   * what it creates.
   *
   * @default - the cluster of the pod, from the `eks-cluster-name` session tag EKS Pod Identity sets
   * (`${aws:PrincipalTag/eks-cluster-name}`): right for every cluster the role is associated with. Associations
   * with `disableSessionTags: true` send no tags: pass the name then.
   */
  readonly clusterName?: string;
}

/** Options of {@link WellKnownPolicy.awsLoadBalancerControllerTargetGroupBindingOnly}. */
export interface AwsLoadBalancerControllerTargetGroupBindingOnlyOptions extends WellKnownPolicyOptions {
  /** The target groups the `TargetGroupBinding` resources name: the only ones the controller may change. */
  readonly targetGroupArns: string[];
}

/** Options of {@link WellKnownPolicy.externalDns}. */
export interface ExternalDnsOptions extends WellKnownPolicyOptions {
  /** The hosted zones external-dns may change records in (its `--domain-filter`/`--zone-id-filter` zones). */
  readonly hostedZones: route53.IHostedZone[];
}

/** Options of {@link WellKnownPolicy.certManager}. */
export interface CertManagerOptions extends WellKnownPolicyOptions {
  /** The hosted zones cert-manager solves ACME DNS-01 challenges in. */
  readonly hostedZones: route53.IHostedZone[];
}

/** Options of {@link WellKnownPolicy.awsPrivateCaIssuer}. */
export interface AwsPrivateCaIssuerOptions extends WellKnownPolicyOptions {
  /** The AWS Private CA certificate authorities the `AWSPCAIssuer`/`AWSPCAClusterIssuer` resources name. */
  readonly certificateAuthorityArns: string[];
}

/** Options of {@link WellKnownPolicy.karpenter}. */
export interface KarpenterOptions extends ClusterScopedPolicyOptions {
  /** The node roles the `EC2NodeClass` resources name (`spec.role`): the only roles Karpenter may pass to EC2. */
  readonly nodeRoles: iam.IRole[];

  /**
   * The interruption queue (`settings.interruptionQueue`) that receives Spot interruption, rebalance and
   * instance state events.
   *
   * @default - no interruption handling permissions
   */
  readonly interruptionQueue?: sqs.IQueue;
}

/** Options of {@link WellKnownPolicy.nodeTerminationHandler}. */
export interface NodeTerminationHandlerOptions extends WellKnownPolicyOptions {
  /**
   * The queue of its Queue Processor mode, which EventBridge rules and lifecycle hooks feed. (In IMDS mode the
   * handler needs no AWS permissions and no role.)
   */
  readonly queue: sqs.IQueue;
}

/** Options of {@link WellKnownPolicy.ebsCsiDriver}. */
export interface EbsCsiDriverOptions extends WellKnownPolicyOptions {
  /**
   * Customer managed KMS keys that encrypt volumes (StorageClass `kmsKeyId`): the driver may use only these.
   *
   * @default - none: volumes use the AWS managed key `aws/ebs`, which needs no permissions
   */
  readonly kmsKeys?: kms.IKey[];
}

/** Options of {@link WellKnownPolicy.efsCsiDriver}. */
export interface EfsCsiDriverOptions extends WellKnownPolicyOptions {
  /**
   * The file systems StorageClasses name (`fileSystemId`): the only ones the driver may create access points in.
   *
   * @default - any EFS file system of the account
   */
  readonly fileSystems?: efs.IFileSystem[];
}

/** Options of {@link WellKnownPolicy.fsxLustreCsiDriver}. */
export interface FsxLustreCsiDriverOptions extends WellKnownPolicyOptions {
  /**
   * S3 buckets dynamically provisioned file systems link as data repositories (StorageClass `s3ImportPath` /
   * `s3ExportPath`).
   *
   * @default - none: no S3 data repository permissions
   */
  readonly dataRepositoryBuckets?: s3.IBucket[];
}

/** Options of {@link WellKnownPolicy.mountpointS3CsiDriver}. */
export interface MountpointS3CsiDriverOptions extends WellKnownPolicyOptions {
  /** The buckets PersistentVolumes mount. */
  readonly buckets: s3.IBucket[];

  /**
   * Mount read only: list and read objects, no writes or deletes.
   *
   * @default false
   */
  readonly readOnly?: boolean;

  /**
   * KMS keys of buckets encrypted with SSE-KMS.
   *
   * @default - none
   */
  readonly kmsKeys?: kms.IKey[];
}

/** Options of {@link WellKnownPolicy.vpcCni}. */
export interface VpcCniOptions extends WellKnownPolicyOptions {
  /**
   * The cluster uses IPv6 (`ipFamily: IpFamily.IP_V6`): the CNI assigns IPv6 addresses instead of managing
   * secondary IPv4 addresses and interfaces.
   *
   * @default false - IPv4
   */
  readonly ipv6?: boolean;
}

/** Options of {@link WellKnownPolicy.appMeshEnvoy}. */
export interface AppMeshEnvoyOptions {
  /** The namespace of the meshed application (Envoy runs as a sidecar in its pods). */
  readonly namespace: string;

  /** The service account of the meshed application's pods. */
  readonly serviceAccount: string;

  /** The virtual nodes and virtual gateways whose configuration these Envoys stream. */
  readonly virtualNodeArns: string[];

  /**
   * ACM certificates Envoy exports for TLS, and Private CA authorities whose certificates it validates.
   *
   * @default - none (no TLS from ACM)
   */
  readonly tlsCertificateArns?: string[];
}

/** Options of {@link WellKnownPolicy.amazonManagedPrometheus}. */
export interface AmazonManagedPrometheusOptions extends WellKnownPolicyOptions {
  /** The workspaces metrics are written to (`arn:aws:aps:<region>:<account>:workspace/ws-...`). */
  readonly workspaceArns: string[];

  /**
   * Also query the workspaces (Grafana, `promtool`, a Prometheus with remote read).
   *
   * @default false - ingest only
   */
  readonly query?: boolean;
}

/** Options of {@link WellKnownPolicy.externalSecrets}. */
export interface ExternalSecretsOptions extends WellKnownPolicyOptions {
  /**
   * Secrets Manager secrets the `ExternalSecret` resources read.
   *
   * @default - none
   */
  readonly secrets?: secretsmanager.ISecret[];

  /**
   * SSM parameters the `ExternalSecret` resources read.
   *
   * @default - none
   */
  readonly parameters?: ssm.IParameter[];

  /**
   * Customer managed KMS keys the secrets or SecureString parameters are encrypted with.
   *
   * @default - none: the AWS managed keys need no permissions
   */
  readonly kmsKeys?: kms.IKey[];
}

/** Options of {@link WellKnownPolicy.velero}. */
export interface VeleroOptions extends WellKnownPolicyOptions {
  /** The backup storage location's bucket. */
  readonly bucket: s3.IBucket;

  /**
   * The backup storage location's prefix: objects only under it. Give it as Velero has it, without a leading
   * slash or the wildcards `*` and `?` (rejected); trailing slashes are dropped.
   *
   * @default - the whole bucket
   */
  readonly prefix?: string;

  /**
   * Take EBS snapshots of persistent volumes (the AWS plugin's volume snapshotter). Backups that copy volume data
   * with the node agent (Kopia) need no EC2 permissions.
   *
   * @default true
   */
  readonly volumeSnapshots?: boolean;

  /**
   * Customer managed KMS keys of the bucket (SSE-KMS) and of encrypted volumes.
   *
   * @default - none
   */
  readonly kmsKeys?: kms.IKey[];
}

/** Options of {@link WellKnownPolicy.awsLoadBalancerController}. */
export interface AwsLoadBalancerControllerOptions extends ClusterScopedPolicyOptions {}

/** Options of {@link WellKnownPolicy.gatewayApiController}. */
export interface GatewayApiControllerOptions extends WellKnownPolicyOptions {}

/** Options of {@link WellKnownPolicy.clusterAutoscaler}. */
export interface ClusterAutoscalerOptions extends ClusterScopedPolicyOptions {}

/** Options of {@link WellKnownPolicy.appMeshController}. */
export interface AppMeshControllerOptions extends WellKnownPolicyOptions {}

/** Options of {@link WellKnownPolicy.cloudWatchObservability}. */
export interface CloudWatchObservabilityOptions extends WellKnownPolicyOptions {}
