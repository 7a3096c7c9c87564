// Checks of single prop values, thrown at construct time. Values that are CDK tokens are unknown until deploy
// and pass unchecked: they are never falsely rejected.
import { Token } from 'aws-cdk-lib';
import {
  DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA, DEFAULT_TRUST_POLICY_LENGTH_QUOTA, MAX_MANAGED_POLICIES_PER_ROLE_QUOTA, MAX_TAGS,
  MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH, MAX_TRUST_POLICY_LENGTH_QUOTA,
} from './eks-facts';
import { PodIdentityError, problem, quote } from './errors';

// The regular expressions and tables live in the functions that use them: at module level each of their mutants
// would be a static one, which mutation testing (`npx projen mutation`) runs against every test.

function known(value: string | undefined): value is string {
  return value !== undefined && !Token.isUnresolved(value);
}

/** A namespace must be a DNS-1123 label. */
export function checkNamespace(namespace: string): void {
  if (!known(namespace)) return;
  const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  if (namespace.length > 63 || !dns1123Label.test(namespace)) {
    throw problem('InvalidNamespace',
      `namespace ${quote(namespace)} is not a valid Kubernetes namespace name (a DNS-1123 label: 1-63 lower-case letters, digits or '-', starting and ending with a letter or digit${namespace.length > 63 ? `; it has ${namespace.length} characters` : ''})`,
      `use a name like ${quote(suggestName(namespace, 63))}`);
  }
}

/** A service account name must be a DNS-1123 subdomain. */
export function checkServiceAccountName(name: string): void {
  checkSubdomain('InvalidServiceAccountName', 'service account name', name);
}

/** A Deployment name must be a DNS-1123 subdomain. */
export function checkDeploymentName(name: string): void {
  checkSubdomain('InvalidDeploymentName', 'Deployment name', name);
}

function checkSubdomain(id: string, what: string, name: string): void {
  if (!known(name)) return;
  const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  if (name.length > 253 || !dns1123Subdomain.test(name)) {
    throw problem(id,
      `${what} ${quote(name)} is not a valid Kubernetes name (a DNS-1123 subdomain: 1-253 lower-case letters, digits, '-' or '.', starting and ending with a letter or digit${name.length > 253 ? `; it has ${name.length} characters` : ''})`,
      `use a name like ${quote(suggestName(name, 253))}`);
  }
}

/** IAM role names: 1-64 characters of [A-Za-z0-9+=,.@_-]. */
export function checkRoleName(roleName: string | undefined): void {
  if (!known(roleName)) return;
  if (roleName.length > 64 || !/^[\w+=,.@-]+$/.test(roleName)) {
    throw problem('InvalidRoleName',
      `roleName ${quote(roleName)} is not a valid IAM role name (1-64 characters of letters, digits and +=,.@_-; it has ${roleName.length})`,
      'shorten it or remove the other characters, or omit roleName and let CloudFormation generate a unique name');
  }
}

/** Association tags: at most 50, keys 1-128 and values 0-256 characters, no `aws:` prefix. */
export function checkTags(tags: { [key: string]: string } | undefined): void {
  if (!tags) return;
  const keys = Object.keys(tags);
  if (keys.length > MAX_TAGS) {
    throw problem('TooManyTags',
      `${keys.length} tags were given for the association; EKS allows at most ${MAX_TAGS}`,
      'drop tags, or move shared ones to the stack with Tags.of(stack) only if the stack has room');
  }
  for (const problemFound of tagProblems(tags)) throw problemFound;
}

/** The problems of tag keys and values (lengths, `aws:` prefix, characters), as errors; tokens pass. */
export function tagProblems(tags: { [key: string]: string }): PodIdentityError[] {
  // The characters AWS tagging accepts: letters, digits and spaces representable in UTF-8, and + - = . _ : / @.
  const tagCharacters = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
  const problems: PodIdentityError[] = [];
  for (const [key, value] of Object.entries(tags)) {
    for (const [what, text] of [['key', key], ['value', value]] as const) {
      if (known(text) && !tagCharacters.test(text)) {
        problems.push(problem('InvalidTag',
          `tag ${what} ${quote(text)}${what === 'value' ? ` of tag ${quote(key)}` : ''} has characters AWS tags do not allow (${quote([...new Set(text.replace(/[\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, ''))].join(''))}); allowed are letters, digits, spaces and + - = . _ : / @`,
          `replace them, e.g. ${quote(text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '-'))}`));
      }
    }
    if (known(key) && (key.length < 1 || key.length > MAX_TAG_KEY_LENGTH || key.toLowerCase().startsWith('aws:'))) {
      problems.push(problem('InvalidTag',
        `tag key ${quote(key)} is invalid (1-${MAX_TAG_KEY_LENGTH} characters, not starting with "aws:"; it has ${key.length})`,
        'shorten or rename the key'));
    }
    if (known(value) && value.length > MAX_TAG_VALUE_LENGTH) {
      problems.push(problem('InvalidTag',
        `the value of tag ${quote(key)} has ${value.length} characters; EKS allows at most ${MAX_TAG_VALUE_LENGTH}`,
        'shorten the value'));
    }
  }
  return problems;
}

