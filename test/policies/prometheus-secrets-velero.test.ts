// The inputs of amazonManagedPrometheus, externalSecrets and velero: each option adds exactly its statements (none
// when left out), and every rejected input fails with the exact message and fix.
import { App, CfnParameter, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { PodIdentityRole, WellKnownPolicy } from '../../lib';

const ACCOUNT = '111111111111';
const WORKSPACE = `arn:aws:aps:us-east-1:${ACCOUNT}:workspace/ws-1`;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/db-AbCdEf`;
const SECRET_ACTIONS = ['secretsmanager:GetResourcePolicy', 'secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:ListSecretVersionIds'];

function newStack(): Stack {
  return new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
}

/** A resolved value with its joins flattened and `Ref`s named: `AWS::Partition` as aws, others as <Id>. */
function flat(value: any): any {
  if (Array.isArray(value)) return value.map(flat);
  if (value?.['Fn::Join']) return value['Fn::Join'][1].map(flat).join(value['Fn::Join'][0]);
  if (value?.Ref) return value.Ref === 'AWS::Partition' ? 'aws' : `<${value.Ref}>`;
  return value;
}

/** The preset's statements, resolved, their resources flattened. */
function statementsOf(stack: Stack, preset: WellKnownPolicy): any[] {
  return preset.statements.map(statement => stack.resolve(statement.toStatementJson()))
    .map(statement => ({ ...statement, Resource: flat(statement.Resource) }));
}

const actionsOf = (statements: any[]) => statements.flatMap(statement => [statement.Action].flat());

describe('amazonManagedPrometheus', () => {
  test('writes only, unless query is asked for', () => {
    const stack = newStack();
    expect(statementsOf(stack, WellKnownPolicy.amazonManagedPrometheus({ workspaceArns: [WORKSPACE] })))
      .toEqual([{ Effect: 'Allow', Action: 'aps:RemoteWrite', Resource: WORKSPACE }]);
    expect(statementsOf(stack, WellKnownPolicy.amazonManagedPrometheus({ workspaceArns: [WORKSPACE], query: true }))).toEqual([{
      Effect: 'Allow',
      Action: ['aps:RemoteWrite', 'aps:QueryMetrics', 'aps:GetSeries', 'aps:GetLabels', 'aps:GetMetricMetadata'],
      Resource: WORKSPACE,
    }]);
  });

  test.each([[[]], [undefined]])('workspaceArns %j: the exact error', workspaceArns => {
    expect(() => WellKnownPolicy.amazonManagedPrometheus({ workspaceArns: workspaceArns as any })).toThrow(
      '[cdk-eks-pod-identity:EmptyPolicyScope] WellKnownPolicy.amazonManagedPrometheus() needs at least one value in workspaceArns, got []. Fix: pass the ARNs of the workspaces to write to');
  });

  test('a workspace id instead of its ARN: the exact error', () => {
    expect(() => WellKnownPolicy.amazonManagedPrometheus({ workspaceArns: ['ws-1'] })).toThrow(
      '[cdk-eks-pod-identity:InvalidPolicyScope] WellKnownPolicy.amazonManagedPrometheus() workspaceArns must hold aps ARNs, got "ws-1". Fix: pass full ARNs like arn:aws:aps:<region>:<account>:...');
  });
});

describe('externalSecrets', () => {
  test('parameters alone: only the parameters are readable', () => {
    const stack = newStack();
    const parameter = ssm.StringParameter.fromStringParameterName(stack, 'Param', 'app-config');
    expect(statementsOf(stack, WellKnownPolicy.externalSecrets({ parameters: [parameter] }))).toEqual([{
      Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app-config`,
    }]);
  });

  test('secrets alone: only the secrets are readable; with keys, those keys decrypt them', () => {
    const stack = newStack();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', SECRET);
    expect(statementsOf(stack, WellKnownPolicy.externalSecrets({ secrets: [secret] })))
      .toEqual([{ Effect: 'Allow', Action: SECRET_ACTIONS, Resource: SECRET }]);
    expect(statementsOf(stack, WellKnownPolicy.externalSecrets({ secrets: [secret], kmsKeys: [kms.Key.fromKeyArn(stack, 'Key', KEY)] }))).toEqual([
      { Effect: 'Allow', Action: SECRET_ACTIONS, Resource: SECRET },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY },
    ]);
  });

  test('nothing to read: the exact error', () => {
    expect(() => WellKnownPolicy.externalSecrets({ secrets: [], parameters: [] })).toThrow(
      '[cdk-eks-pod-identity:EmptyPolicyScope] WellKnownPolicy.externalSecrets() needs at least one secret or parameter, got none. Fix: pass the secrets (secrets: [...]) and/or SSM parameters (parameters: [...]) your ExternalSecret resources read');
  });

  test('a wildcard in a secret\'s partial ARN is acknowledged for cdk-nag with the reason of the secrets\' ARN patterns', () => {
    const stack = newStack();
    const secret = secretsmanager.Secret.fromSecretPartialArn(stack, 'Secret', `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/*`);
    const role = new PodIdentityRole(stack, 'Role', { wellKnownPolicies: [WellKnownPolicy.externalSecrets({ secrets: [secret] })] });
    const policy = role.node.findChild('WellKnownPolicyExternalSecrets');
    expect(policy.node.metadata.filter(entry => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map(entry => entry.data)).toEqual([{
      [`AwsSolutions-IAM5[Resource::arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:app/*-??????]`]:
        'a secret imported by name has a random six-character ARN suffix, matched by "-??????"',
    }]);
  });
});

