import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EXISTING_CLUSTER_CONTEXT, logicalIds, only, transitiveDependencies } from './example-helpers';
import { logicalIdOf } from '../../examples/example-cluster';
import { S3DemoExampleStack } from '../../examples/s3-demo-stack';
import { kubernetesObjects } from '../helpers/manifests';
import { awsSolutionsErrors, formatFindings } from '../judges/cdk-nag';
import { IamSimulationJudge, assertPodMay, assertPodMayNot } from '../judges/iam-simulation';
import { validateKubernetesObjects } from '../judges/kubernetes-schema';

const ANY_BUCKET = 'arn:aws:s3:::any-bucket-in-the-account';
// What the walkthrough's `aws s3 mb s3://...` would create.
const NEW_BUCKET = 'arn:aws:s3:::my-new-bucket';

describe('S3DemoExampleStack on a new cluster', () => {
  const stack = new S3DemoExampleStack(new App(), 'S3Demo');
  const template = Template.fromStack(stack);
  const judge = IamSimulationJudge.fromTemplate(template, stack);
  const bucketArn = judge.arnOf(logicalIdOf(stack.bucket));

  test('creates the VPC and a Kubernetes 1.33 cluster with one agent add-on for both workloads', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.hasResourceProperties('AWS::EKS::Cluster', { Version: '1.33' });
    only(template, 'AWS::EKS::Addon', { Properties: { AddonName: 'eks-pod-identity-agent' } });
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 2);
  });

  test('the walkthrough role: pods.eks.amazonaws.com trust and AmazonS3ReadOnlyAccess only', () => {
    const roleId = judge.roleLogicalId(stack.demo);
    template.templateMatches({
      Resources: {
        [roleId]: {
          Properties: {
            AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'pods.eks.amazonaws.com' } })] },
            ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonS3ReadOnlyAccess']] }],
          },
        },
      },
    });
    expect(judge.identityPolicies(roleId).map(policy => policy.name)).toEqual(['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      Namespace: 'demo-ns', ServiceAccount: 'demo-sa', RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
  });

  test('applies each manifest after its association, and the associations after the add-on', () => {
    const [addonId] = only(template, 'AWS::EKS::Addon');
    for (const workload of [stack.demo, stack.reader]) {
      const manifestId = logicalIdOf(workload.manifest);
      const associationId = logicalIdOf(workload.association.resource);
      expect(template.toJSON().Resources[manifestId].DependsOn).toContain(associationId);
      expect(transitiveDependencies(template, associationId).has(addonId)).toBe(true);
    }
  });

  test('the walkthrough Deployment: awscli-app, 2 replicas of amazon/aws-cli sleeping', () => {
    const objects = kubernetesObjects(template, new RegExp(`^${logicalIdOf(stack.demo.manifest)}$`));
    expect(validateKubernetesObjects(objects)).toBe(3);
    expect(objects.map(o => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`))
      .toEqual(['Namespace//demo-ns', 'ServiceAccount/demo-ns/demo-sa', 'Deployment/demo-ns/awscli-app']);
    const deployment = objects[2];
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.serviceAccountName).toBe('demo-sa');
    const [container] = deployment.spec.template.spec.containers;
    expect(container.image).toBe('amazon/aws-cli:latest');
    expect(container.command).toEqual(['sleep', 'infinity']);
    // Small requests, so that all four CLI pods fit on the example's two nodes; HOME from the library default.
    expect(container.resources.requests).toEqual({ cpu: '50m', memory: '64Mi' });
    expect(container.env).toContainEqual({ name: 'HOME', value: '/tmp' });
  });

  test('all Kubernetes objects of the stack are valid', () => {
    expect(validateKubernetesObjects(kubernetesObjects(template))).toBe(6);
  });

  test('walkthrough pods may list buckets and read objects, but not create buckets (`aws s3 mb` fails)', async () => {
    await assertPodMay(judge, stack.demo, 's3:ListAllMyBuckets', '*');
    await assertPodMay(judge, stack.demo, 's3:GetObject', `${ANY_BUCKET}/some/key`);
    await assertPodMayNot(judge, stack.demo, 's3:CreateBucket', NEW_BUCKET);
    await assertPodMayNot(judge, stack.demo, 's3:PutObject', `${ANY_BUCKET}/some/key`);
  });

  test('least-privilege pods may read the demo bucket only', async () => {
    await assertPodMay(judge, stack.reader, 's3:GetObject', `${bucketArn}/some/key`);
    await assertPodMay(judge, stack.reader, 's3:ListBucket', bucketArn);
    await assertPodMayNot(judge, stack.reader, 's3:GetObject', `${ANY_BUCKET}/some/key`);
    await assertPodMayNot(judge, stack.reader, 's3:ListAllMyBuckets', '*');
    await assertPodMayNot(judge, stack.reader, 's3:CreateBucket', NEW_BUCKET);
    await assertPodMayNot(judge, stack.reader, 's3:PutObject', `${bucketArn}/some/key`);
  });

  test('only pods.eks.amazonaws.com, for the associated service account, may assume either role', async () => {
    for (const workload of [stack.demo, stack.reader]) {
      const tags = (overrides: Record<string, string> = {}) => ({ sessionTags: judge.eksSessionTags(workload, {}, overrides) });
      expect(await judge.trustAllows(workload, tags())).toBe('Allowed');
      expect(await judge.trustAllows(workload, { ...tags(), principal: 'ec2.amazonaws.com' })).toBe('ImplicitlyDenied');
      expect(await judge.trustAllows(workload, tags({ 'kubernetes-namespace': 'default' }))).toBe('ImplicitlyDenied');
      expect(await judge.trustAllows(workload, tags({ 'kubernetes-service-account': 'default' }))).toBe('ImplicitlyDenied');
    }
  });

  test('cdk-nag AwsSolutions: no unacknowledged errors', () => {
    expect(formatFindings(awsSolutionsErrors(stack))).toEqual([]);
  });
});

describe('S3DemoExampleStack on an existing cluster (CDK context)', () => {
  const stack = new S3DemoExampleStack(new App({ context: EXISTING_CLUSTER_CONTEXT }), 'S3Demo');
  const template = Template.fromStack(stack);
  const judge = IamSimulationJudge.fromTemplate(template, stack);

  test('imports the cluster and deploys both workloads to it', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::EKS::Cluster', 'AWS::EKS::Nodegroup']) expect(logicalIds(template, type)).toEqual([]);
    template.resourcePropertiesCountIs('AWS::EKS::PodIdentityAssociation', { ClusterName: 'demo' }, 2);
    template.resourcePropertiesCountIs('Custom::AWSCDK-EKS-KubernetesResource', { ClusterName: 'demo' }, 2);
    expect(validateKubernetesObjects(kubernetesObjects(template))).toBe(6);
  });

  test('pods get the same permissions', async () => {
    await assertPodMay(judge, stack.demo, 's3:ListAllMyBuckets', '*');
    await assertPodMayNot(judge, stack.demo, 's3:CreateBucket', NEW_BUCKET);
  });

  test('cdk-nag AwsSolutions: no unacknowledged errors', () => {
    expect(formatFindings(awsSolutionsErrors(stack))).toEqual([]);
  });

  test('a private-endpoint cluster puts the kubectl Lambda in the given subnets', () => {
    const privateStack = new S3DemoExampleStack(new App({
      context: {
        ...EXISTING_CLUSTER_CONTEXT,
        vpcId: 'vpc-0123456789abcdef0',
        kubectlSubnetIds: 'subnet-0aaaaaaaaaaaaaaaa, subnet-0bbbbbbbbbbbbbbbb',
        kubectlSecurityGroupIds: 'sg-0cccccccccccccccc',
      },
    }), 'Private');
    Template.fromStack(privateStack).hasResourceProperties('AWS::Lambda::Function', {
      Description: 'onEvent handler for EKS kubectl resource provider',
      VpcConfig: {
        SubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
        SecurityGroupIds: ['sg-0cccccccccccccccc'],
      },
    });
    expect(() => new S3DemoExampleStack(new App({ context: { ...EXISTING_CLUSTER_CONTEXT, kubectlSubnetIds: 'subnet-0aaaaaaaaaaaaaaaa' } }), 'NoVpc'))
      .toThrow(/-c kubectlSubnetIds needs -c vpcId/);
    expect(() => new S3DemoExampleStack(new App({ context: { ...EXISTING_CLUSTER_CONTEXT, vpcId: 'vpc-0123456789abcdef0', kubectlSubnetIds: 'subnet-0aaaaaaaaaaaaaaaa' } }), 'NoSg'))
      .toThrow(/-c kubectlSubnetIds needs -c kubectlSecurityGroupIds/);
  });
});
