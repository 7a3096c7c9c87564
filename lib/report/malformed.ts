// Malformed input: a value of a template or manifest the report cannot read (a property of the wrong type, a
// malformed intrinsic), reported as the library's MalformedCloudAssembly error naming the file, the resource and
// the property.
import { Json, Template, isObject } from './template';
import { PodIdentityError, formatProblem, kindOf } from '../private/errors';

/**
 * Something wrong in a value of a resource (a malformed intrinsic, a property of the wrong type): `path` is relative
 * to the resource (`Properties.Policies[0]`), or undefined when `what` says where. `within` adds the file and the
 * resource and turns it into the library's error.
 */
export class MalformedValue extends Error {
  constructor(public readonly what: string, public readonly at?: string) {
    super(at ? `${at} ${what}` : what);
  }
}

const MALFORMED_FIX = 'synthesize the app again (`cdk synth`), or correct the template: the report reads CloudFormation templates and cloud assemblies as `cdk synth` writes them';

/** The library's error for a malformed file of a cloud assembly: one line naming the file and what is wrong. */
export function malformed(file: string, what: string): PodIdentityError {
  return new PodIdentityError('MalformedCloudAssembly', formatProblem('MalformedCloudAssembly', `${file}: ${what}`.replace(/\s*\n\s*/g, ' '), MALFORMED_FIX));
}

/** Runs `fn` for a resource of a template: a `MalformedValue` it throws becomes the library's error naming both. */
export function within<T>(template: Template, where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof MalformedValue) {
      throw malformed(template.file, error.at ? `${where}.${error.at} ${error.what}` : `${where}: ${error.what}`);
    }
    throw error;
  }
}

/** Throws unless `value` is an object (or undefined when `optional`): `path is <kind>, not an object`. */
export function expectObject(value: Json, where: string, optional = false): Record<string, Json> | undefined {
  if (value === undefined && optional) return undefined;
  if (value === undefined) throw new MalformedValue('is missing', where);
  if (!isObject(value)) throw new MalformedValue(`is ${kindOf(value)}, not an object`, where);
  return value;
}

/** A required property: throws `<path>.<key> is missing` when absent. */
export function required(object: Json, key: string, path = 'Properties'): Json {
  if (object[key] === undefined || object[key] === null) throw new MalformedValue(object[key] === null ? 'is null' : 'is missing', `${path}.${key}`);
  return object[key];
}

/** The shapes of the intrinsics the report reads (CloudFormation rejects others at deploy). */
export function checkIntrinsic(fn: string, args: Json): void {
  const fail = (shape: string) => {
    throw new MalformedValue(`${fn} takes ${shape}, not ${JSON.stringify(args)}`);
  };
  const isString = (v: Json) => typeof v === 'string';
  switch (fn) {
    case 'Ref':
      if (!isString(args)) fail('a logical id or parameter name');
      break;
    case 'Fn::GetAtt':
      const pair = Array.isArray(args) && args.length === 2 && isString(args[0]) && (isString(args[1]) || isObject(args[1]));
      if (!(isString(args) && args.includes('.')) && !pair) {
        fail('[logicalId, attribute] or "logicalId.attribute"');
      }
      break;
    case 'Fn::Join':
      if (!Array.isArray(args) || args.length !== 2 || !isString(args[0]) || !(Array.isArray(args[1]) || isObject(args[1]))) fail('[separator, list]');
      break;
    case 'Fn::Sub':
      if (!isString(args) && !(Array.isArray(args) && args.length === 2 && isString(args[0]) && isObject(args[1]))) fail('a string or [string, variables]');
      break;
    case 'Fn::Select':
      if (!Array.isArray(args) || args.length !== 2) fail('[index, list]');
      break;
    case 'Fn::If':
      if (!Array.isArray(args) || args.length !== 3 || !isString(args[0])) fail('[condition, value if true, value if false]');
      break;
  }
}
