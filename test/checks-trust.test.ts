// The checks of trust policies (lib/checks/target-role-trust.ts, trust-policy-length.ts, unscoped-workload-role.ts)
// with their whole messages and the near misses they must not report. Small apps on an imported cluster, so that
// mutation testing (`npx projen mutation`) can run the file for every mutant of these checks; trust.test.ts holds
// the end-to-end cases (IAM simulation of the chains).
import { App, CfnParameter, Lazy, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PodIdentityBoundWorkload, PodIdentityRole } from '../lib';
import { importedEksV2Cluster } from './helpers/clusters';
import { AppFacts } from '../lib/checks/app-facts';
import { estimatedPolicyLength } from '../lib/private/policy-length';
import { Registry } from '../lib/private/registry';

const ACCOUNT = '111111111111';
const ENV = { account: ACCOUNT, region: 'us-east-1' };

function setup(clusterName = 'prod') {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const cluster = importedEksV2Cluster(stack, 'Cluster', clusterName);
  return { app, stack, cluster };
}

/** The messages of one problem id, after synthesis. */
function messagesWithId(app: App, id: string): string[] {
  return app.synth().stacks.flatMap(stack => stack.messages.map(m => String(m.entry.data)))
    .filter(text => text.startsWith(`[cdk-eks-pod-identity:${id}]`));
}

