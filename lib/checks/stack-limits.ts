// CloudFormation's per-stack limits, checked where this library adds to a stack, so that a stack that grew too big
// fails at synth with how many workloads fit, not at deploy with CloudFormation's generic message.
import { CfnElement, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { renderedTemplateOf } from '../private/cluster';
import { formatProblem } from '../private/errors';

/** CloudFormation allows this many resources in one stack. */
export const MAX_RESOURCES_PER_STACK = 500;
/** CloudFormation accepts templates up to 1 MB (uploaded through S3). */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

const SIZE_CHECK_MIN_RESOURCES = 50;

/**
 * The limit errors of a stack, given the constructs of this library in it (workloads, and associations, which count
 * as part of the workload around them). Meant for a validation of the stack: CDK runs it after all aspects.
 */
export function validateStackLimits(stack: Stack, registered: IConstruct[]): string[] {
  const registeredSet = new Set(registered);
  // The outermost registered construct around a construct: an association inside a workload is the workload's.
  const unitOf = (construct: IConstruct) => construct.node.scopes.find(scope => registeredSet.has(scope));
  const units = registered.filter(unit => unitOf(unit) === unit);
  const resources = stack.node.findAll().filter(c => CfnResource.isCfnResource(c) && Stack.of(c) === stack) as CfnResource[];
  const ours = resources.filter(resource => unitOf(resource) !== undefined);
  const ourCount = ours.length;
  const perUnit = Math.max(1, Math.ceil(ourCount / units.length));
  const errors: string[] = [];

  if (resources.length > MAX_RESOURCES_PER_STACK) {
    const fit = Math.max(0, Math.floor((MAX_RESOURCES_PER_STACK - (resources.length - ourCount)) / perUnit));
    errors.push(formatProblem('StackLimitExceeded',
      `stack ${stack.stackName} would have ${resources.length} resources and CloudFormation allows ${MAX_RESOURCES_PER_STACK}; its ${units.length} Pod Identity workloads/associations add ${ourCount} (about ${perUnit} each), so at most ${fit} fit beside the stack's other ${resources.length - ourCount} resources`,
      `split the workloads across stacks of at most ${fit} (e.g. one stack per team or namespace, all importing the same cluster)`));
    return errors; // the template size is moot, and measuring it costs a full render
  }

  // Measuring the size means rendering the template a second time (~20% of synth). Below this many resources a
  // 1 MB template would need over 20 KB per resource, far beyond what this library renders, so it is skipped.
  if (resources.length < SIZE_CHECK_MIN_RESOURCES) return errors;
  const template = renderedTemplateOf(stack);
  const size = Buffer.byteLength(JSON.stringify(template, undefined, 1));
  if (size > MAX_TEMPLATE_BYTES) {
    const logicalIds = new Set(ours.map(r => stack.resolve((r as CfnElement).logicalId)));
    const ourBytes = Object.entries(template.Resources ?? {})
      .filter(([id]) => logicalIds.has(id))
      .reduce((sum, [, r]) => sum + Buffer.byteLength(JSON.stringify(r, undefined, 1)), 0);
    const perUnitBytes = Math.max(1, Math.ceil(ourBytes / units.length));
    const fit = Math.max(0, Math.floor((MAX_TEMPLATE_BYTES - (size - ourBytes)) / perUnitBytes));
    errors.push(formatProblem('StackLimitExceeded',
      `stack ${stack.stackName} would have a ${size}-byte template and CloudFormation accepts ${MAX_TEMPLATE_BYTES}; its ${units.length} Pod Identity workloads/associations take ${ourBytes} bytes (about ${perUnitBytes} each), so at most ${fit} fit`,
      `split the workloads across stacks of at most ${fit}, or shrink what each renders (long env values, large session policies)`));
  }
  return errors;
}
