// The namespaces and labels the Fargate profiles of the app select, read from their resources (either module).
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { cfnPropertiesOf } from './aws-cdk-internals';
import { isCfnResourceOfType } from './cfn-resource-type';

/** One selector of a Fargate profile. */
export interface FargateSelector {
  /** The profile's construct path. */
  readonly profile: string;
  /** The `clusterName` the profile was given (compare with the cluster's name). */
  readonly clusterName: string;
  /** The namespace it selects. */
  readonly namespace: string;
  /** Pod labels it also requires, if any. */
  readonly labels?: Record<string, string>;
}

/** The selectors of a Fargate profile resource of either module; none for any other resource. */
export function fargateSelectorsOf(resource: CfnResource): FargateSelector[] {
  const stack = Stack.of(resource);
  if (isCfnResourceOfType<eks.CfnFargateProfile>(resource, eks.CfnFargateProfile.CFN_RESOURCE_TYPE_NAME)) {
    return (stack.resolve(resource.selectors) ?? []).map((selector: any) => ({
      profile: resource.node.path,
      clusterName: resource.clusterName,
      namespace: selector.namespace,
      labels: selector.labels && Object.fromEntries(selector.labels.map((label: any) => [label.key, label.value])),
    }));
  }
  if (resource.cfnResourceType === 'Custom::AWSCDK-EKS-FargateProfile') {
    // aws_eks creates Fargate profiles through a custom resource; cluster and selectors are in its Config property.
    const config = cfnPropertiesOf(resource).Config ?? {};
    return (stack.resolve(config.selectors) ?? []).map((selector: any) => ({
      profile: resource.node.scope!.node.path,
      clusterName: config.clusterName,
      namespace: selector.namespace,
      labels: selector.labels,
    }));
  }
  return [];
}
