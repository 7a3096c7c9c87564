import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EXISTING_CLUSTER_CONTEXT, logicalIds, only, transitiveDependencies } from './example-helpers';
import { CartsExampleStack } from '../../examples/carts-stack';
import { logicalIdOf } from '../../examples/example-cluster';
import { kubernetesObjects } from '../helpers/manifests';
import { awsSolutionsErrors, formatFindings } from '../judges/cdk-nag';
import { IamSimulationJudge, assertPodMay, assertPodMayNot } from '../judges/iam-simulation';
import { validateKubernetesObjects } from '../judges/kubernetes-schema';

const OTHER_TABLE = 'arn:aws:dynamodb:us-east-1:111111111111:table/OtherTable';

test('a stack deployed with the earlier example updates in place: no logical id of it now names a resource of another type', () => {
  // The carts table was a TableV2 (AWS::DynamoDB::GlobalTable) under this logical id; CloudFormation cannot change a
  // deployed resource's type, so the Table must not reuse it.
  const earlier: Record<string, string> = { CartsTableF57A4C06: 'AWS::DynamoDB::GlobalTable' };
  for (const stack of [new CartsExampleStack(new App(), 'Carts'), new CartsExampleStack(new App({ context: EXISTING_CLUSTER_CONTEXT }), 'Carts')]) {
    const resources = Template.fromStack(stack).toJSON().Resources;
    for (const [logicalId, type] of Object.entries(earlier)) {
      if (resources[logicalId]) expect(resources[logicalId].Type).toBe(type);
    }
    expect(logicalIdOf(stack.table)).not.toBe('CartsTableF57A4C06');
  }
});

describe('CartsExampleStack on a new cluster', () => {
  const stack = new CartsExampleStack(new App(), 'Carts');
  const template = Template.fromStack(stack);
  const judge = IamSimulationJudge.fromTemplate(template, stack);
  const tableId = logicalIdOf(stack.table);
  const tableArn = judge.arnOf(tableId);

  test('creates the VPC and a Kubernetes 1.33 cluster with a managed node group', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.hasResourceProperties('AWS::EKS::Cluster', { Version: '1.33' });
    template.resourceCountIs('AWS::EKS::Nodegroup', 1);
  });

  test('the table: id key, customerId index, point-in-time recovery, encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'customerId', AttributeType: 'S' }]),
      GlobalSecondaryIndexes: [Match.objectLike({
        IndexName: 'idx_global_customerId',
        KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }],
      })],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  test('one agent add-on and one association of the carts service account with the workload role', () => {
    const [addonId] = only(template, 'AWS::EKS::Addon', { Properties: { AddonName: 'eks-pod-identity-agent' } });
    const roleId = judge.roleLogicalId(stack.carts);
    const [associationId] = only(template, 'AWS::EKS::PodIdentityAssociation', {
      Properties: { Namespace: 'carts', ServiceAccount: 'carts', RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } },
    });
    expect(addonId).toBeDefined();
    expect(associationId).toMatch(/^PodIdentityAssociation/);
  });

  test('applies the manifest after the association, and the association after the add-on and the role policy', () => {
    const [manifestId] = only(template, 'Custom::AWSCDK-EKS-KubernetesResource');
    const [associationId] = only(template, 'AWS::EKS::PodIdentityAssociation');
    const [addonId] = only(template, 'AWS::EKS::Addon');
    const [policyId] = only(template, 'AWS::IAM::Policy', { Properties: { Roles: [{ Ref: judge.roleLogicalId(stack.carts) }] } });

    expect(template.toJSON().Resources[manifestId].DependsOn).toContain(associationId);
    expect([...transitiveDependencies(template, associationId)]).toEqual(expect.arrayContaining([addonId, policyId]));
    expect(transitiveDependencies(template, addonId).has(manifestId)).toBe(false);
  });

  test('Kubernetes objects are valid and run the carts image with the table name', () => {
    const objects = kubernetesObjects(template);
    expect(validateKubernetesObjects(objects)).toBe(3);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/carts', 'ServiceAccount/carts', 'Deployment/carts']);
    const deployment = objects[2];
    expect(deployment.metadata.namespace).toBe('carts');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('carts');
    const [container] = deployment.spec.template.spec.containers;
    expect(container.image).toBe('public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0');
    expect(container.ports).toEqual([expect.objectContaining({ containerPort: 8080 })]);
    expect(container.env).toEqual(expect.arrayContaining([
      { name: 'RETAIL_CART_PERSISTENCE_PROVIDER', value: 'dynamodb' },
      { name: 'RETAIL_CART_PERSISTENCE_DYNAMODB_TABLE_NAME', value: `<Ref:${tableId}>` },
    ]));
  });

  test('pods may read and write the carts table and query its index', async () => {
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']) {
      await assertPodMay(judge, stack.carts, action, tableArn);
    }
    await assertPodMay(judge, stack.carts, 'dynamodb:Query', `${tableArn}/index/idx_global_customerId`);
  });

  test('pods may not touch another table, nor delete their own', async () => {
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']) {
      await assertPodMayNot(judge, stack.carts, action, OTHER_TABLE);
    }
    await assertPodMayNot(judge, stack.carts, 'dynamodb:Query', `${OTHER_TABLE}/index/idx_global_customerId`);
    await assertPodMayNot(judge, stack.carts, 'dynamodb:DeleteTable', tableArn);
  });

  test('only pods.eks.amazonaws.com, for the carts service account on this cluster, may assume the role', async () => {
    const tags = (overrides: Record<string, string> = {}) => ({ sessionTags: judge.eksSessionTags(stack.carts, {}, overrides) });
    expect(await judge.trustAllows(stack.carts, tags())).toBe('Allowed');
    expect(await judge.trustAllows(stack.carts, { ...tags(), principal: 'ec2.amazonaws.com' })).toBe('ImplicitlyDenied');
    expect(await judge.trustAllows(stack.carts, tags({ 'kubernetes-namespace': 'orders' }))).toBe('ImplicitlyDenied');
    expect(await judge.trustAllows(stack.carts, tags({ 'kubernetes-service-account': 'default' }))).toBe('ImplicitlyDenied');
    expect(await judge.trustAllows(stack.carts, tags({ 'eks-cluster-name': 'another-cluster' }))).toBe('ImplicitlyDenied');
    expect(await judge.trustAllows(stack.carts, { sessionTags: {} })).toBe('ImplicitlyDenied');
  });

  test('cdk-nag AwsSolutions: no unacknowledged errors', () => {
    expect(formatFindings(awsSolutionsErrors(stack))).toEqual([]);
  });
});

