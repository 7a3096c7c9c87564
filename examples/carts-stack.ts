// The EKS workshop's carts service: it keeps shopping carts in DynamoDB and gets its AWS credentials through
// EKS Pod Identity. https://www.eksworkshop.com/docs/security/amazon-eks-pod-identity/
import { Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { ExampleClusterProps, exampleCluster, existingClusterFromContext, logicalIdOf } from './example-cluster';
import { acknowledgeNag } from './nag-acknowledgements';
import { PodIdentityBoundWorkload } from '../lib';

/** Props of the {@link CartsExampleStack}. */
export interface CartsExampleStackProps extends StackProps, ExampleClusterProps {}

/** A DynamoDB table and the carts workload that reads and writes it with Pod Identity credentials. */
export class CartsExampleStack extends Stack {
  /** The cluster the workload runs on (new, or imported from context). */
  public readonly cluster: eks.ICluster;
  /** The carts table. */
  public readonly table: dynamodb.Table;
  /** The carts workload: role, association and Kubernetes objects. */
  public readonly carts: PodIdentityBoundWorkload;

  constructor(scope: Construct, id: string, props: CartsExampleStackProps = {}) {
    super(scope, id, props);
    this.cluster = exampleCluster(this, props.existingCluster ?? existingClusterFromContext(this));

    // dynamodb.Table, not TableV2: aws-cdk-lib 2.257's TableV2 constructor passes TableGrantsProps that it deprecates
    // itself (encryptedResource, policyResource), which prints two deprecation warnings on every synthesis. Its id is
    // not the TableV2's ('CartsTable'): CloudFormation cannot change the type of a deployed resource, so a stack
    // deployed with the TableV2 gets a new table (the old one is retained: RemovalPolicy.RETAIN).
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    this.table.addGlobalSecondaryIndex({
      indexName: 'idx_global_customerId',
      partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING },
    });

    this.carts = new PodIdentityBoundWorkload(this, 'Carts', {
      cluster: this.cluster,
      namespace: 'carts',
      serviceAccountName: 'carts',
      image: 'public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0',
      port: 8080,
      env: {
        RETAIL_CART_PERSISTENCE_PROVIDER: 'dynamodb',
        RETAIL_CART_PERSISTENCE_DYNAMODB_TABLE_NAME: this.table.tableName,
      },
    });
    this.table.grantReadWriteData(this.carts);
    acknowledgeNag(this.carts.role, {
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(this.table)}.Arn>/index/*]`,
      reason: 'grantReadWriteData also covers the indexes of this one table (the service queries idx_global_customerId); no other table is reachable.',
    });
  }
}
