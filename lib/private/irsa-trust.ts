// The trust a role needs while its workload moves off IRSA (`migratingFromIrsa: true`): its pods keep using IRSA, so
// the role must trust the cluster's OIDC provider for exactly the workload's service account. Read by the IRSA
// migration checks.
import { Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { openIdConnectProviderOf } from './cluster';
import { IRSA_AUDIENCE } from './eks-facts';
import { allowsStsAction, asList, globMatches, TrustStatement } from './policy-values';
import { RegisteredWorkload, Registry } from './registry';

/** A workload moving off IRSA whose role's IRSA trust is not known to be there (the workload did not add it). */
export interface IrsaTrustToVerify {
  readonly workload: RegisteredWorkload;
  readonly role: iam.IRole;
  readonly provider: iam.IOpenIdConnectProvider;
  /** The `sub` of the service account's web identity tokens: `system:serviceaccount:<namespace>:<name>`. */
  readonly sub: string;
}

/**
 * The workloads moving off IRSA, without role chaining (`IrsaMigrationWithRoleChaining`), whose role's trust of the
 * cluster's OIDC provider for the service account is not one this library added (e.g. a `PodIdentityRole`'s).
 */
export function irsaTrustsToVerify(registry: Registry): IrsaTrustToVerify[] {
  const found: IrsaTrustToVerify[] = [];
  for (const workload of registry.workloads) {
    if (!workload.migratingFromIrsa) continue;
    const association = workload.association;
    const role = association.role;
    if (association.targetRole) continue;
    const provider = openIdConnectProviderOf(association.cluster);
    const sub = `system:serviceaccount:${association.namespace}:${workload.serviceAccountName}`;
    const trusted = registry.irsaTrustsOf(role).some(trust => trust.openIdConnectProvider === provider
      && trust.namespace === association.namespace && trust.serviceAccount === workload.serviceAccountName);
    if (trusted) continue;
    found.push({ workload, role, provider, sub });
  }
  return found;
}

/** The trust statement IRSA needs, for a message (the provider named by its ARN when it is known). */
export function expectedIrsaStatement(role: iam.IRole, provider: iam.IOpenIdConnectProvider, sub: string): string {
  const stack = Stack.of(role);
  const arn = stack.resolve(provider.openIdConnectProviderArn);
  const issuer = stack.resolve(provider.openIdConnectProviderIssuer);
  const issuerText = typeof issuer === 'string' ? issuer : '<issuer>';
  return JSON.stringify({
    Effect: 'Allow',
    Principal: { Federated: typeof arn === 'string' ? arn : `<ARN of ${provider.node.path}>` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${issuerText}:sub`]: sub, [`${issuerText}:aud`]: IRSA_AUDIENCE } },
  });
}

/**
 * Whether a trust statement admits IRSA's web identity tokens of `sub` from `provider`. Conditions on the issuer's
 * `sub` and `aud` keys are evaluated for the operators IRSA trust uses (StringEquals, StringLike and their
 * IgnoreCase / set variants); a condition block that cannot be read offline (e.g. CfnJson for a token issuer) or an
 * other operator on those keys is taken as admitting (no false error).
 */
export function trustsWebIdentity(stack: Stack, statement: TrustStatement, provider: iam.IOpenIdConnectProvider, sub: string): boolean {
  if (statement.Effect !== 'Allow') return false;
  if (!allowsStsAction(statement.Action, 'sts:AssumeRoleWithWebIdentity')) return false;
  const providerArn = JSON.stringify(stack.resolve(provider.openIdConnectProviderArn));
  if (!asList(statement.Principal?.Federated).some(principal => JSON.stringify(principal) === providerArn)) return false;
  const issuer = stack.resolve(provider.openIdConnectProviderIssuer);
  if (typeof issuer !== 'string') return true;
  const expected: Record<string, string> = { [`${issuer}:sub`]: sub, [`${issuer}:aud`]: IRSA_AUDIENCE };
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    if (typeof block !== 'object' || block === null || Tokenization.isResolvable(block)) continue;
    for (const [key, values] of Object.entries(block)) {
      const value = expected[key];
      if (value === undefined) continue;
      const matches = matcherOf(operator);
      if (matches && !asList(values as string | string[]).some(pattern => typeof pattern !== 'string' || Token.isUnresolved(pattern) || Token.isUnresolved(value) || matches(pattern, value))) return false;
    }
  }
  return true;
}

/** How an IAM string operator compares a condition value with the request's; undefined for other operators. */
function matcherOf(operator: string): ((pattern: string, value: string) => boolean) | undefined {
  const base = operator.replace(/^For(AnyValue|AllValues):/, '').replace(/IfExists$/, '');
  switch (base) {
    case 'StringEquals': return (pattern, value) => pattern === value;
    case 'StringEqualsIgnoreCase': return (pattern, value) => pattern.toLowerCase() === value.toLowerCase();
    case 'StringLike': return (pattern, value) => globMatches(pattern, value);
    default: return undefined;
  }
}
