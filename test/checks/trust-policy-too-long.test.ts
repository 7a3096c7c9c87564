// TrustPolicyTooLong at its edges, with the whole message; tokens count as what they resolve to.
import { App, CfnParameter, Stack, Tokenization } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PodIdentityRole } from '../../lib';
import { AppFacts } from '../../lib/checks/app-facts';
import { estimatedPolicyLength } from '../../lib/private/policy-length';
import { Registry } from '../../lib/private/registry';
import { importedEksV2Cluster } from '../helpers/clusters';
import { ACCOUNT, ENV, PRINCIPAL, assumeBy, messagesWithId, setup } from '../helpers/trust-checks';

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
