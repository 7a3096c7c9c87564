// Secrets and backup: External Secrets Operator, Velero.
import { Aws } from 'aws-cdk-lib';
import { Grant, NO_RESOURCE_LEVEL, PresetDefinition, accountArn } from './grants';
import { ExternalSecretsOptions, VeleroOptions } from './options';
import { problem, quote } from '../private/errors';

/**
 * Upstream: https://external-secrets.io/latest/provider/aws-secrets-manager/#iam-policy and
 * https://external-secrets.io/latest/provider/aws-parameter-store/#iam-policy, also terraform-aws-eks-pod-identity
 * `external_secrets.tf`. Tighter: read only the given secrets and parameters; no `ListSecrets` /
 * `DescribeParameters` on `*` (needed only by `find` in `dataFrom`: add them to the role if you use it).
 */
export function externalSecrets(options: ExternalSecretsOptions): PresetDefinition {
  const secrets = options.secrets ?? [];
  const parameters = options.parameters ?? [];
  if (secrets.length === 0 && parameters.length === 0) {
    throw problem('EmptyPolicyScope', 'WellKnownPolicy.externalSecrets() needs at least one secret or parameter, got none',
      'pass the secrets (secrets: [...]) and/or SSM parameters (parameters: [...]) your ExternalSecret resources read');
  }
  const grants: Grant[] = [];
  if (secrets.length > 0) {
    grants.push({
      actions: [
        'secretsmanager:GetResourcePolicy', 'secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret',
        'secretsmanager:ListSecretVersionIds',
      ],
      // A secret imported by name has no full ARN: its random suffix is matched as "-??????".
      resources: secrets.map(secret => secret.secretFullArn ?? `${secret.secretArn}-??????`),
      wildcardReason: 'a secret imported by name has a random six-character ARN suffix, matched by "-??????"',
    });
  }
  if (parameters.length > 0) {
    grants.push({ actions: ['ssm:GetParameter', 'ssm:GetParameters'], resources: parameters.map(parameter => parameter.parameterArn) });
  }
  const keys = (options.kmsKeys ?? []).map(key => key.keyArn);
  if (keys.length > 0) grants.push({ actions: ['kms:Decrypt'], resources: keys });
  return { name: 'ExternalSecrets', namespace: 'external-secrets', serviceAccount: 'external-secrets', grants };
}

/**
 * Upstream: https://github.com/vmware-tanzu/velero-plugin-for-aws#set-permissions-for-velero, also
 * terraform-aws-eks-pod-identity `velero.tf`. Tighter: objects only under the prefix; EC2 write actions on
 * volumes and snapshots instead of `*`, snapshot deletion only for snapshots Velero tagged (`velero.io/backup`);
 * KMS without grant management beyond AWS-resource grants.
 */
export function velero(options: VeleroOptions): PresetDefinition {
  if (!options.bucket) {
    throw problem('EmptyPolicyScope', 'WellKnownPolicy.velero() needs the bucket of the backup storage location, got none',
      'pass bucket: s3.Bucket.fromBucketName(this, \'Backups\', \'my-backups\')');
  }
  const prefix = options.prefix === undefined ? '*' : `${veleroPrefix(options.prefix)}/*`;
  const grants: Grant[] = [
    {
      actions: [
        's3:GetObject', 's3:DeleteObject', 's3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload',
        's3:ListMultipartUploadParts',
      ],
      resources: [options.bucket.arnForObjects(prefix)],
      wildcardReason: 'backup objects under the backup storage location, whose keys Velero chooses per backup',
    },
    { actions: ['s3:ListBucket'], resources: [options.bucket.bucketArn] },
  ];
  if (options.volumeSnapshots ?? true) {
    const volumes = accountArn('ec2', 'volume/*');
    const snapshots = `arn:${Aws.PARTITION}:ec2:*::snapshot/*`;
    const reason = 'volumes and snapshots are named by EC2 at run time';
    grants.push(
      { actions: ['ec2:DescribeVolumes', 'ec2:DescribeSnapshots'], resources: ['*'], wildcardReason: NO_RESOURCE_LEVEL },
      { actions: ['ec2:CreateSnapshot', 'ec2:CreateVolume'], resources: [volumes, snapshots], wildcardReason: reason },
      {
        actions: ['ec2:CreateTags'],
        resources: [volumes, snapshots],
        conditions: { StringEquals: { 'ec2:CreateAction': ['CreateSnapshot', 'CreateVolume'] } },
        wildcardReason: reason,
      },
      {
        actions: ['ec2:DeleteSnapshot'],
        resources: [snapshots],
        conditions: { StringLike: { 'aws:ResourceTag/velero.io/backup': '*' } },
        wildcardReason: reason + '; only snapshots Velero tagged with its backup',
      },
    );
  }
  const keys = (options.kmsKeys ?? []).map(key => key.keyArn);
  if (keys.length > 0) {
    grants.push(
      {
        // GenerateDataKeyWithoutPlaintext: EBS asks for it with Velero's credentials when it restores a volume
        // encrypted with the key (upstream's `kms:GenerateDataKey*`).
        actions: [
          'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom',
          'kms:ReEncryptTo', 'kms:DescribeKey',
        ],
        resources: keys,
      },
      { actions: ['kms:CreateGrant'], resources: keys, conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
    );
  }
  return { name: 'Velero', namespace: 'velero', serviceAccount: 'velero-server', grants };
}

/**
 * The backup storage location's prefix as S3 keys start with it: trailing slashes dropped (Velero adds one). Rejected:
 * empty (omit the prefix for the whole bucket), a leading '/' (S3 keys would start with it: a policy and Velero may
 * disagree on it), and IAM wildcards '*' or '?' (the policy would cover other prefixes). A token's value is not known
 * here, so only the text around it is checked and trimmed (a token's placeholder is never empty, has no wildcard and
 * no leading slash).
 */
function veleroPrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  const fault = trimmed === '' ? 'is empty (or only slashes)'
    : trimmed.startsWith('/') ? 'starts with \'/\' (S3 keys under it would start with a slash)'
      : /[*?]/.test(trimmed) ? 'holds an IAM wildcard (\'*\' or \'?\'), which would also match other prefixes\' objects'
        : undefined;
  if (fault) {
    throw problem('InvalidVeleroPrefix',
      `WellKnownPolicy.velero() prefix ${quote(prefix)} ${fault}`,
      'pass the backup storage location\'s prefix as Velero has it, without a leading slash or wildcards (e.g. "cluster-a"), or omit prefix for the whole bucket');
  }
  return trimmed;
}
