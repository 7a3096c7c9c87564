// Shared checks of the example stacks' templates.
import { Template } from 'aws-cdk-lib/assertions';

export const EXISTING_CLUSTER_CONTEXT = {
  clusterName: 'demo',
  kubectlRoleArn: 'arn:aws:iam::111111111111:role/kubectl',
};

/** The logical ids of the resources of a type. */
export function logicalIds(template: Template, type: string): string[] {
  return Object.keys(template.findResources(type));
}

/** The one resource of a type (fails when there are none or several). */
export function only(template: Template, type: string, props?: any): [string, any] {
  const found = Object.entries(template.findResources(type, props));
  if (found.length !== 1) throw new Error(`expected one ${type}${props ? ' matching ' + JSON.stringify(props) : ''}, found ${found.length}`);
  return found[0];
}

/** Every resource `logicalId` depends on, directly or through other resources' DependsOn. */
export function transitiveDependencies(template: Template, logicalId: string): Set<string> {
  const resources = template.toJSON().Resources;
  const seen = new Set<string>();
  const visit = (id: string) => {
    for (const dependency of [resources[id]?.DependsOn ?? []].flat() as string[]) {
      if (!seen.has(dependency)) {
        seen.add(dependency);
        visit(dependency);
      }
    }
  };
  visit(logicalId);
  return seen;
}
