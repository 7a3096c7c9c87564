// The policy length estimate of lib/private/policy-length.ts: IAM counts a policy's JSON without whitespace, and
// values unknown until deploy (Ref, Fn::GetAtt, Fn::Join...) count as the longest value they can have. Called
// directly, so that mutation testing (`npx projen mutation`) can run every case for every mutant.
import { Aws } from 'aws-cdk-lib';
import { estimatedPolicyLength } from '../../lib/private/policy-length';

describe('estimated policy length: IAM\'s count of the JSON without whitespace', () => {
  test.each([
    ['a string', 'a"b'],
    ['numbers, booleans and null', { n: 12, t: true, f: false, z: null }],
    ['empty and nested arrays and objects', { a: [], o: {}, l: [1, ['x', 'y'], { k: 'v' }] }],
    ['an object whose first key looks like an intrinsic but has others', { 'Ref': 'x', 'Fn::Other': 'y' }],
    ['a policy', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' }] }],
  ])('literal values are measured exactly: %s', (_, document) => {
    expect(estimatedPolicyLength(document)).toBe(JSON.stringify(document).length);
  });

  // The region unknown: the longest value where EKS Pod Identity exists (the aws partition, not China or GovCloud).
  test.each([
    ['AWS::Partition', 'aws'.length],
    ['AWS::Region', 'ap-southeast-5'.length],
    ['AWS::AccountId', 12],
    ['AWS::URLSuffix', 'amazonaws.com'.length],
    ['AWS::StackName', 128],
    ['MyParameter', 64],
  ])('{ Ref: %j } counts as %d characters in quotes', (name, length) => {
    expect(estimatedPolicyLength({ Ref: name })).toBe(length + 2);
    expect(estimatedPolicyLength({ k: { Ref: name } })).toBe('{"k":""}'.length + length);
  });

  test.each([
    ['an ARN attribute, as a list', ['Role', 'Arn'], 128],
    ['an ARN attribute, as a string', 'Role.Arn', 128],
    ['an attribute ending in Arn', ['Topic', 'TopicArn'], 128],
    ['an attribute starting with Arn', ['Thing', 'ArnSuffix'], 64],
    ['another attribute', ['Role', 'RoleId'], 64],
    ['another attribute, as a string', 'Cluster.Endpoint', 64],
    ['a string without an attribute', 'Role', 64],
    ['an attribute given by a Ref', ['Role', { Ref: 'AttributeName' }], 64],
  ])('Fn::GetAtt of %s counts as %#', (_, argument, length) => {
    expect(estimatedPolicyLength({ 'Fn::GetAtt': argument })).toBe((length as number) + 2);
  });

  test.each([
    ['us-east-1', 'aws', 'amazonaws.com'],
    ['us-gov-west-1', 'aws-us-gov', 'amazonaws.com'],
    ['cn-north-1', 'aws-cn', 'amazonaws.com.cn'],
    ['eu-central-2', 'aws', 'amazonaws.com'],
  ])('the stack\'s region %s known: its partition, region and URL suffix', (region, partition, suffix) => {
    expect(estimatedPolicyLength({ Ref: 'AWS::Partition' }, region)).toBe(partition.length + 2);
    expect(estimatedPolicyLength({ Ref: 'AWS::Region' }, region)).toBe(region.length + 2);
    expect(estimatedPolicyLength({ Ref: 'AWS::URLSuffix' }, region)).toBe(suffix.length + 2);
  });

  test('a region that is a token counts as unknown', () => {
    expect(estimatedPolicyLength({ Ref: 'AWS::Partition' }, Aws.REGION)).toBe('aws'.length + 2);
  });

  test('Fn::Join: its literal parts exactly, its intrinsics estimated, a separator between each two parts', () => {
    const join = { 'Fn::Join': ['::', ['arn:', { Ref: 'AWS::Partition' }, 'a"b', { 'Fn::GetAtt': ['Role', 'Arn'] }]] };
    expect(estimatedPolicyLength(join)).toBe(2 + 3 * 2 + 'arn:'.length + 3 + '"a\\"b"'.length - 2 + 128);
    expect(estimatedPolicyLength({ 'Fn::Join': ['-', ['only']] })).toBe('"only"'.length);
    expect(estimatedPolicyLength({ 'Fn::Join': ['-', []] })).toBe('""'.length);
  });

  test('Fn::Join of a list given by an intrinsic, and other functions, count as a generated name', () => {
    expect(estimatedPolicyLength({ 'Fn::Join': [',', { 'Fn::GetAZs': '' }] })).toBe(64 + 2);
    expect(estimatedPolicyLength({ 'Fn::Select': [0, ['a', 'b']] })).toBe(64 + 2);
    expect(estimatedPolicyLength({ 'Fn::ImportValue': 'Shared' })).toBe(64 + 2);
    // Only Fn::GetAtt reads an attribute name: a second argument ending in Arn means nothing to the others.
    expect(estimatedPolicyLength({ 'Fn::FindInMap': ['Accounts', 'RoleArn', 'Name'] })).toBe(64 + 2);
  });
});
