// The EKS Pod Identity walkthrough: pods of the `demo-sa` service account in `demo-ns` run the AWS CLI and list
// S3 with the role's credentials. https://docs.aws.amazon.com/eks/latest/userguide/pod-id-configure-pods.html
import { Stack, StackProps } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ExampleClusterProps, exampleCluster, existingClusterFromContext, logicalIdOf } from './example-cluster';
import { acknowledgeNag, managedPolicyFinding } from './nag-acknowledgements';
import { PodIdentityBoundWorkload, PodIdentityRole } from '../lib';

// A shell that sleeps needs little: cdk8s-plus' default (1 CPU requested per container) would leave half of the
// four pods Pending on the two-node example cluster.
const SLEEPING_CLI_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
};

/** Props of the {@link S3DemoExampleStack}. */
export interface S3DemoExampleStackProps extends StackProps, ExampleClusterProps {}

const AWS_CLI_IMAGE = 'amazon/aws-cli:latest';

/**
 * Two workloads side by side:
 * - `demo-ns/demo-sa` (Deployment `awscli-app`): the walkthrough as written, with the AWS managed
 *   `AmazonS3ReadOnlyAccess` policy (read every bucket in the account);
 * - `demo-least-privilege/reader`: the same pods reading only one bucket, granted with `bucket.grantRead`.
 */
export class S3DemoExampleStack extends Stack {
  /** The cluster the workloads run on (new, or imported from context). */
  public readonly cluster: eks.ICluster;
  /** The walkthrough's role: AmazonS3ReadOnlyAccess. */
  public readonly demoRole: PodIdentityRole;
  /** The walkthrough's workload (`demo-ns/demo-sa`, Deployment `awscli-app`). */
  public readonly demo: PodIdentityBoundWorkload;
  /** The one bucket the least-privilege workload may read. */
  public readonly bucket: s3.Bucket;
  /** The least-privilege workload (`demo-least-privilege/reader`). */
  public readonly reader: PodIdentityBoundWorkload;

  constructor(scope: Construct, id: string, props: S3DemoExampleStackProps = {}) {
    super(scope, id, props);
    this.cluster = exampleCluster(this, props.existingCluster ?? existingClusterFromContext(this));

    this.demoRole = new PodIdentityRole(this, 'DemoRole', {
      description: 'EKS Pod Identity walkthrough: read-only access to every S3 bucket',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess')],
      scopeTrustToAssociations: true,
    });
    acknowledgeNag(this.demoRole, {
      id: managedPolicyFinding('AmazonS3ReadOnlyAccess'),
      reason: 'The EKS Pod Identity walkthrough attaches AmazonS3ReadOnlyAccess on purpose so `aws s3 ls` works; the Reader workload in this stack shows the least-privilege alternative.',
    });
    this.demo = new PodIdentityBoundWorkload(this, 'Demo', {
      cluster: this.cluster,
      namespace: 'demo-ns',
      serviceAccountName: 'demo-sa',
      deploymentName: 'awscli-app',
      replicas: 2,
      image: AWS_CLI_IMAGE,
      command: ['sleep', 'infinity'],
      role: this.demoRole,
      containerOptions: { resources: SLEEPING_CLI_RESOURCES },
    });

    this.bucket = new s3.Bucket(this, 'DemoBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsPrefix: 'access-logs/',
    });
    this.reader = new PodIdentityBoundWorkload(this, 'Reader', {
      cluster: this.cluster,
      namespace: 'demo-least-privilege',
      serviceAccountName: 'reader',
      deploymentName: 'awscli-reader',
      replicas: 2,
      image: AWS_CLI_IMAGE,
      command: ['sleep', 'infinity'],
      env: { DEMO_BUCKET: this.bucket.bucketName },
      containerOptions: { resources: SLEEPING_CLI_RESOURCES },
    });
    this.bucket.grantRead(this.reader);
    acknowledgeNag(this.reader.role,
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*'].map(action => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `bucket.grantRead: the read-only ${action} actions, on the demo bucket and its objects only.`,
      })),
      {
        id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(this.bucket)}.Arn>/*]`,
        reason: 'bucket.grantRead: every object of the one demo bucket, read-only; the walkthrough reads arbitrary keys.',
      },
    );
  }
}
