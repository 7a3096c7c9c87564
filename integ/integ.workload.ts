// Integration test: a PodIdentityBoundWorkload on a new aws_eks_v2 cluster, granted read/write on a DynamoDB
// table. On a real deploy the assertions check the association EKS stored, the agent add-on, and, end to end,
// that the workload's pods got working credentials: the container writes an item with the AWS CLI and the
// assertion waits for it. Verify offline with `npx projen integ`; rewrite the snapshot with `npx projen integ:update`.
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { KubectlV33Layer } from '@aws-cdk/lambda-layer-kubectl-v33';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { PodIdentityAgentAddon, PodIdentityBoundWorkload } from '../lib';

const ITEM_KEY = 'written-by-pod';

// No construct creation stack traces in the snapshot: they hold absolute paths of this checkout.
const app = new App({ stackTraces: false, postCliContext: { [cxapi.DISABLE_CREATION_STACK_TRACES]: true } });
const stack = new Stack(app, 'PodIdentityWorkloadInteg');

const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
const cluster = new eks.Cluster(stack, 'Cluster', {
  version: eks.KubernetesVersion.V1_33,
  vpc,
  defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
  defaultCapacity: 2,
  defaultCapacityInstance: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM),
  kubectlProviderOptions: {
    kubectlLayer: new KubectlV33Layer(stack, 'KubectlLayer'),
  },
});

const table = new dynamodb.Table(stack, 'Table', {
  partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  removalPolicy: RemovalPolicy.DESTROY,
});

// The container proves the credentials work: it writes one item with the pod's Pod Identity credentials,
// retrying until the write succeeds, then idles.
const workload = new PodIdentityBoundWorkload(stack, 'Cart', {
  cluster,
  namespace: 'cart',
  serviceAccountName: 'cart',
  image: 'public.ecr.aws/aws-cli/aws-cli:2.22.0',
  replicas: 1,
  command: ['/bin/sh', '-c'],
  args: [
    'until aws dynamodb put-item --table-name "$TABLE_NAME" --item "{\\"pk\\":{\\"S\\":\\"$ITEM_KEY\\"}}"; '
    + 'do sleep 10; done; while true; do sleep 3600; done',
  ],
  env: {
    TABLE_NAME: table.tableName,
    ITEM_KEY,
    AWS_REGION: stack.region,
    // The root filesystem is read-only: give the AWS CLI a writable home.
    HOME: '/tmp',
  },
});
table.grantReadWriteData(workload);

const integ = new IntegTest(app, 'PodIdentityWorkload', {
  testCases: [stack],
  // A second, update deploy of a cluster stack adds ~20 minutes and tests nothing of this library.
  stackUpdateWorkflow: false,
});

// The association EKS stored binds the workload's service account to the workload's role.
integ.assertions.awsApiCall('EKS', 'describePodIdentityAssociation', {
  clusterName: cluster.clusterName,
  associationId: workload.association.associationId,
}).expect(ExpectedResult.objectLike({
  association: {
    clusterName: cluster.clusterName,
    roleArn: workload.role.roleArn,
    namespace: 'cart',
    serviceAccount: 'cart',
  },
}));

// The Pod Identity Agent the association needs is installed and healthy.
integ.assertions.awsApiCall('EKS', 'describeAddon', {
  clusterName: cluster.clusterName,
  addonName: PodIdentityAgentAddon.ADDON_NAME,
}).expect(ExpectedResult.objectLike({
  addon: {
    addonName: PodIdentityAgentAddon.ADDON_NAME,
    status: 'ACTIVE',
  },
})).waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) });

// End to end: the pod wrote the item with its Pod Identity credentials.
integ.assertions.awsApiCall('DynamoDB', 'getItem', {
  TableName: table.tableName,
  Key: { pk: { S: ITEM_KEY } },
}).expect(ExpectedResult.objectLike({
  Item: { pk: { S: ITEM_KEY } },
})).waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) });

app.synth();
