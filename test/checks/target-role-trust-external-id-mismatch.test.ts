// TargetRoleTrustExternalIdMismatch, for target roles made by hand: the external id named, StringLike patterns and unknown values honoured.
import { assumeBy, chainApp, messagesWithIdOf } from '../helpers/trust-checks';

describe('TargetRoleTrustExternalIdMismatch', () => {
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
});
