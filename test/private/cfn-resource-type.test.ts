// L1 resources are recognised by their CloudFormation type, not their class: newer aws-cdk-lib releases give
// aws_eks_v2 L1 classes of its own (judge:compat runs the construct tests on the newest one).
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { isCfnResourceOfType } from '../../lib/private/cfn-resource-type';

test('an L1 of another class with the same CloudFormation type counts; other types and plain constructs do not', () => {
  const stack = new Stack();
  const ownClass = new eks.CfnAddon(stack, 'Addon', { addonName: 'vpc-cni', clusterName: 'prod' });
  // Stands for aws_eks_v2's own CfnAddon: another class, the same type.
  const otherClass = new CfnResource(stack, 'OtherAddon', { type: 'AWS::EKS::Addon', properties: { AddonName: 'vpc-cni' } });
  const cluster = new CfnResource(stack, 'Cluster', { type: 'AWS::EKS::Cluster' });
  expect(isCfnResourceOfType(ownClass, eks.CfnAddon.CFN_RESOURCE_TYPE_NAME)).toBe(true);
  expect(isCfnResourceOfType(otherClass, eks.CfnAddon.CFN_RESOURCE_TYPE_NAME)).toBe(true);
  expect(isCfnResourceOfType(cluster, eks.CfnAddon.CFN_RESOURCE_TYPE_NAME)).toBe(false);
  expect(isCfnResourceOfType(stack, eks.CfnAddon.CFN_RESOURCE_TYPE_NAME)).toBe(false);
  expect(isCfnResourceOfType(undefined, eks.CfnAddon.CFN_RESOURCE_TYPE_NAME)).toBe(false);
});
