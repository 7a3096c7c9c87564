// Cross-account access through an EKS Pod Identity target role: pods of `reports/reader` on a cluster in one
// account read an S3 bucket in another. EKS assumes the workload's role (cluster account), then the target role
// (data account), and gives the pods the target role's credentials.
// https://docs.aws.amazon.com/eks/latest/userguide/pod-id-assign-target-role.html
//
// Deploy the data stack first (the association names the target role, which must exist), then the cluster stack.
// Neither stack refers to the other through CloudFormation exports: names are generated at synthesis.
import { PhysicalName, Stack, StackProps } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ExampleClusterProps, exampleCluster, existingClusterFromContext, logicalIdOf } from './example-cluster';
import { acknowledgeNag } from './nag-acknowledgements';
import { PodIdentityBoundWorkload, PodIdentityTargetRole } from '../lib';

/** The name the example gives a new cluster, so the data account's trust can name it. */
export const CROSS_ACCOUNT_CLUSTER_NAME = 'pod-identity-cross-account';

/**
 * The data account: a bucket and the target role that may read it. Its trust is generated from the associations
 * that chain into it (the cluster stack's `reports/reader`), scoped to that cluster ARN, namespace and service
 * account, and to the association role.
 */
export class CrossAccountDataStack extends Stack {
  /** The bucket the pods read. */
  public readonly bucket: s3.Bucket;
  /** The role the pods finally get credentials for. */
  public readonly targetRole: PodIdentityTargetRole;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    this.bucket = new s3.Bucket(this, 'ReportsBucket', {
      // Known to the cluster account (the pods' env) without a cross-account reference.
      bucketName: PhysicalName.GENERATE_IF_NEEDED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsPrefix: 'access-logs/',
    });
    this.targetRole = new PodIdentityTargetRole(this, 'ReportsReader', {
      description: 'Target role of the reports/reader pods of the cluster account: read the reports bucket',
    });
    this.bucket.grantRead(this.targetRole);
    acknowledgeNag(this.targetRole,
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*'].map(action => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `bucket.grantRead: the read-only ${action} actions, on the reports bucket and its objects only.`,
      })),
      {
        id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(this.bucket)}.Arn>/*]`,
        reason: 'bucket.grantRead: every object of the one reports bucket, read-only.',
      },
    );
  }
}

/** Props of the {@link CrossAccountClusterStack}. */
export interface CrossAccountClusterStackProps extends StackProps, ExampleClusterProps {
  /** The data account's stack. */
  readonly data: CrossAccountDataStack;
}

/** The cluster account: the cluster and the `reports/reader` workload, chaining into the data account's role. */
export class CrossAccountClusterStack extends Stack {
  /** The cluster the workload runs on (new, or imported from context). */
  public readonly cluster: eks.ICluster;
  /** The workload: its own role (scoped to `reports/reader`) chains into the data account's target role. */
  public readonly reader: PodIdentityBoundWorkload;

  constructor(scope: Construct, id: string, props: CrossAccountClusterStackProps) {
    super(scope, id, props);
    this.cluster = exampleCluster(this, props.existingCluster ?? existingClusterFromContext(this), { clusterName: CROSS_ACCOUNT_CLUSTER_NAME });
    this.reader = new PodIdentityBoundWorkload(this, 'Reader', {
      cluster: this.cluster,
      namespace: 'reports',
      serviceAccountName: 'reader',
      deploymentName: 'reports-reader',
      image: 'amazon/aws-cli:latest',
      command: ['sleep', 'infinity'],
      env: { REPORTS_BUCKET: props.data.bucket.bucketName },
      associationSettings: { targetRole: props.data.targetRole },
      containerOptions: {
        resources: {
          cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
        },
      },
    });
  }

  /**
   * Two AZs named after the region, instead of a lookup: a stack with an explicit account would otherwise ask the
   * account for its AZs at synthesis (a network call; the examples synthesize offline).
   */
  public get availabilityZones(): string[] {
    return ['a', 'b'].map(zone => `${this.region}${zone}`);
  }
}