/** A trust policy length quota must be one IAM can grant. */
export function checkTrustPolicyLengthQuota(quota: number | undefined): void {
  checkQuota('InvalidTrustPolicyLengthQuota', 'trustPolicyLengthQuota', 'Role trust policy length', quota,
    DEFAULT_TRUST_POLICY_LENGTH_QUOTA, MAX_TRUST_POLICY_LENGTH_QUOTA);
}

/** A managed-policies-per-role quota must be one IAM can grant. */
export function checkManagedPoliciesPerRoleQuota(quota: number | undefined): void {
  checkQuota('InvalidManagedPoliciesPerRoleQuota', 'managedPoliciesPerRoleQuota', 'Managed policies per role', quota,
    DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA, MAX_MANAGED_POLICIES_PER_ROLE_QUOTA);
}

/** An IAM quota prop: a whole number from the IAM default to the most Service Quotas grants. */
function checkQuota(id: string, prop: string, quotaName: string, quota: number | undefined, min: number, max: number): void {
  if (quota === undefined || Token.isUnresolved(quota)) return;
  if (!Number.isInteger(quota) || quota < min || quota > max) {
    throw problem(id,
      `${prop} ${quote(quota)} is not a quota IAM grants (a whole number from ${min}, the default, to ${max})`,
      `set the account's "${quotaName}" quota from Service Quotas, at most ${max}`);
  }
}

/** An EKS add-on version: `vX.Y.Z-eksbuild.N`. */
export function checkAddonVersion(id: string, addonName: string, version: string | undefined, example: string): void {
  if (!known(version)) return;
  if (!/^v\d+\.\d+\.\d+-eksbuild\.\d+$/.test(version)) {
    throw problem(id,
      `addonVersion ${quote(version)} is not an EKS add-on version of the form vX.Y.Z-eksbuild.N`,
      `use a version listed by \`aws eks describe-addon-versions --addon-name ${addonName}\`, e.g. ${quote(example)}, or omit it for the default`);
  }
}

/** Replicas: a non-negative integer. */
export function checkReplicas(replicas: number | undefined): void {
  if (replicas === undefined || Token.isUnresolved(replicas)) return;
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw problem('InvalidReplicas',
      `replicas ${quote(replicas)} is not a non-negative integer`,
      'use a whole number such as 1 or 2 (0 scales the Deployment down)');
  }
}

/** A container image must be named. */
export function checkImage(image: string): void {
  // (An unresolved image is a non-empty token string: it passes.)
  if (image === undefined || image.trim() === '') {
    throw problem('EmptyImage',
      `image ${quote(image)} is empty`,
      'set image to a container image reference such as "public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0"');
  }
}

/** A container port: an integer in 1..65535. */
export function checkPort(port: number | undefined): void {
  if (port === undefined || Token.isUnresolved(port)) return;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw problem('InvalidPort',
      `port ${quote(port)} is outside 1..65535`,
      'use the port the container listens on, an integer from 1 to 65535');
  }
}

/** Env var names the Kubernetes API server accepts. */
export function checkEnvNames(names: string[]): void {
  for (const name of names) {
    if (!known(name)) continue;
    // The API server's rule for env var names (apimachinery IsEnvVarName).
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) {
      throw problem('InvalidEnvName',
        `environment variable name ${quote(name)} is invalid (letters, digits, '_', '-' or '.', not starting with a digit)`,
        `rename it, e.g. ${quote(name.replace(/[^-._a-zA-Z0-9]/g, '_').replace(/^([0-9])/, '_$1') || 'NAME')}`);
    }
  }
}

/** Env vars set twice (e.g. in `env` and `containerOptions.envVariables`): one would silently win. */
export function checkNoDuplicateEnvNames(first: string[], second: string[]): void {
  const duplicates = first.filter(name => second.includes(name));
  if (duplicates.length > 0) {
    throw problem('DuplicateEnvName',
      `environment variable${duplicates.length > 1 ? 's' : ''} ${duplicates.map(quote).join(', ')} set both in env and in containerOptions.envVariables`,
      'set each variable in one place only');
  }
}

/** `MyService_v2` → `myservice-v2`: the nearest DNS-1123 label (empty when nothing of the name is usable). */
export function toKubernetesName(name: string, maxLength = 63): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '').slice(0, maxLength).replace(/-+$/, '');
}

function suggestName(name: string, maxLength: number): string {
  return toKubernetesName(name, maxLength) || 'my-app';
}
