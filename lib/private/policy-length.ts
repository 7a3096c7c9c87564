// The length IAM counts for a policy document, estimated offline from resolved CloudFormation (for the trust policy
// length and session policy length checks).
import { Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';

// What a CloudFormation value is expected to be long once deployed, for policies that contain them. Pseudo
// parameters take the value of the stack's region when it is known, otherwise their longest value where EKS Pod
// Identity exists (the aws partition: China and GovCloud have no Pod Identity, see checks/region.ts); an ARN
// attribute is counted as a full ARN with a generated name; any other reference, import or function as a generated
// name. Estimates err on the long side, so a policy that passes here is not rejected at deploy for its length.
const GENERATED_NAME_LENGTH = 64;
const GENERATED_ARN_LENGTH = 128;

/**
 * The length IAM counts for a policy document (JSON without whitespace), given as resolved CloudFormation: literal
 * parts are measured exactly and intrinsics estimated (see above). `region` is the stack's region, when known.
 */
export function estimatedPolicyLength(document: unknown, region?: string): number {
  return measure(document, pseudoParameterLengths(region));
}

/** The length of each pseudo parameter's value in a stack of `region` (a token or undefined: not known). */
function pseudoParameterLengths(region: string | undefined): Record<string, number> {
  const regionKnown = region !== undefined && !Token.isUnresolved(region);
  const info = regionKnown ? RegionInfo.get(region) : undefined;
  return {
    'AWS::Partition': (info?.partition ?? 'aws').length,
    'AWS::Region': regionKnown ? region.length : 'ap-southeast-5'.length,
    'AWS::AccountId': 12,
    'AWS::URLSuffix': (info?.domainSuffix ?? 'amazonaws.com').length,
    'AWS::StackName': 128,
  };
}

function measure(value: unknown, pseudo: Record<string, number>): number {
  if (Array.isArray(value)) return 2 + Math.max(0, value.length - 1) + value.reduce((sum: number, item) => sum + measure(item, pseudo), 0);
  // A string, number, boolean or null (a resolved template holds no undefined).
  if (typeof value !== 'object' || value === null) return JSON.stringify(value).length;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) return 2 + estimatedIntrinsic(entries[0][0], entries[0][1], pseudo);
  return 2 + Math.max(0, entries.length - 1) + entries.reduce((sum, [key, item]) => sum + JSON.stringify(key).length + 1 + measure(item, pseudo), 0);
}

/** The expected length of an intrinsic's value, without quotes. */
function estimatedIntrinsic(name: string, argument: unknown, pseudo: Record<string, number>): number {
  if (name === 'Ref') return pseudo[argument as string] ?? GENERATED_NAME_LENGTH;
  // Fn::Join's list may itself be an intrinsic (a list parameter, Fn::GetAZs): then it is estimated as a name.
  if (name === 'Fn::Join' && Array.isArray((argument as unknown[])[1])) {
    const [separator, parts] = argument as [string, unknown[]];
    // Each part counts as it appears in the joined string (measure(part) without the quotes of its own string).
    return separator.length * Math.max(0, parts.length - 1) + parts.reduce((sum: number, part) => sum + measure(part, pseudo) - 2, 0);
  }
  if (name === 'Fn::GetAtt') {
    const attribute = Array.isArray(argument) ? argument[1] : String(argument).split('.')[1];
    return typeof attribute === 'string' && attribute.endsWith('Arn') ? GENERATED_ARN_LENGTH : GENERATED_NAME_LENGTH;
  }
  return GENERATED_NAME_LENGTH;
}
