// Internal building blocks of the well-known policies: a permission with the reason for any wildcard in its
// resources, ARN patterns, and the cluster a pod belongs to. Not exported from the package.
import { Aws, Token } from 'aws-cdk-lib';
import { CLUSTER_NAME_TAG, principalTag } from '../private/eks-facts';
import { problem, quote } from '../private/errors';

/**
 * The name of the pod's own cluster, as an IAM policy variable: EKS Pod Identity sets the `eks-cluster-name`
 * session tag on every session, so `aws:PrincipalTag/eks-cluster-name` scopes a policy to the cluster the pod runs
 * in without naming it. Associations with `disableSessionTags: true` send no tags, and conditions on it then fail
 * closed (deny).
 */
export const POD_CLUSTER_NAME = `\${${principalTag(CLUSTER_NAME_TAG)}}`;

/** One Allow statement of a preset. */
export interface Grant {
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: { [operator: string]: { [key: string]: unknown } };
  /**
   * Why a wildcard in `resources` is acceptable: recorded as the cdk-nag acknowledgement of the resulting
   * `AwsSolutions-IAM5[Resource::...]` findings, on the policy that holds them.
   */
  readonly wildcardReason?: string;
}

/** What one piece of cluster software needs. */
export interface PresetDefinition {
  /** A PascalCase name, unique among presets: part of construct ids. */
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly grants: Grant[];
  /** AWS managed policies by name, each with why it is the choice. */
  readonly awsManagedPolicies?: Array<{ readonly name: string; readonly reason: string }>;
}

/** The reason for `*` on APIs that have no resource-level permissions. */
export const NO_RESOURCE_LEVEL = 'these actions have no resource-level permissions in IAM (the Service Authorization Reference lists no resource type for them), so "*" is the only resource they accept';

/**
 * An ARN pattern in this account, any region (roles are global and the cluster's region is not always the
 * stack's).
 */
export function accountArn(service: string, resource: string): string {
  return `arn:${Aws.PARTITION}:${service}:*:${Aws.ACCOUNT_ID}:${resource}`;
}

/** An ARN of a global service without region or account in its ARNs (S3, Route 53). */
export function globalArn(service: string, resource: string): string {
  return `arn:${Aws.PARTITION}:${service}:::${resource}`;
}

/** The ARN of a service-linked role of `service` (e.g. `elasticloadbalancing.amazonaws.com`). */
export function serviceLinkedRoleArn(service: string, roleName: string): string {
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/${service}/${roleName}`;
}

/** Permission to create one service-linked role, and no other. */
export function createServiceLinkedRole(service: string, roleName: string): Grant {
  return {
    actions: ['iam:CreateServiceLinkedRole'],
    resources: [serviceLinkedRoleArn(service, roleName)],
    conditions: { StringEquals: { 'iam:AWSServiceName': service } },
  };
}

/** Rejects an empty list of a required scope: the preset would grant nothing useful, or everything. */
export function requireScope<T>(preset: string, option: string, values: T[] | undefined, fix: string): T[] {
  if (!values || values.length === 0) {
    throw problem('EmptyPolicyScope',
      `WellKnownPolicy.${preset}() needs at least one value in ${option}, got ${quote(values ?? [])}`,
      fix);
  }
  return values;
}

/** Rejects a literal value that is not an ARN of the expected service. */
export function requireArns(preset: string, option: string, arns: string[], service: string): string[] {
  for (const arn of arns) {
    if (Token.isUnresolved(arn)) continue;
    if (!new RegExp(`^arn:aws[a-z-]*:${service}:`).test(arn)) {
      throw problem('InvalidPolicyScope',
        `WellKnownPolicy.${preset}() ${option} must hold ${service} ARNs, got ${quote(arn)}`,
        `pass full ARNs like arn:aws:${service}:<region>:<account>:...`);
    }
  }
  return arns;
}
