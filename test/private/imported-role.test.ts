// A role imported with PodIdentityRole.fromPodIdentityRoleArn() hands every permission change to aws-cdk-lib's role
// import; and a role scoped to its associations without any is an error. Whole templates and messages.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PodIdentityRole } from '../../lib';
import { ENV } from '../helpers/clusters';

const ARN = 'arn:aws:iam::111111111111:role/shared-reader';

function imported() {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  return { app, stack, role: PodIdentityRole.fromPodIdentityRoleArn(stack, 'Imported', ARN) };
}

test('the environment comes from the ARN', () => {
  const { stack } = imported();
  const other = PodIdentityRole.fromPodIdentityRoleArn(stack, 'Other', 'arn:aws:iam::222222222222:role/x');
  expect(other.env.account).toBe('222222222222');
});

test('policies: addToPolicy, addToPrincipalPolicy and attachInlinePolicy attach to the imported role', () => {
  const { stack, role } = imported();
  // addToPolicy is not on IPodIdentityRole (IRole dropped it) but the imported class still implements it.
  expect((role as unknown as iam.Role).addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }))).toBe(true);
  expect(role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::b'] })).statementAdded).toBe(true);
  role.attachInlinePolicy(new iam.Policy(stack, 'Inline', { statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] })] }));
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: ['shared-reader'],
    PolicyDocument: { Statement: [{ Action: 's3:GetObject' }, { Action: 's3:ListBucket' }] },
  });
  template.hasResourceProperties('AWS::IAM::Policy', { Roles: ['shared-reader'], PolicyDocument: { Statement: [{ Action: 'sqs:SendMessage' }] } });
});

test('a managed policy added to the imported role is attached to it', () => {
  const { stack, role } = imported();
  role.addManagedPolicy(new iam.ManagedPolicy(stack, 'Managed', { statements: [new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] })] }));
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: ['shared-reader'] });
});

test('grants: grant, grantPassRole and grantAssumeRole give the grantee the actions on the imported role', () => {
  const { stack, role } = imported();
  const grantee = new iam.Role(stack, 'Grantee', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  expect(role.grant(grantee, 'iam:GetRole').success).toBe(true);
  expect(role.grantPassRole(grantee).success).toBe(true);
  expect(role.grantAssumeRole(grantee).success).toBe(true);
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: [
        { Action: 'iam:GetRole', Resource: ARN },
        { Action: 'iam:PassRole', Resource: ARN },
        { Action: 'sts:AssumeRole', Resource: ARN },
      ],
    },
  });
});

test('as a principal: the imported role\'s ARN', () => {
  const { stack, role } = imported();
  const statement = new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'], principals: [role] });
  expect(stack.resolve(statement.toStatementJson().Principal)).toEqual({ AWS: ARN });
});

test('a role scoped to its associations without any: an error at synthesis', () => {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  new PodIdentityRole(stack, 'Lonely', { scopeTrustToAssociations: true });
  expect(() => app.synth()).toThrow('[cdk-eks-pod-identity:ScopedRoleWithoutAssociations] role Stack/Lonely trusts only the service accounts it is associated with, and it has no association in this app, so no pod could ever assume it. '
    + 'Fix: associate it (role.associate(cluster, { namespace, serviceAccount })), or set scopeTrustToAssociations: false');
});
