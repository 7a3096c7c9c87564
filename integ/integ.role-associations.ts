// Integration test: one PodIdentityRole associated with two service accounts in two namespaces of one
// aws_eks_v2 cluster, and a PodIdentityAssociation that chains into a target role with session tags off and a
// session policy. No manifests are applied, so the cluster needs no kubectl layer. On a real deploy the
// assertions read each association back from EKS. Verify offline with `npx projen integ`.
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Annotations, App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { PodIdentityAssociation, PodIdentityRole, PodIdentityTargetRole } from '../lib';

// No construct creation stack traces in the snapshot: they hold absolute paths of this checkout.
const app = new App({ stackTraces: false, postCliContext: { [cxapi.DISABLE_CREATION_STACK_TRACES]: true } });
const stack = new Stack(app, 'PodIdentityRoleAssociationsInteg');

const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
const cluster = new eks.Cluster(stack, 'Cluster', {
  version: eks.KubernetesVersion.V1_33,
  vpc,
  defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
  defaultCapacity: 1,
  defaultCapacityInstance: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM),
});

// One role, two service accounts in two namespaces.
const bucket = new s3.Bucket(stack, 'Bucket');
const sharedRole = new PodIdentityRole(stack, 'SharedRole', { description: 'shared by two service accounts' });
bucket.grantRead(sharedRole);
const reporting = sharedRole.associate(cluster, { namespace: 'reporting', serviceAccount: 'reader' });
const billing = sharedRole.associate(cluster, { namespace: 'billing', serviceAccount: 'exporter' });

// Role chaining: EKS assumes the association role, then the target role, with a session policy that narrows
// the target role's permissions. EKS requires session tags off with a session policy.
const sourceRole = new PodIdentityRole(stack, 'SourceRole', { description: 'chains into TargetRole' });
// Its trust is generated from the associations that use it: the source role, with the association's
// sts:ExternalId since session tags are off.
const targetRole = new PodIdentityTargetRole(stack, 'TargetRole', { description: 'target of role chaining' });
bucket.grantReadWrite(targetRole);
const chained = new PodIdentityAssociation(stack, 'ChainedAssociation', {
  cluster,
  role: sourceRole,
  namespace: 'ingest',
  serviceAccount: 'writer',
  targetRole,
  disableSessionTags: true,
  sessionPolicy: new iam.PolicyDocument({
    statements: [new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [bucket.arnForObjects('incoming/*')],
    })],
  }),
});

// No pods run in this test: the associations are read back from EKS, which does not need their namespaces to exist.
Annotations.of(stack).acknowledgeWarning('cdk-eks-pod-identity:NamespaceNotCreated',
  'the test creates associations only; no pods run in these namespaces');

const integ = new IntegTest(app, 'PodIdentityRoleAssociations', {
  testCases: [stack],
  // A second, update deploy of a cluster stack adds ~20 minutes and tests nothing of this library.
  stackUpdateWorkflow: false,
});

for (const [association, namespace, serviceAccount] of [
  [reporting, 'reporting', 'reader'],
  [billing, 'billing', 'exporter'],
] as const) {
  integ.assertions.awsApiCall('EKS', 'describePodIdentityAssociation', {
    clusterName: cluster.clusterName,
    associationId: association.associationId,
  }).expect(ExpectedResult.objectLike({
    association: {
      roleArn: sharedRole.roleArn,
      namespace,
      serviceAccount,
    },
  }));
}

integ.assertions.awsApiCall('EKS', 'describePodIdentityAssociation', {
  clusterName: cluster.clusterName,
  associationId: chained.associationId,
}).expect(ExpectedResult.objectLike({
  association: {
    roleArn: sourceRole.roleArn,
    targetRoleArn: targetRole.roleArn,
    disableSessionTags: true,
    namespace: 'ingest',
    serviceAccount: 'writer',
  },
}));

// The session policy reached EKS (EKS may reformat the JSON, so match its action only).
integ.assertions.awsApiCall('EKS', 'describePodIdentityAssociation', {
  clusterName: cluster.clusterName,
  associationId: chained.associationId,
}).assertAtPath('association.policy', ExpectedResult.stringLikeRegexp('s3:GetObject'));

app.synth();