// A literal principal ARN: the trust policies here have no tokens, so their length is known exactly.
const PRINCIPAL = new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:root`);
const assumeBy = (...actions: string[]) => new iam.PolicyStatement({ principals: [PRINCIPAL], actions });

describe('target roles made by hand: their trust must fit the association', () => {
  /** An association with a hand-made target role whose trust policy holds exactly `statements`. */
  function chainApp(statements: iam.PolicyStatement[], disableSessionTags = false, clusterName = 'prod') {
    const { app, stack, cluster } = setup(clusterName);
    const target = new iam.Role(stack, 'Target', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    // Replace the generated statement: only the ones given count.
    (target.assumeRolePolicy as any).statements.splice(0);
    target.assumeRolePolicy!.addStatements(...statements);
    new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: !disableSessionTags })
      .associate(cluster, { namespace: 'ns', serviceAccount: 'sa', targetRole: target, disableSessionTags });
    return app;
  }
  const messagesWithIdOf = (build: () => App, id: string) => messagesWithId(build(), id);
  function chain(statements: iam.PolicyStatement[], disableSessionTags = false, clusterName = 'prod') {
    const app = chainApp(statements, disableSessionTags, clusterName);
    return {
      tagSession: messagesWithId(app, 'TargetRoleTrustMissingTagSession'),
      externalId: messagesWithId(app, 'TargetRoleTrustMissingExternalId'),
    };
  }

  test('TargetRoleTrustMissingTagSession: session tags on, sts:AssumeRole without sts:TagSession', () => {
    expect(chain([assumeBy('sts:AssumeRole')])).toEqual({
      tagSession: ['[cdk-eks-pod-identity:TargetRoleTrustMissingTagSession] target role Stack/Target of the association for ns/sa trusts AWS principals for sts:AssumeRole but not sts:TagSession, '
        + 'and the association passes its session tags on (they are transitive), so STS denies the chained AssumeRole. '
        + 'Fix: add sts:TagSession to the trust statement (or use a PodIdentityTargetRole, which generates the trust), or set disableSessionTags: true and require the external id'],
      externalId: [],
    });
  });

  test.each([
    ['both actions in one statement', [assumeBy('sts:TagSession', 'sts:AssumeRole')]],
    ['both actions in two statements', [assumeBy('sts:AssumeRole'), assumeBy('sts:TagSession')]],
    ['sts:*', [assumeBy('sts:*')]],
    ['*', [assumeBy('*')]],
  ])('session tags on: %s is a complete trust', (_, statements) => {
    expect(chain(statements)).toEqual({ tagSession: [], externalId: [] });
  });

  test('only Allow statements with AWS principals count towards sts:TagSession', () => {
    const denied = new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.AccountPrincipal(ACCOUNT)], actions: ['sts:TagSession'] });
    const service = new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('ec2.amazonaws.com')], actions: ['sts:TagSession'] });
    const notPrincipal = new iam.PolicyStatement({ notPrincipals: [new iam.AccountPrincipal('222222222222')], actions: ['sts:TagSession'] });
    expect(chain([assumeBy('sts:AssumeRole'), denied, service, notPrincipal]).tagSession).toHaveLength(1);
  });

  test('a trust that lets no AWS principal assume the role is reported as such, not as a partial trust', () => {
    const notAction = new iam.PolicyStatement({ principals: [new iam.AccountPrincipal(ACCOUNT)], notActions: ['sts:AssumeRole'] });
    expect(chain([assumeBy('sts:TagSession'), notAction])).toEqual({ tagSession: [], externalId: [] });
    expect(chain([assumeBy('sts:TagSession'), notAction], true)).toEqual({ tagSession: [], externalId: [] });
    const { app, stack, cluster } = setup();
    const target = new iam.Role(stack, 'Target', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'ns', serviceAccount: 'sa', targetRole: target });
    expect(messagesWithId(app, 'TargetRoleTrustMissingAssociationRole')).toEqual([
      '[cdk-eks-pod-identity:TargetRoleTrustMissingAssociationRole] target role Stack/Target of the association for ns/sa does not let the association role Stack/Role assume it '
      + '(no Allow statement for sts:AssumeRole names that role\'s ARN or its account as AWS principal; it trusts no AWS principal for sts:AssumeRole at all), '
      + 'so EKS\'s chained AssumeRole is denied and the pods get no credentials. '
      + 'Fix: trust the association role: Principal { AWS: <its ARN> } (or its account root, narrowed by aws:PrincipalArn) for sts:AssumeRole (and sts:TagSession with session tags), or use a PodIdentityTargetRole, which generates the trust',
    ]);
  });

  test('TargetRoleTrustExternalIdMismatch names the external id to require; StringLike patterns and unknown values are honoured', () => {
    const requiring = (operator: string, value: unknown) => {
      const statement = assumeBy('sts:AssumeRole');
      statement.addCondition(operator, { 'sts:ExternalId': value });
      return messagesWithIdOf(() => chainApp([statement], true), 'TargetRoleTrustExternalIdMismatch');
    };
    expect(requiring('StringEquals', 'us-east-1/111111111111/prod/other/sa')).toEqual([
      expect.stringContaining('requires an sts:ExternalId that is not this association\'s ("us-east-1/111111111111/prod/ns/sa")'),
    ]);
    expect(requiring('StringLike', 'us-east-1/111111111111/prod/*')).toEqual([]);
    expect(requiring('StringLike', 'us-east-1/111111111111/dev/*')).toHaveLength(1);
    expect(requiring('StringEquals', ['us-east-1/111111111111/prod/other/sa', 'us-east-1/111111111111/prod/ns/sa'])).toEqual([]);
  });

  test('TargetRoleTrustMissingExternalId: session tags off, no sts:ExternalId condition, with the value to require', () => {
    expect(chain([assumeBy('sts:AssumeRole', 'sts:TagSession')], true)).toEqual({
      tagSession: [],
      externalId: ['[cdk-eks-pod-identity:TargetRoleTrustMissingExternalId] target role Stack/Target of the association for ns/sa lets AWS principals assume it without an sts:ExternalId condition '
        + 'while the association sets disableSessionTags: true, so nothing ties the trust to this (cluster, namespace, service account). '
        + 'Fix: add StringEquals { "sts:ExternalId": "us-east-1/111111111111/prod/ns/sa" } to the trust statement, or use a PodIdentityTargetRole'],
    });
  });

  test('an external id that is unknown at synth (a cluster name parameter) is named, not printed', () => {
    const { app, stack } = setup();
    const cluster = importedEksV2Cluster(stack, 'Named', new CfnParameter(stack, 'ClusterName').valueAsString);
    const target = new iam.Role(stack, 'Target', { assumedBy: new iam.AccountPrincipal(ACCOUNT) });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'ns', serviceAccount: 'sa', targetRole: target, disableSessionTags: true });
    expect(messagesWithId(app, 'TargetRoleTrustMissingExternalId')).toEqual([
      expect.stringMatching(/Fix: add StringEquals \{ "sts:ExternalId": association\.externalId \} to the trust statement, or use a PodIdentityTargetRole$/),
    ]);
  });

  test('sts:* and * allow sts:AssumeRole as well: with session tags off, the external id is still required', () => {
    expect(chain([assumeBy('sts:*')], true).externalId).toHaveLength(1);
    expect(chain([assumeBy('*')], true).externalId).toHaveLength(1);
  });

  test('an imported target role is not checked: its trust is not in the app', () => {
    const { app, stack, cluster } = setup();
    const target = iam.Role.fromRoleArn(stack, 'Target', 'arn:aws:iam::222222222222:role/data');
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'ns', serviceAccount: 'sa', targetRole: target, disableSessionTags: true });
    const messages = app.synth().stacks.flatMap(s => s.messages.map(m => String(m.entry.data)));
    expect(messages.filter(m => /TargetRoleTrust|TrustPolicyTooLong/.test(m))).toEqual([]);
  });

  test('session tags off: one statement requiring the external id is enough; session tags on: none is needed', () => {
    const withExternalId = assumeBy('sts:AssumeRole');
    withExternalId.addCondition('StringEquals', { 'sts:ExternalId': 'us-east-1/111111111111/prod/ns/sa' });
    expect(chain([assumeBy('sts:AssumeRole'), withExternalId], true)).toEqual({ tagSession: [], externalId: [] });
    expect(chain([assumeBy('sts:AssumeRole', 'sts:TagSession')], false)).toEqual({ tagSession: [], externalId: [] });
  });
});

describe('TrustPolicyTooLong', () => {
  /** A role whose trust policy is padded by a condition value of `padding` characters. */
  function roleWithTrust(padding: number, quota?: number, asTarget = false, count = 1) {
    const { app, stack, cluster } = setup();
    const statements = Array.from({ length: count }, (_, i) => {
      const statement = assumeBy('sts:AssumeRole', 'sts:TagSession');
      statement.addCondition('StringLike', { [`aws:PrincipalTag/team${i}`]: 'p'.repeat(padding) });
      return statement;
    });
    const handMade = new iam.Role(stack, 'HandMade', { assumedBy: PRINCIPAL });
    handMade.assumeRolePolicy!.addStatements(...statements);
    if (asTarget) {
      new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'ns', serviceAccount: 'sa', targetRole: handMade });
    } else {
      new PodIdentityRole(stack, 'Role', { trustPolicyLengthQuota: quota }).associate(cluster, { namespace: 'ns', serviceAccount: 'sa' });
      (stack.node.findChild('Role') as iam.Role).assumeRolePolicy!.addStatements(...statements);
    }
    const messages = messagesWithId(app, 'TrustPolicyTooLong');
    return Object.assign(messages, { renderedLength: JSON.stringify(stack.resolve(handMade.assumeRolePolicy!.toJSON())).length });
  }
  const lengthIn = (message: string) => Number(/is about (\d+) characters/.exec(message)![1]);

  test('a target role made by hand is checked as well: the whole message', () => {
    const messages = roleWithTrust(2000, undefined, true);
    const [message] = messages;
    // What IAM counts: the JSON without whitespace (every value is a literal here).
    expect(lengthIn(message)).toBe(messages.renderedLength);
    expect(message).toBe(`[cdk-eks-pod-identity:TrustPolicyTooLong] the trust policy of role Stack/HandMade is about ${lengthIn(message)} characters (2 statements, about ${Math.ceil(lengthIn(message) / 2)} each, e.g. one per association) `
      + 'and the account\'s role trust policy length quota is 2048 (IAM default 2048, at most 8192 on request); IAM would reject it at deploy. '
      + 'Fix: spread the associations over more roles (about 1 fit in one), or raise the "Role trust policy length" quota in Service Quotas (up to 8192) and set trustPolicyLengthQuota on the role');
  });

  test('the partition and region are the stack\'s when known; unknown, the aws partition (where Pod Identity exists) and the longest region', () => {
    const lengthWith = (env: { account?: string; region?: string } | undefined) => {
      const app = new App();
      const stack = new Stack(app, 'Stack', { env });
      const role = new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: true });
      for (let i = 0; i < 8; i++) role.associate(importedEksV2Cluster(stack, `C${i}`, `cluster-${i}`), { namespace: `team-${i}`, serviceAccount: 'app' });
      return lengthIn(messagesWithId(app, 'TrustPolicyTooLong')[0]);
    };
    const east = lengthWith(ENV);
    // One cluster ARN per statement holds the partition (and region): 8 statements.
    expect(lengthWith({ account: ACCOUNT, region: 'us-gov-west-1' }) - east).toBe(8 * ('aws-us-gov'.length - 'aws'.length) + 8 * ('us-gov-west-1'.length - 'us-east-1'.length));
    expect(lengthWith({ account: ACCOUNT }) - east).toBe(8 * ('ap-southeast-5'.length - 'us-east-1'.length));
  });

  test('exactly the quota passes, one character more fails', () => {
    const over = lengthIn(roleWithTrust(2000)[0]);
    const exact = 2000 - (over - 2048);
    expect([...roleWithTrust(exact)]).toEqual([]);
    expect(roleWithTrust(exact + 1).map(lengthIn)).toEqual([2049]);
    expect([...roleWithTrust(exact + 1, 2049)]).toEqual([]);
  });

  describe('tokens count as what they resolve to (measured before resolution)', () => {
    /** A scoped role (the cluster ARN, a token, in its statement) with a padded statement holding `value`. */
    function scopedRoleWith(value: (stack: Stack) => unknown, quota?: number) {
      // (padded by a second condition: a list token cannot be mixed with other elements)
      const { app, stack, cluster } = setup();
      const role = new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: true, trustPolicyLengthQuota: quota });
      role.associate(cluster, { namespace: 'ns', serviceAccount: 'sa' });
      const statement = assumeBy('sts:AssumeRole');
      statement.addCondition('StringLike', { 'aws:PrincipalTag/team': value(stack), 'aws:PrincipalTag/padding': padding });
      statement.addCondition('Bool', { 'aws:MultiFactorAuthPresent': true });
      role.assumeRolePolicy!.addStatements(statement);
      return { app, stack, role };
    }
    const padding = 'p'.repeat(1900);
    // Measured from the tokens alone (true), or resolved whole (false): a token where no string is expected.
    const values: Array<[string, (stack: Stack) => unknown, boolean]> = [
      ['a parameter inside a string', stack => `team-${new CfnParameter(stack, 'Team', { default: 'a' }).valueAsString}-a`, true],
      ['a list parameter', stack => new CfnParameter(stack, 'Teams', { type: 'CommaDelimitedList' }).valueAsList, false],
      ['a number parameter', stack => new CfnParameter(stack, 'Age', { type: 'Number' }).valueAsNumber, false],
      ['a token object', () => ({ creationStack: [], resolve: () => 'team-a', toString: () => 'team-a' }), false],
    ];

    test.each(values)('%s: exactly the quota passes, one character less fails', (_name, value) => {
      const length = lengthIn(messagesWithId(scopedRoleWith(value).app, 'TrustPolicyTooLong')[0]);
      expect(messagesWithId(scopedRoleWith(value, length).app, 'TrustPolicyTooLong')).toEqual([]);
      expect(messagesWithId(scopedRoleWith(value, length - 1).app, 'TrustPolicyTooLong').map(lengthIn)).toEqual([length]);
    });

    test.each(values)('%s: the length of the resolved policy, resolving only its tokens when it can', (_name, value, tokensOnly) => {
      const { app, stack, role } = scopedRoleWith(value);
      const exact = estimatedPolicyLength(stack.resolve(role.assumeRolePolicy!.toJSON()));
      const facts = new AppFacts(app, Registry.of(app));
      const resolve = jest.spyOn(Stack.prototype, 'resolve');
      try {
        expect(facts.trustPolicyLengthOf(role)).toBe(exact);
        const resolved = resolve.mock.calls.map(([resolvable]) => resolvable);
        // The cluster ARN of the scoped statement and the parameter: one resolution each.
        expect(resolved.every(item => Tokenization.isResolvable(item))).toBe(tokensOnly);
        if (tokensOnly) expect(resolved).toHaveLength(2);
      } finally {
        resolve.mockRestore();
      }
      expect(facts.trustPolicyLengthOf(iam.Role.fromRoleName(stack, 'Imported', 'imported'))).toBeUndefined();
    });
  });

  describe('the trust statements the checks read', () => {
    test('as rendered, nothing resolved when the parts read are literals (condition values stay as rendered)', () => {
      const { app, stack, cluster } = setup();
      const role = new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: true });
      role.associate(cluster, { namespace: 'ns', serviceAccount: 'sa' });
      const facts = new AppFacts(app, Registry.of(app));
      const resolve = jest.spyOn(Stack.prototype, 'resolve');
      try {
        const [statement] = facts.trustStatementsOf(role)!;
        expect(resolve).not.toHaveBeenCalled();
        expect([statement.Effect, statement.Action, statement.Principal]).toEqual(['Allow', ['sts:AssumeRole', 'sts:TagSession'], { Service: 'pods.eks.amazonaws.com' }]);
        expect(Object.keys(statement.Condition!.StringEquals)).toEqual(['aws:RequestTag/eks-cluster-arn', 'aws:RequestTag/kubernetes-namespace', 'aws:RequestTag/kubernetes-service-account']);
        expect(Token.isUnresolved(statement.Condition!.StringEquals['aws:RequestTag/eks-cluster-arn'])).toBe(true);
      } finally {
        resolve.mockRestore();
      }
    });

    test('tokens in the action, the principal (a string or an object) and the condition keys are resolved', () => {
      const { app, stack } = setup();
      const lazyService = new (class extends iam.PrincipalBase {
        public readonly policyFragment = new iam.PrincipalPolicyFragment({ Service: ['ec2.amazonaws.com', Lazy.any({ produce: () => 'pods.eks.amazonaws.com' }) as any] });
        public dedupeString(): string | undefined {
          return undefined;
        }
      })();
      const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
      const byLazy = new iam.Role(stack, 'ByLazy', { assumedBy: lazyService });
      role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('pods.eks.amazonaws.com')],
        actions: [Lazy.string({ produce: () => 'sts:TagSession' })],
        conditions: {
          Bool: { 'aws:SecureTransport': 'true' },
          StringEquals: { 'aws:RequestTag/env': 'prod', [Lazy.string({ produce: () => 'aws:RequestTag/team' })]: 'shop' },
        },
      }));
      const facts = new AppFacts(app, Registry.of(app));
      expect(facts.trustStatementsOf(role)!.map(s => [s.Action, s.Principal, s.Condition])).toEqual([
        ['sts:AssumeRole', { Service: 'pods.eks.amazonaws.com' }, undefined],
        ['sts:TagSession', { Service: 'pods.eks.amazonaws.com' }, { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:RequestTag/env': 'prod', 'aws:RequestTag/team': 'shop' } }],
      ]);
      expect(facts.trustStatementsOf(byLazy)!.map(s => s.Principal)).toEqual([{ Service: ['ec2.amazonaws.com', 'pods.eks.amazonaws.com'] }]);
    });
  });

  test('how many statements fit: the quota over the average statement length', () => {
    // The role's own statement and 6 padded ones of about 800 characters each.
    const [message] = roleWithTrust(700, 4096, false, 6);
    const length = lengthIn(message);
    const perStatement = Math.ceil(length / 7);
    expect(length).toBeGreaterThan(4096);
    expect(message).toContain(`(7 statements, about ${perStatement} each, e.g. one per association) and the account's role trust policy length quota is 4096`);
    expect(message).toContain(`about ${Math.floor(4096 / perStatement)} fit in one`);
    expect(Math.floor(4096 / perStatement)).toBeGreaterThan(1);
  });
});

