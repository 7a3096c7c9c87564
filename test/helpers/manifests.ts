// Reads the Kubernetes objects the library applies out of a synthesized template.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

export const KUBERNETES_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';

/**
 * The Kubernetes objects of every manifest resource in the template, in apply order. CloudFormation
 * expressions inside strings (e.g. a table name from `Ref`) are replaced by `<Ref:LogicalId>`-style placeholders
 * so the objects are plain JSON that a schema validator can read.
 */
export function kubernetesObjects(template: Template, logicalIdPattern?: RegExp): Array<Record<string, any>> {
  const resources = template.findResources(KUBERNETES_RESOURCE_TYPE);
  return Object.entries(resources)
    .filter(([logicalId]) => !logicalIdPattern || logicalIdPattern.test(logicalId))
    .flatMap(([, resource]) => JSON.parse(flatten(resource.Properties.Manifest)));
}

/** Synthesizes the stack and returns the objects it applies to the cluster. */
export function kubernetesObjectsOf(stack: Stack, logicalIdPattern?: RegExp): Array<Record<string, any>> {
  return kubernetesObjects(Template.fromStack(stack), logicalIdPattern);
}

function flatten(value: any): string {
  if (typeof value === 'string') return value;
  if (value['Fn::Join']) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map((part: any) => typeof part === 'string' ? part : placeholder(part)).join(separator);
  }
  throw new Error(`unexpected manifest value ${JSON.stringify(value)}`);
}

function placeholder(expression: any): string {
  if (expression.Ref) return `<Ref:${expression.Ref}>`;
  if (expression['Fn::GetAtt']) return `<GetAtt:${expression['Fn::GetAtt'].join('.')}>`;
  return `<${Object.keys(expression)[0]}>`;
}
