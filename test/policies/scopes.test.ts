// The scoping inputs of the presets: an empty or missing required scope fails with the exact message, and each
// optional scope adds exactly its statements (none when it is left out).
import { Lazy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { arn, awsManagedPolicyNames, presetDocuments, presetStatements, roleWith } from './helpers';
import { WellKnownPolicy } from '../../lib';

const KEY = arn('kms', 'key/11111111-1111-1111-1111-111111111111');
const CERTIFICATE = arn('acm', 'certificate/1');
const VIRTUAL_NODE = arn('appmesh', 'mesh/m/virtualNode/n');

describe('a required scope left empty or out fails with the preset, the option and its fix', () => {
  const fail = (preset: string, option: string, got: string, fix: string) =>
    `[cdk-eks-pod-identity:EmptyPolicyScope] WellKnownPolicy.${preset}() needs at least one value in ${option}, got ${got}. Fix: ${fix}`;
  const cases: Array<[string, (scope: any) => WellKnownPolicy, string, string]> = [
    ['karpenter', scope => WellKnownPolicy.karpenter({ nodeRoles: scope }), 'nodeRoles', 'pass the node role(s) of your EC2NodeClass resources'],
    ['awsPrivateCaIssuer', scope => WellKnownPolicy.awsPrivateCaIssuer({ certificateAuthorityArns: scope }), 'certificateAuthorityArns',
      'pass the ARNs of the certificate authorities your issuers name'],
    ['awsLoadBalancerControllerTargetGroupBindingOnly', scope => WellKnownPolicy.awsLoadBalancerControllerTargetGroupBindingOnly({ targetGroupArns: scope }),
      'targetGroupArns', 'pass the ARNs of the target groups your TargetGroupBinding resources name'],
    ['appMeshEnvoy', scope => WellKnownPolicy.appMeshEnvoy({ namespace: 'mesh', serviceAccount: 'envoy', virtualNodeArns: scope }), 'virtualNodeArns',
      'pass the ARNs of the virtual nodes or gateways the Envoys serve'],
    ['efsCsiDriver', scope => WellKnownPolicy.efsCsiDriver({ fileSystems: scope }), 'fileSystems', 'pass the file systems, or leave fileSystems out for any'],
    ['mountpointS3CsiDriver', scope => WellKnownPolicy.mountpointS3CsiDriver({ buckets: scope }), 'buckets', 'pass the buckets your PersistentVolumes mount'],
  ];

  test.each(cases)('%s with an empty list', (preset, build, option, fix) => {
    expect(() => build([])).toThrow(fail(preset, option, '[]', fix));
  });

  // jsii callers (Python, Java...) can leave a required list out; efsCsiDriver reads a missing list as "any".
  test.each(cases.filter(([preset]) => preset !== 'efsCsiDriver'))('%s with the list left out', (preset, build, option, fix) => {
    expect(() => build(undefined)).toThrow(fail(preset, option, '[]', fix));
  });
});

describe('ARN scopes', () => {
  test('an unresolved ARN is taken as it is and lands in the statement', () => {
    const authority = Lazy.string({ produce: () => arn('acm-pca', 'certificate-authority/lazy') });
    const fixture = roleWith(() => WellKnownPolicy.awsPrivateCaIssuer({ certificateAuthorityArns: [authority] }));
    expect(presetStatements(fixture).map(statement => statement.Resource)).toContainEqual(arn('acm-pca', 'certificate-authority/lazy'));
  });

  const wrongArn = arn('acm', 'certificate/1');
  test.each<[string, () => WellKnownPolicy, string, string]>([
    ['appMeshEnvoy', () => WellKnownPolicy.appMeshEnvoy({ namespace: 'mesh', serviceAccount: 'envoy', virtualNodeArns: [wrongArn] }), 'virtualNodeArns', 'appmesh'],
    ['awsPrivateCaIssuer', () => WellKnownPolicy.awsPrivateCaIssuer({ certificateAuthorityArns: [wrongArn] }), 'certificateAuthorityArns', 'acm-pca'],
    ['awsLoadBalancerControllerTargetGroupBindingOnly', () => WellKnownPolicy.awsLoadBalancerControllerTargetGroupBindingOnly({ targetGroupArns: [wrongArn] }),
      'targetGroupArns', 'elasticloadbalancing'],
  ])('%s: a literal that is not an ARN of the service is rejected with the option and the value', (preset, build, option, service) => {
    expect(build).toThrow(`[cdk-eks-pod-identity:InvalidPolicyScope] WellKnownPolicy.${preset}() ${option} must hold ${service} ARNs, `
      + `got "${wrongArn}". Fix: pass full ARNs like arn:aws:${service}:<region>:<account>:...`);
  });
});

describe('optional scopes add exactly their statements', () => {
  test('appMeshEnvoy exports the given TLS certificates, and nothing without them', () => {
    const withCertificates = roleWith(() => WellKnownPolicy.appMeshEnvoy({ namespace: 'mesh', serviceAccount: 'envoy', virtualNodeArns: [VIRTUAL_NODE], tlsCertificateArns: [CERTIFICATE] }));
    expect(presetStatements(withCertificates)).toEqual([
      { Effect: 'Allow', Action: 'appmesh:StreamAggregatedResources', Resource: VIRTUAL_NODE },
      { Effect: 'Allow', Action: ['acm:ExportCertificate', 'acm-pca:GetCertificateAuthorityCertificate'], Resource: CERTIFICATE },
    ]);
    const without = roleWith(() => WellKnownPolicy.appMeshEnvoy({ namespace: 'mesh', serviceAccount: 'envoy', virtualNodeArns: [VIRTUAL_NODE] }));
    expect(presetStatements(without)).toEqual([{ Effect: 'Allow', Action: 'appmesh:StreamAggregatedResources', Resource: VIRTUAL_NODE }]);
  });

  test('fsxLustreCsiDriver gets the S3 data-repository role and bucket listing only with data-repository buckets', () => {
    const withBuckets = roleWith(stack => WellKnownPolicy.fsxLustreCsiDriver({ dataRepositoryBuckets: [s3.Bucket.fromBucketName(stack, 'Data', 'data')] }));
    const statements = presetStatements(withBuckets);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::data' });
    expect(statements.filter(statement => [statement.Action].flat().includes('iam:AttachRolePolicy'))).toEqual([expect.objectContaining({
      Action: ['iam:CreateServiceLinkedRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy'],
      Resource: expect.stringMatching(/:role\/aws-service-role\/s3\.data-source\.lustre\.fsx\.amazonaws\.com\/\*$/),
    })]);
    const actions = presetStatements(roleWith(() => WellKnownPolicy.fsxLustreCsiDriver())).flatMap(statement => [statement.Action].flat());
    expect(actions).not.toContain('s3:ListBucket');
    expect(actions).not.toContain('iam:AttachRolePolicy');
  });

  test.each([
    [false, ['kms:Decrypt', 'kms:GenerateDataKey']],
    [true, 'kms:Decrypt'],
  ])('mountpointS3CsiDriver with KMS keys (readOnly %s) may use exactly them', (readOnly, actions) => {
    const fixture = roleWith(stack => WellKnownPolicy.mountpointS3CsiDriver({
      buckets: [s3.Bucket.fromBucketName(stack, 'Data', 'data')], readOnly, kmsKeys: [kms.Key.fromKeyArn(stack, 'Key', KEY)],
    }));
    expect(presetStatements(fixture).filter(statement => statement.Resource === KEY)).toEqual([{ Effect: 'Allow', Action: actions, Resource: KEY }]);
  });

  test('mountpointS3CsiDriver without KMS keys names no key', () => {
    const fixture = roleWith(stack => WellKnownPolicy.mountpointS3CsiDriver({ buckets: [s3.Bucket.fromBucketName(stack, 'Data', 'data')] }));
    expect(presetStatements(fixture).flatMap(statement => [statement.Action].flat()).filter(action => action.startsWith('kms:'))).toEqual([]);
  });

  test('ebsCsiDriver without KMS keys is the AWS managed policy alone', () => {
    const fixture = roleWith(() => WellKnownPolicy.ebsCsiDriver());
    expect(awsManagedPolicyNames(fixture)).toEqual(['service-role/AmazonEBSCSIDriverPolicy']);
    expect(presetDocuments(fixture)).toEqual([]);
  });
});

