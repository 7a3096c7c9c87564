// The cross-account example, proved offline: pods of reports/reader in the cluster account read the data account's
// bucket through pods.eks -> their association role -> the data account's target role; every other pod, cluster
// or role is denied at the hop that should stop it.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { only } from './example-helpers';
import { CROSS_ACCOUNT_CLUSTER_NAME, CrossAccountClusterStack, CrossAccountDataStack } from '../../examples/cross-account-stack';
import { logicalIdOf } from '../../examples/example-cluster';
import { kubernetesObjects } from '../helpers/manifests';
import { awsSolutionsErrors, formatFindings } from '../judges/cdk-nag';
import { chainMay, ChainRequest, IamSimulationJudge } from '../judges/iam-simulation';
import { validateKubernetesObjects } from '../judges/kubernetes-schema';

const CLUSTER_ACCOUNT = '111111111111';
const DATA_ACCOUNT = '222222222222';

describe('cross-account example: a workload reads another account\'s bucket through a PodIdentityTargetRole', () => {
  const app = new App();
  const data = new CrossAccountDataStack(app, 'Data', { env: { account: DATA_ACCOUNT, region: 'us-east-1' } });
  const clusterStack = new CrossAccountClusterStack(app, 'Cluster', { env: { account: CLUSTER_ACCOUNT, region: 'us-east-1' }, data });
  const assembly = app.synth();
  const clusterTemplate = Template.fromJSON(assembly.getStackByName(clusterStack.stackName).template);
  const dataTemplate = Template.fromJSON(assembly.getStackByName(data.stackName).template);
  const clusterJudge = IamSimulationJudge.fromTemplate(clusterTemplate, clusterStack);
  const dataJudge = IamSimulationJudge.fromTemplate(dataTemplate, data);
  const bucketArn = dataJudge.arnOf(logicalIdOf(data.bucket));
  const pod: ChainRequest = { associationRole: clusterStack.reader, targetRole: data.targetRole };
  const read = (request: ChainRequest, action = 's3:GetObject', resource = `${bucketArn}/2025/report.csv`) =>
    chainMay(clusterJudge, dataJudge, request, action, resource);

  test('two stacks in two accounts, no CloudFormation export between them; the cluster stack deploys after the data stack', () => {
    for (const template of [clusterTemplate, dataTemplate]) expect(JSON.stringify(template.toJSON())).not.toMatch(/Fn::ImportValue|Export/);
    expect(assembly.getStackByName(clusterStack.stackName).dependencies.map(d => d.id)).toContain(data.artifactId);
    const [, association] = only(clusterTemplate, 'AWS::EKS::PodIdentityAssociation');
    expect(clusterJudge.resolve(association.Properties.TargetRoleArn)).toBe(dataJudge.arnOf(logicalIdOf(data.targetRole)));
    expect(dataJudge.arnOf(logicalIdOf(data.targetRole))).toMatch(new RegExp(`^arn:aws:iam::${DATA_ACCOUNT}:role/`));
  });

  test('the pods may read the bucket through the chain, and nothing else', async () => {
    expect(await read(pod)).toMatchObject({ allowed: true, decidedAt: 'done' });
    expect(await read(pod, 's3:ListBucket', bucketArn)).toMatchObject({ allowed: true });
    expect(await read(pod, 's3:PutObject')).toMatchObject({ allowed: false, decidedAt: 'target role -> action' });
    expect(await read(pod, 's3:GetObject', 'arn:aws:s3:::another-bucket/key')).toMatchObject({ allowed: false, decidedAt: 'target role -> action' });
  });

  test.each([
    ['another namespace', { 'kubernetes-namespace': 'default' }],
    ['another service account', { 'kubernetes-service-account': 'default' }],
    ['a cluster of the same name in another account', { 'eks-cluster-arn': `arn:aws:eks:us-east-1:333333333333:cluster/${CROSS_ACCOUNT_CLUSTER_NAME}` }],
    ['another cluster', { 'eks-cluster-name': 'other', 'eks-cluster-arn': `arn:aws:eks:us-east-1:${CLUSTER_ACCOUNT}:cluster/other` }],
  ])('%s: denied by the association role\'s trust (first hop), and by the target role\'s trust on its own', async (_case, overrides) => {
    expect(await read({ ...pod, tagOverrides: overrides })).toMatchObject({ allowed: false, decidedAt: 'pods.eks -> association role' });
    expect(await read({ ...pod, transitiveTagOverrides: overrides })).toMatchObject({ allowed: false, decidedAt: 'association role -> target role' });
  });

  test.each([
    ['another role of the cluster account', `arn:aws:iam::${CLUSTER_ACCOUNT}:role/some-other-role`],
    ['a role of another account', 'arn:aws:iam::333333333333:role/reader'],
  ])('%s, even with the same tags and permissions, may not assume the target role', async (_case, callerRoleArn) => {
    expect(await read({ ...pod, callerRoleArn })).toMatchObject({ allowed: false, decidedAt: 'association role -> target role' });
  });

  test('the workload: Namespace, ServiceAccount and Deployment valid, the bucket name a literal in its env', () => {
    const objects = kubernetesObjects(clusterTemplate);
    expect(validateKubernetesObjects(objects)).toBe(3);
    const deployment = objects.find(o => o.kind === 'Deployment');
    expect(deployment!.spec.template.spec.containers[0].env).toContainEqual({ name: 'REPORTS_BUCKET', value: dataJudge.refOf(logicalIdOf(data.bucket)) });
  });

  test('cdk-nag AwsSolutions: no unacknowledged errors in either stack', () => {
    expect(formatFindings([...awsSolutionsErrors(data), ...awsSolutionsErrors(clusterStack)])).toEqual([]);
  });
});
