import { Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import { RoleChaining } from './check';
import { clusterArnOf, clusterLabel } from '../private/cluster';
import { problem } from '../private/errors';
import { Registry } from '../private/registry';
import { externalIdOf } from '../private/trust';

/**
 * `TargetRoleAcrossStacks`: the trust of a `PodIdentityTargetRole` is generated from the association, in the target
 * role's stack; a token in it from another stack of the same (or an unknown) account is a reference that makes the
 * target role's stack depend on that stack, which refers to the target role: a cycle. (Across accounts a reference
 * cannot be made at all: `TargetRoleTrustNotResolvable`.)
 */
export function checkTargetRoleAcrossStacks({ association, role, targetRole }: RoleChaining): void {
  if (!Registry.of(association).isGeneratedTrustTargetRole(targetRole)) return;
  const targetStack = Stack.of(targetRole);
  const otherAccount = (stack: Stack) => !Token.isUnresolved(stack.account) && !Token.isUnresolved(targetStack.account)
    && stack.account !== targetStack.account;
  const trustValues = [role.roleArn, role.env.account, clusterArnOf(association.cluster), externalIdOf(association)];
  const sameAccountStacks = referencedStacks(trustValues).filter(stack => stack !== targetStack && !otherAccount(stack));
  if (sameAccountStacks.length > 0) {
    throw problem('TargetRoleAcrossStacks',
      `the trust of the PodIdentityTargetRole ${targetRole.node.path} (stack ${targetStack.stackName}) would refer to stack ${sameAccountStacks.map(stack => stack.stackName).join(', ')} of the same (or an unknown) account for the association role ${role.node.path} and cluster ${clusterLabel(association.cluster)}, while that stack refers to the target role: the two stacks would depend on each other`,
      'define the target role in the stack of the association role, or in a stack of the other account with an explicit env ({ account, region })');
  }
}

/** The stacks of the constructs that tokens in `values` refer to (references resolve to them). */
function referencedStacks(values: string[]): Stack[] {
  const stacks = new Set<Stack>();
  for (const value of values) {
    for (const token of Tokenization.reverseString(value).tokens) {
      if (Reference.isReference(token)) stacks.add(Stack.of(token.target));
    }
  }
  return [...stacks];
}
