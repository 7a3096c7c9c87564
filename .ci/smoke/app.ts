// A new user's CDK app: everything comes from the package root, on an imported aws_eks_v2 cluster.
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PodIdentityAgentAddon, PodIdentityBoundWorkload, PodIdentityRole } from 'cdk-eks-pod-identity';

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'SmokeStack', { env: { account: '111111111111', region: 'us-east-1' } });

const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
  clusterName: 'smoke-cluster',
  kubectlProvider: eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
    serviceToken: 'arn:aws:lambda:us-east-1:111111111111:function:smoke-kubectl',
    role: iam.Role.fromRoleArn(stack, 'KubectlRole', 'arn:aws:iam::111111111111:role/smoke-kubectl'),
  }),
});

const addon = PodIdentityAgentAddon.of(cluster);
if (PodIdentityAgentAddon.of(cluster) !== addon) throw new Error('PodIdentityAgentAddon.of() returned a second add-on');

const bucket = new s3.Bucket(stack, 'Bucket');

const reader = new PodIdentityRole(stack, 'ReaderRole');
bucket.grantRead(reader);
reader.associate(cluster, { namespace: 'batch', serviceAccount: 'reader' });

const web = new PodIdentityBoundWorkload(stack, 'Web', {
  cluster,
  namespace: 'web',
  image: 'public.ecr.aws/nginx/nginx:1.27',
  port: 8080,
  env: { BUCKET: bucket.bucketName },
});
bucket.grantReadWrite(web);

app.synth();
