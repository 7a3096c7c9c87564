import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { awsSolutionsErrors, awsSolutionsFindings, formatFindings } from './cdk-nag';
import { acknowledgeNag } from '../../examples/nag-acknowledgements';
import { PodIdentityRole } from '../../lib';

function roleWithPolicy(statement: iam.PolicyStatement) {
  const stack = new Stack(new App(), 'Nagged');
  const role = new PodIdentityRole(stack, 'Role');
  role.addToPolicy(statement);
  return { stack, role };
}

test('a role with a wildcard-action policy fails the judge', () => {
  const { stack } = roleWithPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));

  const errors = awsSolutionsErrors(stack);

  expect(errors.map(error => error.rule).sort()).toEqual(['AwsSolutions-IAM5[Action::s3:*]', 'AwsSolutions-IAM5[Resource::*]']);
  expect(errors[0].path).toBe('Nagged/Role/DefaultPolicy/Resource');
  expect(formatFindings(errors)[0]).toMatch(/^AwsSolutions-IAM5\[.*\] at Nagged\/Role\/DefaultPolicy\/Resource: The IAM entity contains wildcard permissions/);
});

test('a role with a precise policy passes', () => {
  const { stack } = roleWithPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/key'] }));

  expect(awsSolutionsFindings(stack)).toEqual([]);
});

test('an AWS managed policy fails unless that exact finding is acknowledged', () => {
  const stack = new Stack(new App(), 'Managed');
  const role = new PodIdentityRole(stack, 'Role', {
    managedPolicies: [
      iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess'),
      iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSQSReadOnlyAccess'),
    ],
  });
  acknowledgeNag(role, {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonS3ReadOnlyAccess]',
    reason: 'the test acknowledges one of the two managed policies',
  });

  expect(awsSolutionsErrors(stack).map(error => error.rule)).toEqual([
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSQSReadOnlyAccess]',
  ]);
});

test('a rule acknowledged on one construct still fails on its sibling', () => {
  const stack = new Stack(new App(), 'Siblings');
  const acknowledged = new PodIdentityRole(stack, 'Acknowledged');
  const other = new PodIdentityRole(stack, 'Other');
  for (const role of [acknowledged, other]) role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
  acknowledgeNag(acknowledged, { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'the test acknowledges the finding on this role' });

  expect(awsSolutionsErrors(stack).map(error => `${error.rule} ${error.path}`)).toEqual([
    'AwsSolutions-IAM5[Resource::*] Siblings/Other/DefaultPolicy/Resource',
  ]);
});

test('a rule-level acknowledgement does not hide the rule\'s findings (cdk-nag 3 matches finding ids exactly)', () => {
  const { stack, role } = roleWithPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
  acknowledgeNag(role, { id: 'AwsSolutions-IAM5', reason: 'a rule-level acknowledgement, too coarse for findings' });

  expect(awsSolutionsErrors(stack).map(error => error.rule)).toEqual(['AwsSolutions-IAM5[Resource::*]']);
});

test('acknowledgements need a reason', () => {
  const stack = new Stack(new App(), 'Lazy');
  expect(() => acknowledgeNag(stack, { id: 'AwsSolutions-IAM5', reason: 'ok' })).toThrow(/needs a real reason/);
  expect(() => acknowledgeNag(stack, { id: 'IAM5', reason: 'a reason long enough to pass' })).toThrow(/not a cdk-nag AwsSolutions rule id/);
});
