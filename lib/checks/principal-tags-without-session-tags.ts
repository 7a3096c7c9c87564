import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { CheckContext } from './check';
import { principalTag, SESSION_TAG_KEYS } from '../private/eks-facts';
import { annotateError, quote } from '../private/errors';
import { Registry } from '../private/registry';

/** A role whose pods get sessions without the EKS Pod Identity session tags, and why. */
interface UntaggedUse {
  readonly role: iam.IRole;
  /** Where to report. */
  readonly at: IConstruct;
  /** Why the sessions carry no session tags. */
  readonly cause: string;
  /** How to keep the tags instead. */
  readonly keepTags: string;
}

/**
 * `PrincipalTagsWithoutSessionTags` (error): a role's permissions read EKS Pod Identity session tags
 * (`aws:PrincipalTag/eks-cluster-name`, `kubernetes-namespace`...) but some of its pods get sessions without them: an
 * association with `disableSessionTags: true` (its role, and its target role, which gets the tags only as
 * transitive tags), or a workload moving off IRSA (IRSA sessions carry no Pod Identity tags). A policy variable or
 * condition on a missing tag never matches, so every such action is denied (a `Deny` with a negated operator
 * denies everything instead): the statements cannot work at all, hence an error. Found for `WellKnownPolicy`
 * presets (named, fix: pass `clusterName`) and for the role's other policies; condition operators meant for a
 * missing key (`...IfExists`, `Null`) are not counted.
 */
export function checkPrincipalTagsWithoutSessionTags({ registry }: CheckContext) {
  const reported = new Set<string>();
  const policiesByStack = new Map<Stack, Array<iam.CfnPolicy | iam.CfnManagedPolicy>>();
  for (const use of untaggedUses(registry)) {
    const key = `${use.role.node.path}|${use.at.node.path}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const presetPolicies = new Set<IConstruct>();
    for (const preset of registry.presetsOf(use.role)) {
      preset.policies.forEach(policy => presetPolicies.add(policy));
      if (preset.sessionTagKeys.length === 0) continue;
      const factory = preset.name.charAt(0).toLowerCase() + preset.name.slice(1);
      annotateError(use.at, 'PrincipalTagsWithoutSessionTags',
        `WellKnownPolicy ${quote(preset.name)} on role ${use.role.node.path} scopes its statements to the pod's own cluster with ${preset.sessionTagKeys.map(tag => `\${aws:PrincipalTag/${tag}}`).join(', ')}, but ${use.cause}, so every action it scopes that way is denied`,
        `pass the cluster's name: WellKnownPolicy.${factory}({ clusterName: 'my-cluster', ... }), or ${use.keepTags}`);
    }
    const userStatements = userPolicyStatementsOf(use.role, presetPolicies, policiesByStack)
      .filter(({ statement }) => sessionTagsReadBy(statement).length > 0);
    if (userStatements.length > 0) {
      const tags = [...new Set(userStatements.flatMap(({ statement }) => sessionTagsReadBy(statement)))];
      annotateError(use.at, 'PrincipalTagsWithoutSessionTags',
        `policy ${[...new Set(userStatements.map(({ path }) => path))].join(', ')} of role ${use.role.node.path} has statements on the session tags ${tags.map(tag => `aws:PrincipalTag/${tag}`).join(', ')}, but ${use.cause}, so those statements never match (an Allow allows nothing, a Deny on a negated operator denies everything)`,
        `name the values in those statements instead of reading them from session tags, use a ...IfExists operator where the tag may be missing, or ${use.keepTags}`);
    }
  }
}

function untaggedUses(registry: Registry): UntaggedUse[] {
  const uses: UntaggedUse[] = [];
  for (const association of registry.associations) {
    if (!association.disableSessionTags) continue;
    const cause = `the association at ${association.node.path} sets disableSessionTags: true, so its sessions carry no session tags`;
    const keepTags = 'keep session tags on (disableSessionTags: false)';
    uses.push({ role: association.role, at: association, cause, keepTags });
    if (association.targetRole) uses.push({ role: association.targetRole, at: association, cause, keepTags });
  }
  for (const workload of registry.workloads) {
    if (!workload.migratingFromIrsa || workload.association.targetRole) continue;
    uses.push({
      role: workload.association.role,
      at: workload,
      cause: `workload ${workload.node.path} moves off IRSA (migratingFromIrsa: true) and its pods use IRSA sessions, which carry no EKS Pod Identity session tags`,
      keepTags: 'finish the migration in one step (drop migratingFromIrsa)',
    });
  }
  return uses;
}

/** The session tags a statement reads as `aws:PrincipalTag/<key>`, besides in operators meant for a missing key. */
function sessionTagsReadBy(statement: Record<string, unknown>): string[] {
  const conditions = Object.fromEntries(Object.entries((statement.Condition ?? {}) as Record<string, unknown>)
    .filter(([operator]) => !operator.endsWith('IfExists') && operator !== 'Null'));
  const text = JSON.stringify({ ...statement, Condition: conditions }).toLowerCase();
  return SESSION_TAG_KEYS.filter(key => text.includes(principalTag(key).toLowerCase()));
}

/**
 * The statements of the policies attached to a role other than its presets' (resolved): the role's inline
 * policies, and the policies of its stack naming it (default policy, `iam.Policy`, `iam.ManagedPolicy`). Read only
 * for roles whose sessions lack session tags (few), each stack's policies found once.
 */
function userPolicyStatementsOf(role: iam.IRole, presetPolicies: Set<IConstruct>,
  policiesByStack: Map<Stack, Array<iam.CfnPolicy | iam.CfnManagedPolicy>>): Array<{ path: string; statement: Record<string, unknown> }> {
  const stack = Stack.of(role);
  const found: Array<{ path: string; statement: Record<string, unknown> }> = [];
  const add = (path: string, document: any) => {
    for (const statement of [document?.Statement ?? []].flat()) found.push({ path, statement });
  };
  const cfnRole = role.node.defaultChild;
  if (cfnRole instanceof iam.CfnRole) {
    for (const policy of stack.resolve(cfnRole.policies) ?? []) add(`${role.node.path} (inline ${policy.policyName})`, policy.policyDocument);
  }
  const roleName = JSON.stringify(stack.resolve(role.roleName));
  let policies = policiesByStack.get(stack);
  if (!policies) {
    policies = stack.node.findAll()
      .filter((c): c is iam.CfnPolicy | iam.CfnManagedPolicy => c instanceof iam.CfnPolicy || c instanceof iam.CfnManagedPolicy);
    policiesByStack.set(stack, policies);
  }
  for (const policy of policies) {
    if (presetPolicies.has(policy.node.scope!)) continue;
    if (!(stack.resolve(policy.roles) ?? []).some((name: unknown) => JSON.stringify(name) === roleName)) continue;
    add(policy.node.scope!.node.path, stack.resolve(policy.policyDocument));
  }
  return found;
}
