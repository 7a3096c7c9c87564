// Recognising aws-cdk-lib L1 resources across EKS modules, by CloudFormation type.
import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Whether a construct is an L1 resource of a CloudFormation type, e.g. `AWS::EKS::Addon`. Not `instanceof`: newer
 * aws-cdk-lib releases give aws_eks_v2 L1 classes of its own (its clusters' CfnCluster and CfnAddon are not
 * aws_eks's), with the same properties.
 */
export function isCfnResourceOfType<T extends CfnResource>(construct: IConstruct | undefined, type: string): construct is T {
  return construct !== undefined && CfnResource.isCfnResource(construct) && construct.cfnResourceType === type;
}
