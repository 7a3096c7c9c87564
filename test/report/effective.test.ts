// What a role's policies allow once explicit Denies and the permissions boundary apply, statement by statement: the
// report may over-state access where patterns only may overlap, never under-state it.
import { covers, effectiveStatements, listOf } from '../../lib/report/effective';

const ALLOW_TABLE = { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: 'arn:aws:dynamodb:us-east-1:1:table/orders' };

function effective(statement: any, denies: any[], boundary?: any[]): any[] {
  const allow = { from: 'Policy', statement };
  return effectiveStatements([allow], denies, boundary).get(allow)!;
}

describe('covers: an IAM pattern contains another', () => {
  test.each<[string, string, boolean, boolean]>([
    ['s3:*', 's3:GetObject', true, true],
    ['s3:Get*', 's3:GetObject', true, true],
    ['s3:Get*', 's3:Put*', true, false],
    ['s3:Get*', 's3:*', true, false],
    ['S3:GETOBJECT', 's3:GetObject', true, true],
    ['S3:GETOBJECT', 's3:GetObject', false, false],
    ['table/?', 'table/a', false, true],
    ['table/?', 'table/*', false, false],
    ['table/?', 'table/ab', false, false],
    ['a.b', 'axb', false, false],
    ['arn:aws:s3:::b/(x)', 'arn:aws:s3:::b/(x)', false, true],
    ['*', 'line\nbreak', false, true],
  ])('%s over %s (ignore case %s): %s', (outer, inner, ignoreCase, expected) => {
    expect(covers(outer, inner, ignoreCase)).toBe(expected);
  });

  test('the case of one pattern does not leak into the other mode (cached per mode)', () => {
    expect(covers('s3:get*', 's3:GetObject', true)).toBe(true);
    expect(covers('s3:get*', 's3:GetObject', false)).toBe(false);
  });

  test('patterns that differ by a leading i or s are not mixed up between the modes (cached per mode)', () => {
    expect(covers('Qcache*', 'Qcache1', false)).toBe(true);
    expect(covers('sQcache*', 'sqCACHE1', true)).toBe(true);
    expect(covers('iRcache*', 'iRcache1', false)).toBe(true);
    expect(covers('Rcache*', 'rCACHE1', true)).toBe(true);
  });
});

test('listOf: one value or a list, as strings', () => {
  expect(listOf('a')).toEqual(['a']);
  expect(listOf(['a', { Ref: 'X' }])).toEqual(['a', '{"Ref":"X"}']);
  expect(listOf(undefined)).toEqual([]);
  expect(listOf(null)).toEqual([]);
});

