// Storage CSI drivers: Amazon EBS, Amazon EFS, Amazon FSx for Lustre, Mountpoint for Amazon S3.
import { Aws } from 'aws-cdk-lib';
import { Grant, NO_RESOURCE_LEVEL, PresetDefinition, accountArn, createServiceLinkedRole, requireScope } from './grants';
import { EbsCsiDriverOptions, EfsCsiDriverOptions, FsxLustreCsiDriverOptions, MountpointS3CsiDriverOptions } from './options';
import { knownAddonServiceAccount } from '../private/eks-facts';

/**
 * Upstream: the AWS managed policy `AmazonEBSCSIDriverPolicy`, which the EKS documentation and the
 * `aws-ebs-csi-driver` add-on use (https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html), plus the
 * documented KMS statements for customer managed keys; terraform-aws-eks-pod-identity `aws_ebs_csi.tf` copies the
 * same document. The managed policy is used rather than a copy: AWS updates it when the driver starts calling new
 * APIs (a copy breaks then), and it already limits deletions and tagging to volumes and snapshots the driver tagged.
 */
export function ebsCsiDriver(options: EbsCsiDriverOptions): PresetDefinition {
  const keys = (options.kmsKeys ?? []).map(key => key.keyArn);
  const grants: Grant[] = keys.length === 0 ? [] : [
    {
      actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
      resources: keys,
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
    {
      actions: [
        'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey',
      ],
      resources: keys,
    },
  ];
  return {
    name: 'EbsCsiDriver',
    ...knownAddonServiceAccount('aws-ebs-csi-driver'),
    grants,
    awsManagedPolicies: [{
      name: 'service-role/AmazonEBSCSIDriverPolicy',
      reason: 'AmazonEBSCSIDriverPolicy is the policy the EKS documentation and the aws-ebs-csi-driver add-on prescribe; AWS updates it as the driver calls new APIs, and it limits deletion and tagging to volumes and snapshots the driver tagged',
    }],
  };
}

const EFS_CLUSTER_TAG = 'aws:RequestTag/efs.csi.aws.com/cluster';

/**
 * Upstream: https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/iam-policy-example.json, also
 * terraform-aws-eks-pod-identity `aws_efs_csi.tf`. Inline rather than the AWS managed `AmazonEFSCSIDriverPolicy`
 * (the same statements on `*`): here access points can be limited to the given file systems.
 */
export function efsCsiDriver(options: EfsCsiDriverOptions): PresetDefinition {
  const fileSystems = options.fileSystems === undefined ? [accountArn('elasticfilesystem', 'file-system/*')]
    : requireScope('efsCsiDriver', 'fileSystems', options.fileSystems, 'pass the file systems, or leave fileSystems out for any').map(fs => fs.fileSystemArn);
  const accessPoints = accountArn('elasticfilesystem', 'access-point/*');
  const accessPointReason = 'the driver creates one access point per volume at run time, named by EFS; the efs.csi.aws.com/cluster tag condition limits it to the access points it created';
  return {
    name: 'EfsCsiDriver',
    ...knownAddonServiceAccount('aws-efs-csi-driver'),
    grants: [
      {
        actions: ['ec2:DescribeAvailabilityZones'],
        resources: ['*'],
        wildcardReason: NO_RESOURCE_LEVEL,
      },
      {
        actions: ['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeAccessPoints', 'elasticfilesystem:DescribeMountTargets'],
        resources: [...fileSystems, accessPoints],
        wildcardReason: accessPointReason,
      },
      {
        actions: ['elasticfilesystem:CreateAccessPoint'],
        resources: fileSystems,
        conditions: { StringLike: { [EFS_CLUSTER_TAG]: 'true' } },
        wildcardReason: 'any file system of the account, unless fileSystems names them',
      },
      {
        actions: ['elasticfilesystem:TagResource'],
        resources: [accessPoints],
        conditions: { StringLike: { [EFS_CLUSTER_TAG]: 'true' } },
        wildcardReason: accessPointReason,
      },
      {
        actions: ['elasticfilesystem:DeleteAccessPoint'],
        resources: [accessPoints],
        conditions: { StringEquals: { 'aws:ResourceTag/efs.csi.aws.com/cluster': 'true' } },
        wildcardReason: accessPointReason,
      },
    ],
  };
}

/**
 * Upstream: https://github.com/kubernetes-sigs/aws-fsx-csi-driver/blob/master/docs/install.md#set-up-driver-permissions,
 * also terraform-aws-eks-pod-identity `aws_fsx_lustre_csi.tf`. Tighter: FSx actions on this account's file
 * systems instead of `*`; S3 and the S3 data-repository service-linked role only with `dataRepositoryBuckets`.
 */
export function fsxLustreCsiDriver(options: FsxLustreCsiDriverOptions): PresetDefinition {
  const fileSystems = accountArn('fsx', 'file-system/*');
  const grants: Grant[] = [
    createServiceLinkedRole('fsx.amazonaws.com', 'AWSServiceRoleForAmazonFSx'),
    { actions: ['fsx:DescribeFileSystems'], resources: ['*'], wildcardReason: NO_RESOURCE_LEVEL },
    {
      actions: ['fsx:CreateFileSystem', 'fsx:DeleteFileSystem', 'fsx:UpdateFileSystem', 'fsx:TagResource'],
      resources: [fileSystems],
      wildcardReason: 'the driver creates one file system per volume at run time, named by FSx; limited to FSx file systems of this account',
    },
  ];
  const buckets = options.dataRepositoryBuckets ?? [];
  if (buckets.length > 0) {
    grants.push(
      {
        actions: ['iam:CreateServiceLinkedRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy'],
        resources: [`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/*`],
        wildcardReason: 'FSx names the S3 data-repository service-linked role after the file system it creates at run time',
      },
      { actions: ['s3:ListBucket'], resources: buckets.map(bucket => bucket.bucketArn) },
    );
  }
  return { name: 'FsxLustreCsiDriver', ...knownAddonServiceAccount('aws-fsx-csi-driver'), grants };
}

/**
 * Upstream: https://github.com/awslabs/mountpoint-s3/blob/main/doc/CONFIGURATION.md#iam-permissions and
 * https://github.com/awslabs/mountpoint-s3-csi-driver/blob/main/docs/install.md, also terraform-aws-eks-pod-identity
 * `mountpoint_s3_csi.tf`.
 */
export function mountpointS3CsiDriver(options: MountpointS3CsiDriverOptions): PresetDefinition {
  const buckets = requireScope('mountpointS3CsiDriver', 'buckets', options.buckets, 'pass the buckets your PersistentVolumes mount');
  const objects = buckets.map(bucket => bucket.arnForObjects('*'));
  const objectsReason = 'objects of the given buckets, whose keys are whatever the workloads read and write';
  const grants: Grant[] = [
    { actions: ['s3:ListBucket'], resources: buckets.map(bucket => bucket.bucketArn) },
    {
      actions: options.readOnly ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
      resources: objects,
      wildcardReason: objectsReason,
    },
  ];
  const keys = (options.kmsKeys ?? []).map(key => key.keyArn);
  if (keys.length > 0) {
    grants.push({ actions: options.readOnly ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey'], resources: keys });
  }
  return { name: 'MountpointS3CsiDriver', ...knownAddonServiceAccount('aws-mountpoint-s3-csi-driver'), grants };
}
