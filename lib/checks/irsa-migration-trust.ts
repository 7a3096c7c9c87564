import { Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TrustStatement } from './app-facts';
import { asList, CheckContext } from './check';
import { openIdConnectProviderOf } from '../private/cluster';
import { IRSA_AUDIENCE } from '../private/eks-facts';
import { annotateError, annotateWarning } from '../private/errors';

/**
 * While a workload moves off IRSA (`migratingFromIrsa: true`) its pods keep using IRSA: the role must trust the
 * cluster's OIDC provider for exactly its service account, and IRSA must give the same permissions as Pod Identity.
 *
 * - `IrsaMigrationWithRoleChaining` (error): the association chains into a target role; IRSA gives the pods the
 *   association role, never the target role, so during the migration they lack the target role's permissions.
 * - `IrsaTrustMissing` (error): a role defined in the app (not a `PodIdentityRole`, which gets the trust from the
 *   workload) has no trust statement admitting `sts:AssumeRoleWithWebIdentity` from the cluster's OIDC provider
 *   for the service account: every pod is denied credentials during the migration.
 * - `IrsaTrustNotVerifiable` (warning): an imported role, whose trust policy cannot be read offline. A warning, not
 *   an error: importing the existing IRSA role (which already trusts the provider) is a sound way to migrate.
 */
export function checkIrsaMigrationTrust({ registry, facts }: CheckContext) {
  for (const workload of registry.workloads) {
    if (!workload.migratingFromIrsa) continue;
    const association = workload.association;
    const role = association.role;
    if (association.targetRole) {
      annotateError(workload, 'IrsaMigrationWithRoleChaining',
        `workload ${workload.node.path} sets migratingFromIrsa: true and chains into the target role ${association.targetRole.node.path}; during the migration the pods use IRSA, which gives them the association role ${role.node.path} and not the target role, so every call that needs the target role's permissions is denied`,
        'drop migratingFromIrsa (the pods then switch to Pod Identity, with the target role, when they roll), or migrate without targetRole first (grant the association role what the pods need) and add the role chaining in a later deployment');
      continue;
    }
    const provider = openIdConnectProviderOf(association.cluster);
    const sub = `system:serviceaccount:${association.namespace}:${workload.serviceAccountName}`;
    const trusted = registry.irsaTrustsOf(role).some(trust => trust.openIdConnectProvider === provider
      && trust.namespace === association.namespace && trust.serviceAccount === workload.serviceAccountName);
    if (trusted) continue;
    const statements = facts.trustStatementsOf(role);
    if (!statements) {
      annotateWarning(workload, 'IrsaTrustNotVerifiable',
        `workload ${workload.node.path} sets migratingFromIrsa: true with the imported role ${role.node.path}, whose trust policy cannot be read at synthesis; if it does not trust the cluster's OIDC provider for ${sub}, every pod is denied credentials during the migration`,
        `make sure the role's trust policy has ${expectedStatement(role, provider, sub)}, then acknowledge this warning; or pass a PodIdentityRole defined in the app (the workload adds that trust)`);
      continue;
    }
    if (!statements.some(statement => trustsWebIdentity(Stack.of(role), statement, provider, sub))) {
      annotateError(workload, 'IrsaTrustMissing',
        `workload ${workload.node.path} sets migratingFromIrsa: true but its role ${role.node.path} does not trust the cluster's OIDC provider for ${sub} (sts:AssumeRoleWithWebIdentity), so every pod is denied credentials while it uses IRSA during the migration`,
        `pass a PodIdentityRole (the workload adds that trust), or add this statement to the role's trust policy: ${expectedStatement(role, provider, sub)}`);
    }
  }
}

/** The trust statement IRSA needs, for a message (the provider named by its ARN when it is known). */
function expectedStatement(role: iam.IRole, provider: iam.IOpenIdConnectProvider, sub: string): string {
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
function trustsWebIdentity(stack: Stack, statement: TrustStatement, provider: iam.IOpenIdConnectProvider, sub: string): boolean {
  if (statement.Effect !== 'Allow') return false;
  const actions = asList(statement.Action);
  if (!actions.some(action => action === 'sts:AssumeRoleWithWebIdentity' || action === 'sts:*' || action === '*')) return false;
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

/** IAM's StringLike: `*` any run of characters, `?` one character. */
function globMatches(pattern: string, value: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}