describe('explicit Denies', () => {
  test('no Deny: the statement as it is', () => {
    expect(effective(ALLOW_TABLE, [])).toEqual([ALLOW_TABLE]);
  });

  test('an unconditional Deny of one action on the resource removes that action', () => {
    expect(effective(ALLOW_TABLE, [{ Effect: 'Deny', Action: 'dynamodb:putitem', Resource: '*' }]))
      .toEqual([{ ...ALLOW_TABLE, Action: ['dynamodb:GetItem'] }]);
  });

  test('a Deny of every action removes the statement', () => {
    expect(effective(ALLOW_TABLE, [{ Effect: 'Deny', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:us-east-1:1:table/*' }])).toEqual([]);
  });

  test.each<[string, any]>([
    ['with a condition', { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
    ['with NotAction', { Effect: 'Deny', NotAction: 's3:*', Resource: '*' }],
    ['with NotResource', { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:s3:::x' }],
    ['without Action', { Effect: 'Deny', Resource: '*' }],
    ['without Resource', { Effect: 'Deny', Action: '*' }],
    ['on another resource', { Effect: 'Deny', Action: '*', Resource: 'arn:aws:dynamodb:us-east-1:1:table/other' }],
    ['on the resource in another case (ARNs are case-sensitive)', { Effect: 'Deny', Action: '*', Resource: 'ARN:AWS:DYNAMODB:US-EAST-1:1:TABLE/ORDERS' }],
    ['with both Action and NotAction (malformed)', { Effect: 'Deny', Action: '*', NotAction: 'dynamodb:GetItem', Resource: '*' }],
    ['with both Resource and NotResource (malformed)', { Effect: 'Deny', Action: '*', Resource: '*', NotResource: 'arn:aws:s3:::x' }],
    ['an Allow', { Effect: 'Allow', Action: '*', Resource: '*' }],
  ])('a Deny %s is not certain to apply: nothing removed', (_name, deny) => {
    expect(effective(ALLOW_TABLE, [deny])).toEqual([ALLOW_TABLE]);
  });

  test('a Deny of several actions removes those it names, keeps the others', () => {
    expect(effective(ALLOW_TABLE, [{ Effect: 'Deny', Action: ['s3:*', 'dynamodb:PutItem'], Resource: '*' }]))
      .toEqual([{ ...ALLOW_TABLE, Action: ['dynamodb:GetItem'] }]);
  });

  test('a Deny without Resource is not certain, even against an Allow that names no resource', () => {
    const noResource = { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [] };
    expect(effective(noResource, [{ Effect: 'Deny', Action: '*' }])).toEqual([noResource]);
  });

  test('a Deny must cover every resource of the Allow', () => {
    const twoTables = { ...ALLOW_TABLE, Resource: ['arn:aws:dynamodb:us-east-1:1:table/orders', 'arn:aws:dynamodb:us-east-1:1:table/carts'] };
    expect(effective(twoTables, [{ Effect: 'Deny', Action: '*', Resource: 'arn:aws:dynamodb:us-east-1:1:table/orders' }])).toEqual([twoTables]);
    expect(effective(twoTables, [{ Effect: 'Deny', Action: '*', Resource: ['arn:aws:dynamodb:us-east-1:1:table/orders', 'arn:aws:dynamodb:us-east-1:1:table/carts'] }])).toEqual([]);
  });

  test('an Allow with NotAction or NotResource: removed only by a Deny of everything everywhere', () => {
    const notAction = { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' };
    expect(effective(notAction, [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }])).toEqual([notAction]);
    expect(effective(notAction, [{ Effect: 'Deny', Action: '*', Resource: '*' }])).toEqual([]);
    const notResource = { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' };
    expect(effective(notResource, [{ Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*' }])).toEqual([{ ...notResource, Action: ['s3:GetObject'] }]);
    expect(effective(notResource, [{ Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }])).toEqual([]);
  });

  test('an empty action or resource name in a Deny is not "everything": an Allow with NotAction or NotResource stays', () => {
    const notAction = { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' };
    expect(effective(notAction, [{ Effect: 'Deny', Action: '', Resource: '*' }])).toEqual([notAction]);
    const notResource = { Effect: 'Allow', Action: ['s3:GetObject'], NotResource: 'arn:aws:s3:::secret/*' };
    expect(effective(notResource, [{ Effect: 'Deny', Action: '*', Resource: '' }])).toEqual([notResource]);
  });
});

describe('the permissions boundary', () => {
  test('no boundary statement allows it: nothing', () => {
    expect(effective(ALLOW_TABLE, [], [])).toEqual([]);
    expect(effective(ALLOW_TABLE, [], [{ Effect: 'Deny', Action: '*', Resource: '*' }, 'not a statement', null])).toEqual([]);
  });

  test('a boundary allowing everything keeps the statement', () => {
    expect(effective(ALLOW_TABLE, [], [{ Effect: 'Allow', Action: '*', Resource: '*' }])).toEqual([{ ...ALLOW_TABLE, Resource: [ALLOW_TABLE.Resource] }]);
  });

  test('resources compare case-sensitively (ARNs do): a boundary on bucket b does not let bucket B through', () => {
    const statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::B/*' };
    expect(effective(statement, [], [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }])).toEqual([]);
    expect(effective(statement, [], [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::B/*' }])).toEqual([{ ...statement, Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::B/*'] }]);
  });

  test('actions and resources narrowed to what both allow', () => {
    const wide = { Effect: 'Allow', Action: 'dynamodb:*', Resource: ['arn:aws:dynamodb:us-east-1:1:table/*', 'arn:aws:s3:::bucket'], Condition: { Bool: { x: 'true' } } };
    const boundary = [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 's3:GetObject'], Resource: 'arn:aws:dynamodb:us-east-1:1:table/orders' }];
    expect(effective(wide, [], boundary)).toEqual([{
      Effect: 'Allow',
      Condition: { Bool: { x: 'true' } },
      Action: ['dynamodb:GetItem', 'dynamodb:Query'],
      Resource: ['arn:aws:dynamodb:us-east-1:1:table/orders'],
    }]);
  });

  test('patterns that may overlap without one containing the other: the allowed side is kept (over-stated, never under-stated)', () => {
    const statement = { Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::logs-*' };
    expect(effective(statement, [], [{ Effect: 'Allow', Action: 's3:*Object', Resource: 'arn:aws:s3:::*-2024' }]))
      .toEqual([{ Effect: 'Allow', Action: ['s3:Get*'], Resource: ['arn:aws:s3:::logs-*'] }]);
  });

  test.each<[string, string, string]>([
    ['the statement\'s literal suffix ends with the boundary\'s', 'arn:aws:s3:::logs-*-eu-2024', 'arn:aws:s3:::*-x*-2024'],
    ['the boundary\'s literal suffix ends with the statement\'s', 'arn:aws:s3:::*-x*-2024', 'arn:aws:s3:::logs-*-eu-2024'],
  ])('resources that may overlap (%s): the statement\'s resource is kept', (_name, resource, limit) => {
    expect(covers(resource, limit, false) || covers(limit, resource, false)).toBe(false);
    expect(effective({ Effect: 'Allow', Action: 's3:GetObject', Resource: resource }, [], [{ Effect: 'Allow', Action: '*', Resource: limit }]))
      .toEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [resource] }]);
  });

  test.each<[string, string, string, string]>([
    ['micro sign and Greek mu', 'svc:\u00b5a*', 'svc:\u03bc*b', 'svc:\u03bcab'],
    ['capital sigma at the end of the prefix and small sigma', 'svc:A\u03a3*a', 'svc:a\u03c3b*', 'svc:a\u03c3ba'],
  ])('actions one and the same without case (%s) may overlap: the statement\'s action is kept, never dropped', (_name, action, limit, common) => {
    expect(covers(action, common, true) && covers(limit, common, true)).toBe(true);
    expect(covers(action, limit, true) || covers(limit, action, true)).toBe(false);
    expect(effective({ Effect: 'Allow', Action: action, Resource: '*' }, [], [{ Effect: 'Allow', Action: limit, Resource: '*' }]))
      .toEqual([{ Effect: 'Allow', Action: [action], Resource: ['*'] }]);
  });

  test.each<[string, string, string]>([
    ['different prefixes', 'arn:aws:s3:::logs-*', 'arn:aws:s3:::data-*'],
    ['different suffixes', 'arn:aws:s3:::*-eu', 'arn:aws:s3:::*-us'],
    ['two literals that differ', 'arn:aws:s3:::a', 'arn:aws:s3:::b'],
  ])('disjoint resources (%s): nothing', (_name, resource, limit) => {
    expect(effective({ Effect: 'Allow', Action: 's3:GetObject', Resource: resource }, [], [{ Effect: 'Allow', Action: '*', Resource: limit }])).toEqual([]);
  });

  test('action patterns compare without case, placeholders count as wildcards', () => {
    expect(effective({ Effect: 'Allow', Action: 'S3:GETOBJECT', Resource: '*' }, [], [{ Effect: 'Allow', Action: 's3:get*', Resource: '*' }]))
      .toEqual([{ Effect: 'Allow', Action: ['S3:GETOBJECT'], Resource: ['*'] }]);
    expect(effective({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::${Bucket}/*' }, [], [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::logs/*' }]))
      .toEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::${Bucket}/*'] }]);
  });

  test('two boundary statements: one effective statement each, duplicates merged', () => {
    const statement = { Effect: 'Allow', Action: ['s3:GetObject', 'sqs:SendMessage'], Resource: '*' };
    expect(effective(statement, [], [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      { Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
      { Effect: 'Allow', Action: 's3:Get*', Resource: '*' },
    ])).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['*'] },
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: ['*'] },
    ]);
  });

  test('NotAction on the statement: the boundary\'s actions it does not exclude', () => {
    expect(effective({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }, [], [{ Effect: 'Allow', Action: ['iam:PassRole', 's3:GetObject'], Resource: '*' }]))
      .toEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['*'] }]);
    expect(effective({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }, [], [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }])).toEqual([]);
  });

  test('NotAction on the statement: a boundary action any of its patterns excludes, in any case, is left out', () => {
    expect(effective({ Effect: 'Allow', NotAction: ['kms:*', 'IAM:*'], Resource: '*' }, [], [{ Effect: 'Allow', Action: ['iam:PassRole', 's3:GetObject'], Resource: '*' }]))
      .toEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['*'] }]);
  });

  test('NotAction on the boundary: the statement\'s actions it does not exclude', () => {
    expect(effective({ Effect: 'Allow', Action: ['iam:PassRole', 's3:GetObject'], Resource: '*' }, [], [{ Effect: 'Allow', NotAction: 'IAM:*', Resource: '*' }]))
      .toEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['*'] }]);
    expect(effective({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }, [], [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }])).toEqual([]);
  });

  test('NotAction on the boundary: a statement action any of its patterns excludes is left out', () => {
    expect(effective({ Effect: 'Allow', Action: ['iam:PassRole', 's3:GetObject'], Resource: '*' }, [], [{ Effect: 'Allow', NotAction: ['kms:*', 'iam:*'], Resource: '*' }]))
      .toEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['*'] }]);
  });

  test('NotAction on both: the union of what they exclude', () => {
    expect(effective({ Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' }, [], [{ Effect: 'Allow', NotAction: ['iam:*', 'kms:*'], Resource: '*' }]))
      .toEqual([{ Effect: 'Allow', NotAction: ['iam:*', 'kms:*'], Resource: ['*'] }]);
  });

  test('NotResource on the statement: the boundary\'s resources when it names them, else the NotResource', () => {
    const statement = { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' };
    expect(effective(statement, [], [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::logs/*' }]))
      .toEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::logs/*' }]);
    expect(effective(statement, [], [{ Effect: 'Allow', Action: '*', Resource: ['*'] }]))
      .toEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], NotResource: 'arn:aws:s3:::secret/*' }]);
  });

  test('NotResource on the boundary: the statement\'s resources are kept', () => {
    expect(effective({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*' }, [], [{ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::secret/*' }]))
      .toEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::logs/*' }]);
  });

  test('NotResource on the boundary that also names a Resource (malformed): still only the statement\'s resources', () => {
    expect(effective({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*' }, [],
      [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::data/*', NotResource: 'arn:aws:s3:::secret/*' }]))
      .toStrictEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::logs/*' }]);
  });

  test.each<[string, any]>([
    ['a NotResource', { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::logs/*' }],
    ['no resource field', { Effect: 'Allow', Action: '*' }],
  ])('NotResource on the statement, a boundary with %s: the statement\'s NotResource is kept', (_name, limit) => {
    const statement = { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' };
    expect(effective(statement, [], [limit])).toStrictEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], NotResource: 'arn:aws:s3:::secret/*' }]);
  });

  test('the boundary first, then the Denies', () => {
    expect(effective({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' },
      [{ Effect: 'Deny', Action: 's3:PutObject', Resource: '*' }], [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]))
      .toEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['*'] }]);
  });
});
