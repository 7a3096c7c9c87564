// TokenInGitOpsManifest: a value of a workload's objects that is a CloudFormation token, known only at deploy time,
// cannot be written to a GitOps YAML file; one error per value, with the fix for what the token stands for.
import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IRSA_ANNOTATION } from './eks-facts';
import { formatProblem, quote } from './errors';
import { GitOpsTarget } from './gitops-folders';

/** `TokenInGitOpsManifest`: one error per value of the chart that is unknown until deploy, with the fix for its kind. */
export function tokensIn(writer: Construct, target: GitOpsTarget): string[] {
  const stack = Stack.of(writer);
  const errors: string[] = [];
  for (const object of target.render()) {
    const objectName = `${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}`;
    forEachToken(object, '', (fieldPath, value) => {
      const resolved = stack.resolve(value);
      const kind = tokenKindOf(stack, fieldPath, resolved);
      errors.push(formatProblem('TokenInGitOpsManifest',
        `${objectName} field ${fieldPath} is a CloudFormation token (${quote(resolved)}), known only at deploy time, so it cannot be written to a GitOps YAML file${TOKEN_KIND_NOTE[kind]}`,
        TOKEN_KIND_FIX[kind]));
    });
  }
  return errors;
}

type TokenKind = 'roleArn' | 'arn' | 'name';

const TOKEN_KIND_NOTE: { [kind in TokenKind]: string } = {
  roleArn: ' (the ARN of a role created in this app is a token until deploy, even with a literal roleName)',
  arn: ' (the ARN of a resource created in this app is a token until deploy, even with a literal physical name)',
  name: '',
};

const TOKEN_KIND_FIX: { [kind in TokenKind]: string } = {
  roleArn: 'give the workload a role that exists before the deploy, imported by its literal ARN: role: PodIdentityRole.fromPodIdentityRoleArn(this, \'Role\', \'arn:aws:iam::111111111111:role/carts\') (while migratingFromIrsa, that role must itself trust the cluster\'s OIDC provider for this service account); or use ManifestDelivery.kubectl(), which resolves the ARN at deploy time',
  arn: 'give the resource a literal physical name and pass the ARN as a literal string you build from it (e.g. \'arn:aws:sqs:us-east-1:111111111111:orders\'); or leave the value out of the workload and deliver it another way (a ConfigMap your pipeline fills from the stack outputs, or a lookup at runtime from SSM Parameter Store); or use ManifestDelivery.kubectl()',
  name: 'pass a literal instead: give the resource a literal physical name (e.g. tableName: \'carts\') and pass that same string here (table.tableName stays a token even then); or leave the value out of the workload and deliver it another way (a ConfigMap your pipeline fills from the stack outputs, or a lookup at runtime from SSM Parameter Store); or use ManifestDelivery.kubectl()',
};

/** What a token stands for, by its field (the IRSA annotation) or its CloudFormation form, to give the fitting fix. */
function tokenKindOf(stack: Stack, fieldPath: string, resolved: unknown): TokenKind {
  if (fieldPath.endsWith(`.annotations.${IRSA_ANNOTATION}`)) return 'roleArn';
  const getAtt = (resolved as any)?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === 'Arn') {
    const resource = stack.node.findAll().find(c => CfnResource.isCfnResource(c) && stack.resolve((c as CfnResource).logicalId) === getAtt[0]);
    return (resource as CfnResource | undefined)?.cfnResourceType === 'AWS::IAM::Role' ? 'roleArn' : 'arn';
  }
  const join = (resolved as any)?.['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1]) && typeof join[1][0] === 'string' && join[1][0].startsWith('arn:')) return 'arn';
  return 'name';
}

/** Calls `found` with the path (e.g. `spec.template.spec.containers[name=main].env[name=TABLE].value`) of every token. */
function forEachToken(value: unknown, fieldPath: string, found: (fieldPath: string, value: unknown) => void): void {
  if (typeof value === 'string' || typeof value === 'number') {
    // (The top is always an object, so a token always has a path.)
    if (Token.isUnresolved(value)) found(fieldPath, value);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const key = typeof item?.name === 'string' && !Token.isUnresolved(item.name) ? `name=${item.name}` : String(index);
      forEachToken(item, `${fieldPath}[${key}]`, found);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (Token.isUnresolved(key)) found(`${fieldPath}.<key>`.replace(/^\./, ''), key);
      forEachToken(item, fieldPath ? `${fieldPath}.${key}` : key, found);
    }
  }
}
