// Which policies make up a role's permissions besides the role resource: what an association and an add-on wait for
// before pods get credentials, and what counts towards the managed-policies-per-role quota. One rule for all.
import { DefaultTokenResolver, IResolvable, IResolveContext, Stack, StringConcat, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Dependable, IConstruct, IDependable } from 'constructs';
import { stateOf } from './app-store';

/**
 * What a role's credentials consist of besides the role resource: the policies attached to it in its stack, found at
 * synthesis (so grants made later count). The role resource itself is left out: a `Fn::GetAtt` of its ARN (the
 * association's, the add-on's) already orders it (a `DependsOn` too is what cfn-lint reports as W3005).
 */
export function permissionsOf(role: iam.IRole): Dependable {
  const permissions = {};
  Object.defineProperty(permissions, PERMISSIONS_OF, { value: role, enumerable: false });
  Dependable.implement(permissions, {
    get dependencyRoots(): IConstruct[] {
      return policiesAttachedTo(role);
    },
  });
  return permissions as Dependable;
}

const PERMISSIONS_OF = Symbol.for('cdk-eks-pod-identity.PermissionsOf');

/**
 * The role whose permissions a dependable of `permissionsOf` stands for, if it is one: every policy it finds is in
 * the role's stack (or a stack nested in it), so a reader that only needs stacks can skip finding them.
 */
export function roleOfPermissions(dependable: IDependable): iam.IRole | undefined {
  return (dependable as any)[PERMISSIONS_OF];
}

/**
 * The policies attached to a role in its stack: its default policy, `new iam.Policy(this, 'P', { roles: [role] })`,
 * `role.attachInlinePolicy()`, managed policies with `roles`; found once per stack at synthesis (while aspects run:
 * once per `whileAspectsRun`, not kept). Matched by the role name as the policies hold it (the role's own `roleName`
 * string, a token or a literal): resolving every name to `{ Ref }` would compute a logical id (a hash of the path) per
 * policy and per association.
 */
export function policiesAttachedTo(role: iam.IRole): IConstruct[] {
  const stack = Stack.of(role);
  let byRoleName: Map<unknown, IConstruct[]>;
  if (aspectPhaseCache) {
    byRoleName = aspectPhaseCache.get(stack) ?? attachedPoliciesOf(stack);
    aspectPhaseCache.set(stack, byRoleName);
  } else {
    byRoleName = stateOf(stack, 'AttachedPolicies', () => attachedPoliciesOf(stack));
  }
  return byRoleName.get(role.roleName) ?? [];
}

/** The per-stack lists read while aspects still run (see `whileAspectsRun`); undefined after. */
let aspectPhaseCache: Map<Stack, Map<unknown, IConstruct[]>> | undefined;

/**
 * Runs `read` (code of an aspect) with the attached policies found in a cache of its own, dropped when it returns:
 * a later aspect may still attach policies (`addToPrincipalPolicy`), and the per-stack cache must only be filled once
 * aspects are done (CDK reads the associations' dependencies in its prepare phase).
 */
export function whileAspectsRun<T>(read: () => T): T {
  const previous = aspectPhaseCache;
  aspectPhaseCache = previous ?? new Map();
  try {
    return read();
  } finally {
    aspectPhaseCache = previous;
  }
}

function attachedPoliciesOf(stack: Stack): Map<unknown, IConstruct[]> {
  const found = new Map<unknown, IConstruct[]>();
  for (const construct of stack.node.findAll()) {
    if (!(construct instanceof iam.CfnPolicy || construct instanceof iam.CfnManagedPolicy)) continue;
    for (const roleName of producedList(stack, construct.roles)) {
      const policies = found.get(roleName);
      if (policies) policies.push(construct);
      else found.set(roleName, [construct]);
    }
  }
  return found;
}

/**
 * The managed policies of a role defined in the app, as the quota counts them: those in its `ManagedPolicyArns`
 * and the customer managed policies that name it in their `Roles`, each once; undefined for a role not defined here.
 */
export function managedPolicyCountOf(role: iam.IRole, atLeast: number): number | undefined {
  const resource = role.node.defaultChild;
  if (!(resource instanceof iam.CfnRole)) return undefined;
  const stack = Stack.of(role);
  const arns: unknown[] = [
    ...producedList(stack, resource.managedPolicyArns as string[] | undefined),
    ...policiesAttachedTo(role).filter((policy): policy is iam.CfnManagedPolicy => policy instanceof iam.CfnManagedPolicy).map(policy => policy.ref),
  ];
  // Only a count above the quota is worth resolving: the same policy may be listed twice (by two objects).
  if (arns.length <= atLeast) return arns.length;
  return new Set(arns.map(arn => JSON.stringify(stack.resolve(arn)))).size;
}

/**
 * A list as its construct wrote it: iam.Policy, iam.ManagedPolicy and iam.Role give lazy lists, produced here
 * without resolving the names in them; an L1's list is read as given.
 */
function producedList(stack: Stack, list: string[] | undefined): unknown[] {
  const lazy = list && Tokenization.reverseList(list);
  if (!lazy) return list ?? [];
  return Tokenization.resolve(lazy, { scope: stack, resolver: PRODUCE_ONLY }) ?? [];
}

/** Resolves a token by asking it for its value once, leaving the tokens in that value as they are. */
class ProduceOnlyResolver extends DefaultTokenResolver {
  public resolveToken(token: IResolvable, context: IResolveContext): any {
    return token.resolve(context);
  }
}
const PRODUCE_ONLY = new ProduceOnlyResolver(new StringConcat());