describe('CartsExampleStack on an existing cluster (CDK context)', () => {
  const stack = new CartsExampleStack(new App({ context: EXISTING_CLUSTER_CONTEXT }), 'Carts');
  const template = Template.fromStack(stack);
  const judge = IamSimulationJudge.fromTemplate(template, stack);

  test('imports the cluster: no VPC, cluster or node group, a kubectl provider running as the given role', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::EKS::Cluster', 'AWS::EKS::Nodegroup']) expect(logicalIds(template, type)).toEqual([]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'onEvent handler for EKS kubectl resource provider',
      Role: EXISTING_CLUSTER_CONTEXT.kubectlRoleArn,
    });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: 'demo', Namespace: 'carts', ServiceAccount: 'carts' });
    template.hasResourceProperties('AWS::EKS::Addon', { ClusterName: 'demo', AddonName: 'eks-pod-identity-agent' });
  });

  test('the manifest goes through that kubectl provider', () => {
    const [, manifest] = only(template, 'Custom::AWSCDK-EKS-KubernetesResource');
    expect(manifest.Properties.ClusterName).toBe('demo');
    const [providerFunctionId] = manifest.Properties.ServiceToken['Fn::GetAtt'];
    expect(providerFunctionId).toMatch(/^ClusterKubectlProviderframeworkonEvent/);
    template.templateMatches({ Resources: { [providerFunctionId]: { Type: 'AWS::Lambda::Function' } } });
    expect(validateKubernetesObjects(kubernetesObjects(template))).toBe(3);
  });

  test('pods on the existing cluster get the same permissions', async () => {
    await assertPodMay(judge, stack.carts, 'dynamodb:GetItem', judge.arnOf(logicalIdOf(stack.table)));
    await assertPodMayNot(judge, stack.carts, 'dynamodb:GetItem', OTHER_TABLE);
  });

  test('cdk-nag AwsSolutions: no unacknowledged errors', () => {
    expect(formatFindings(awsSolutionsErrors(stack))).toEqual([]);
  });

  test('-c podIdentityAgentInstalled=true records the installed agent instead of creating the add-on', () => {
    const installed = new CartsExampleStack(new App({ context: { ...EXISTING_CLUSTER_CONTEXT, podIdentityAgentInstalled: 'true' } }), 'Installed');
    const installedTemplate = Template.fromStack(installed);
    installedTemplate.resourceCountIs('AWS::EKS::Addon', 0);
    installedTemplate.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: 'demo', Namespace: 'carts', ServiceAccount: 'carts' });
  });

  test('half the context is an error, not a new cluster', () => {
    expect(() => new CartsExampleStack(new App({ context: { clusterName: 'demo' } }), 'Half'))
      .toThrow(/Set both -c clusterName=<name> and -c kubectlRoleArn=<arn>/);
  });
});