describe('velero', () => {
  const bucket = (stack: Stack) => s3.Bucket.fromBucketName(stack, 'Bucket', 'backups');

  test('without volume snapshots: the bucket only, no EC2 action', () => {
    const stack = newStack();
    expect(statementsOf(stack, WellKnownPolicy.velero({ bucket: bucket(stack), volumeSnapshots: false }))).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:DeleteObject', 's3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        Resource: 'arn:aws:s3:::backups/*',
      },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::backups' },
    ]);
  });

  test('with volume snapshots (the default): EC2 snapshots, deletion acknowledged as limited to what Velero tagged', () => {
    const stack = newStack();
    const preset = WellKnownPolicy.velero({ bucket: bucket(stack) });
    expect(actionsOf(statementsOf(stack, preset))).toEqual(expect.arrayContaining(['ec2:CreateSnapshot', 'ec2:DeleteSnapshot']));
    const role = new PodIdentityRole(stack, 'Role', { wellKnownPolicies: [preset] });
    const reasons = Object.assign({}, ...role.node.findChild('WellKnownPolicyVelero').node.metadata
      .filter(entry => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map(entry => entry.data));
    expect(reasons['AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*::snapshot/*]'])
      .toEqual('volumes and snapshots are named by EC2 at run time; only snapshots Velero tagged with its backup');
  });

  test('trailing slashes of the prefix are dropped, however many', () => {
    const stack = newStack();
    const objects = statementsOf(stack, WellKnownPolicy.velero({ bucket: bucket(stack), prefix: 'cluster-a//', volumeSnapshots: false }))[0];
    expect(objects.Resource).toEqual('arn:aws:s3:::backups/cluster-a/*');
  });

  test('a prefix from a parameter: the text around it is trimmed and checked, the value is used as it is', () => {
    const stack = newStack();
    const parameter = new CfnParameter(stack, 'Prefix');
    const backups = bucket(stack);
    const objects = (prefix: string) => statementsOf(stack, WellKnownPolicy.velero({ bucket: backups, prefix, volumeSnapshots: false }))[0].Resource;
    expect(objects(parameter.valueAsString)).toEqual('arn:aws:s3:::backups/<Prefix>/*');
    expect(objects(`${parameter.valueAsString}/`)).toEqual('arn:aws:s3:::backups/<Prefix>/*');
    expect(() => objects(`/${parameter.valueAsString}`)).toThrow(/InvalidVeleroPrefix.*starts with '\/'/);
    expect(() => objects(`${parameter.valueAsString}*`)).toThrow(/InvalidVeleroPrefix.*holds an IAM wildcard/);
  });

  test('from JavaScript, without a bucket: the exact error', () => {
    expect(() => WellKnownPolicy.velero({} as any)).toThrow(
      '[cdk-eks-pod-identity:EmptyPolicyScope] WellKnownPolicy.velero() needs the bucket of the backup storage location, got none. Fix: pass bucket: s3.Bucket.fromBucketName(this, \'Backups\', \'my-backups\')');
  });

  const PREFIX_FIX = 'pass the backup storage location\'s prefix as Velero has it, without a leading slash or wildcards (e.g. "cluster-a"), or omit prefix for the whole bucket';
  test.each([
    ['//', 'is empty (or only slashes)'],
    ['/cluster-a', 'starts with \'/\' (S3 keys under it would start with a slash)'],
    ['cluster-?', 'holds an IAM wildcard (\'*\' or \'?\'), which would also match other prefixes\' objects'],
  ])('prefix %j: the exact error', (prefix, fault) => {
    const stack = newStack();
    expect(() => WellKnownPolicy.velero({ bucket: bucket(stack), prefix })).toThrow(
      `[cdk-eks-pod-identity:InvalidVeleroPrefix] WellKnownPolicy.velero() prefix ${JSON.stringify(prefix)} ${fault}. Fix: ${PREFIX_FIX}`);
  });
});
