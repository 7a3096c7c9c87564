#!/usr/bin/env node
// The bundled examples as one CDK app: `npx cdk synth` (offline) or `npx cdk deploy <stack>`.
// The cluster stacks create their own VPC and EKS cluster unless `-c clusterName=... -c kubectlRoleArn=...` names
// an existing cluster (see example-cluster.ts). Carts, platform and S3 demo are environment-agnostic; the cross-account pair
// has two explicit environments (placeholder accounts by default), so synthesis needs no AWS account either way.
import { App } from 'aws-cdk-lib';
import { CartsExampleStack } from './carts-stack';
import { CrossAccountClusterStack, CrossAccountDataStack } from './cross-account-stack';
import { crossAccountEnvironmentsFromContext } from './example-cluster';
import { PlatformExampleStack } from './platform-stack';
import { S3DemoExampleStack } from './s3-demo-stack';

const app = new App();
new CartsExampleStack(app, 'CartsExampleStack', {
  description: 'cdk-eks-pod-identity example: the EKS workshop carts service with DynamoDB through EKS Pod Identity',
});
new S3DemoExampleStack(app, 'S3DemoExampleStack', {
  description: 'cdk-eks-pod-identity example: the EKS Pod Identity walkthrough (AWS CLI pods listing S3)',
});
new PlatformExampleStack(app, 'PlatformExampleStack', {
  description: 'cdk-eks-pod-identity example: cluster software on EKS Pod Identity (EBS CSI driver add-on, external-dns for one zone, AWS Load Balancer Controller)',
});
// Two accounts: `-c clusterAccount=... -c dataAccount=... -c region=...` (placeholders synthesize offline).
const crossAccount = crossAccountEnvironmentsFromContext(app);
const data = new CrossAccountDataStack(app, 'CrossAccountDataStack', {
  env: crossAccount.data,
  description: 'cdk-eks-pod-identity example: the data account (S3 bucket and the EKS Pod Identity target role reading it). Deploy first.',
});
new CrossAccountClusterStack(app, 'CrossAccountClusterStack', {
  env: crossAccount.cluster,
  data,
  description: 'cdk-eks-pod-identity example: the cluster account (workload chaining into the data account\'s target role)',
});
app.synth();
