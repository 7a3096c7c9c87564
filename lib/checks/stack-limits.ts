// CloudFormation's per-stack limits, checked where this library adds to a stack, so that a stack that grew too big
// fails at synth with how many workloads fit, not at deploy with CloudFormation's generic message.
//
// Cheap by construction: resources are counted from the construct tree in the stack's validation (nothing is
// resolved), and the template size is read from the file the CDK has just written (nothing is rendered twice).
import * as fs from 'fs';
import * as path from 'path';
import { CfnElement, CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { stateOf } from '../private/app-store';
import { afterTemplatesWritten } from '../private/aws-cdk-internals';
import { MAX_RESOURCES_PER_STACK, MAX_TEMPLATE_BYTES } from '../private/eks-facts';
import { formatProblem, PodIdentityError } from '../private/errors';
import { Registry } from '../private/registry';

const DEFAULT_FIX = 'split the workloads across stacks of at most {fit} (e.g. a WorkloadFleet, or one stack per team or namespace, all importing the same cluster)';

const DEFAULT_SIZE_FIX = 'split the workloads across stacks of at most {fit}, or shrink what each renders (long env values, large session policies)';

/** The fix to print for a stack over a limit (e.g. a fleet's own advice); `{fit}` is replaced by how many fit. */
export function setStackLimitFix(stack: Stack, fix: string): void {
  stateOf(stack, 'StackLimitFix', () => ({ fix })).fix = fix;
}

function fixFor(stack: Stack, fit: number, defaultFix = DEFAULT_FIX): string {
  return stateOf(stack, 'StackLimitFix', () => ({ fix: defaultFix })).fix.replace('{fit}', String(fit));
}

/** The resources of a stack (not of its nested stacks), counted from the construct tree. */
function resourcesOf(root: IConstruct, stack: Stack, into: CfnResource[] = []): CfnResource[] {
  for (const child of root.node.children) {
    if (Stack.isStack(child)) continue; // a nested stack or a stack under a stack: its own template
    if (CfnResource.isCfnResource(child)) into.push(child);
    resourcesOf(child, stack, into);
  }
  return into;
}

/** The units this library added to a stack: workloads, and associations that are not inside a workload. */
function unitsOf(registered: IConstruct[]): IConstruct[] {
  const set = new Set(registered);
  return registered.filter(unit => !unit.node.scopes.some(scope => scope !== unit && set.has(scope)));
}

/** Makes sure the limits of the stack of `construct` are validated, once, over the library's constructs in it. */
export function ensureStackLimits(construct: IConstruct): void {
  const stack = Stack.of(construct);
  // Registered before the stack is validated: the stack has units then.
  stateOf(stack, 'StackLimits', () => stack.node.addValidation({
    validate: () => validateStackLimits(stack, Registry.of(stack).unitsByStack().get(stack)!),
  }));
}

/**
 * The resource-limit errors of a stack, given the constructs of this library in it (workloads, and associations,
 * which count as part of the workload around them). Meant for a validation of the stack: CDK runs it after all
 * aspects. Also registers the stack for the template-size check after synthesis.
 */
function validateStackLimits(stack: Stack, registered: IConstruct[]): string[] {
  checkTemplateSizeAfterSynthesis(stack, registered);
  const resources = resourcesOf(stack, stack);
  if (resources.length <= MAX_RESOURCES_PER_STACK) return [];
  const units = unitsOf(registered);
  // Units are L2 constructs (workloads, associations): their resources are their children.
  const ourCount = units.reduce((sum, unit) => sum + resourcesOf(unit, stack).length, 0);
  const perUnit = Math.max(1, Math.ceil(ourCount / units.length));
  const fit = Math.max(0, Math.floor((MAX_RESOURCES_PER_STACK - (resources.length - ourCount)) / perUnit));
  return [formatProblem('StackLimitExceeded',
    `stack ${stack.stackName} would have ${resources.length} resources and CloudFormation allows ${MAX_RESOURCES_PER_STACK}; its ${units.length} Pod Identity workloads/associations add ${ourCount} (about ${perUnit} each), so at most ${fit} fit beside the stack's other ${resources.length - ourCount} resources`,
    fixFor(stack, fit))];
}

/** Once the stage's templates are written, fails synthesis for any of these stacks whose template is over 1 MB. */
function checkTemplateSizeAfterSynthesis(stack: Stack, registered: IConstruct[]): void {
  // Every stack is in a stage (a stack made without a scope makes its own App).
  const stage = Stage.of(stack)!;
  const stacks = stateOf(stage, 'TemplateSizeChecks', () => {
    const checked = new Map<Stack, IConstruct[]>();
    afterTemplatesWritten(stage, outdir => {
      const errors = [...checked].flatMap(([s, units]) => templateSizeErrors(s, units, outdir));
      if (errors.length > 0) throw new PodIdentityError('StackLimitExceeded', errors.join('\n'));
    });
    return checked;
  });
  stacks.set(stack, registered);
}

function templateSizeErrors(stack: Stack, registered: IConstruct[], outdir: string): string[] {
  // Every stack of the stage has its template written there by now, nested stacks' included.
  const file = path.join(outdir, stack.templateFile);
  const size = fs.statSync(file).size;
  if (size <= MAX_TEMPLATE_BYTES) return [];
  // Over the limit (rare): now it is worth reading the template to say how much is ours.
  const template = JSON.parse(fs.readFileSync(file, 'utf-8'));
  const units = unitsOf(registered);
  const logicalIds = new Set(units.flatMap(unit => resourcesOf(unit, stack)).map(r => stack.resolve((r as CfnElement).logicalId)));
  const ourBytes = Object.entries(template.Resources ?? {})
    .filter(([id]) => logicalIds.has(id))
    .reduce((sum, [, r]) => sum + Buffer.byteLength(JSON.stringify(r, undefined, 1)), 0);
  const perUnitBytes = Math.max(1, Math.ceil(ourBytes / units.length));
  const fit = Math.max(0, Math.floor((MAX_TEMPLATE_BYTES - (size - ourBytes)) / perUnitBytes));
  return [formatProblem('StackLimitExceeded',
    `stack ${stack.stackName} would have a ${size}-byte template and CloudFormation accepts ${MAX_TEMPLATE_BYTES}; its ${units.length} Pod Identity workloads/associations take ${ourBytes} bytes (about ${perUnitBytes} each), so at most ${fit} fit`,
    fixFor(stack, fit, DEFAULT_SIZE_FIX))];
}