describe('UnscopedWorkloadRole', () => {
  const WARNING = '[cdk-eks-pod-identity:UnscopedWorkloadRole] the workload\'s own role Stack/Batch/Role trusts every Pod Identity association in the account, not only batch/batch, '
    + 'because disableSessionTags: true leaves EKS nothing to scope the trust by. '
    + 'Fix: keep session tags on (the default; only a session policy or a PackedPolicyTooLarge error needs them off), or restrict who may iam:PassRole the role and acknowledge this warning [ack: cdk-eks-pod-identity:UnscopedWorkloadRole]';

  test('the workload\'s own role with session tags off: the whole warning; with them on: none', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityBoundWorkload(stack, 'Batch', { cluster, namespace: 'batch', image: 'b:1', associationSettings: { disableSessionTags: true } });
    new PodIdentityBoundWorkload(stack, 'Api', { cluster, namespace: 'api', image: 'a:1' });
    expect(messagesWithId(app, 'UnscopedWorkloadRole')).toEqual([WARNING]);
  });

  test('a role given to the workload is its owner\'s to scope: not reported', () => {
    const { app, stack, cluster } = setup();
    const role = new PodIdentityRole(stack, 'Shared');
    new PodIdentityBoundWorkload(stack, 'Batch', { cluster, namespace: 'batch', image: 'b:1', role, associationSettings: { disableSessionTags: true } });
    expect(messagesWithId(app, 'UnscopedWorkloadRole')).toEqual([]);
  });
});
