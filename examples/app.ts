#!/usr/bin/env node
// The bundled examples as one CDK app: `npx cdk synth` (offline) or `npx cdk deploy <stack>`.
// Both stacks create their own VPC and EKS cluster unless `-c clusterName=... -c kubectlRoleArn=...` names an
// existing cluster (see example-cluster.ts). Stacks are environment-agnostic, so synthesis needs no AWS account.
import { App } from 'aws-cdk-lib';
import { CartsExampleStack } from './carts-stack';
import { S3DemoExampleStack } from './s3-demo-stack';

const app = new App();
new CartsExampleStack(app, 'CartsExampleStack', {
  description: 'cdk-eks-pod-identity example: the EKS workshop carts service with DynamoDB through EKS Pod Identity',
});
new S3DemoExampleStack(app, 'S3DemoExampleStack', {
  description: 'cdk-eks-pod-identity example: the EKS Pod Identity walkthrough (AWS CLI pods listing S3)',
});
app.synth();
