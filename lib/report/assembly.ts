// Reads a synthesized cloud assembly (manifest.json): every stack template, nested stacks and nested assemblies
// (stages) included, and renders CloudFormation values readably (`${Table.Arn}`), following nested-stack
// parameters and outputs and cross-stack exports back to what they stand for.
import * as fs from 'fs';
import * as path from 'path';
import { PodIdentityError, formatProblem } from '../private/errors';

export type Json = any;

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

/** `null`, `an array`, `a string`, ... : what a value is, for a message. */
export function kindOf(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Throws unless `value` is an object (or undefined when `optional`): `path is <kind>, not an object`. */
export function expectObject(value: Json, where: string, optional = false): Record<string, Json> | undefined {
  if (value === undefined && optional) return undefined;
  if (value === undefined) throw new MalformedValue('is missing', where);
  if (!isObject(value)) throw new MalformedValue(`is ${kindOf(value)}, not an object`, where);
  return value;
}

/** One template of the assembly: a stack, or a nested stack with its parent. */
export interface Template {
  /** Artifact id (display name for stages), `Parent/NestedStackLogicalId` for nested stacks. */
  readonly name: string;
  /** The template file (as given: the assembly directory joined with the file name). */
  readonly file: string;
  /** The account of the stack (of the parent, for a nested stack); undefined when environment-agnostic. */
  readonly account?: string;
  /** The cloud assembly directory (a stage's own) the template belongs to. */
  readonly assemblyDirectory: string;
  readonly resources: Record<string, Json>;
  readonly outputs: Record<string, Json>;
  readonly parent?: Template;
  /** A nested stack's parameters: their values in the parent template. */
  readonly parameterValues: Record<string, Json>;
  /** A nested stack's resources by logical id, in the parent: the nested templates. */
  readonly nested: Record<string, Template>;
  /** Construct paths by logical id, from the manifest's `aws:cdk:logicalId` metadata (top-level stacks only). */
  readonly paths: Record<string, string>;
}

/**
 * The construct path of a resource (`Stack/Role`, without the trailing `/Resource` of an L2's resource): its
 * `aws:cdk:path` metadata, or the manifest's; undefined when neither says.
 */
export function constructPathOf(template: Template, logicalId: string): string | undefined {
  const fromMetadata = template.resources[logicalId]?.Metadata?.['aws:cdk:path'];
  const found = typeof fromMetadata === 'string' ? fromMetadata : template.paths[logicalId];
  return found?.replace(/^\//, '').replace(/\/Resource$/, '');
}

/** A resource located through intrinsics: the template that defines it and its logical id. */
export interface Located {
  readonly template: Template;
  readonly logicalId: string;
  readonly attribute?: string;
}

interface TemplateContext {
  readonly account?: string;
  readonly assemblyDirectory: string;
  /** The real paths of the templates being read (a parent and its nested stacks), to stop at a cycle. */
  readonly reading: string[];
  readonly paths?: Record<string, string>;
}

/** Runs `fn` on a manifest: a `MalformedValue` it throws becomes the library's error naming the manifest file. */
function manifestField<T>(manifestFile: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof MalformedValue) throw malformed(manifestFile, error.message);
    throw error;
  }
}

const ARTIFACT_STACK = 'aws:cloudformation:stack';
const ARTIFACT_NESTED_ASSEMBLY = 'cdk:cloud-assembly';
const ARTIFACT_ASSET_MANIFEST = 'cdk:asset-manifest';

export class CloudAssembly {
  /** Reads `directory/manifest.json`. */
  public static read(directory: string): CloudAssembly {
    const assembly = new CloudAssembly();
    assembly.readAssembly(directory, '', []);
    return assembly;
  }

  /** Every template, stacks before their nested stacks, in manifest order. */
  public readonly templates: Template[] = [];
  /** Exports by account, region and name (export names are unique per account and region only). */
  private readonly exports = new Map<string, { template: Template; value: Json }>();
  /** File assets by the object key they are published under (a nested stack's TemplateURL ends with it). */
  private readonly fileAssets = new Map<string, string>();
  /** Exports being followed (to stop at one that refers to itself). */
  private readonly following = new Set<string>();

  private constructor() {}

  private readAssembly(directory: string, prefix: string, containing: string[]) {
    const manifestFile = path.join(directory, 'manifest.json');
    if (!fs.existsSync(manifestFile)) {
      throw new PodIdentityError('NotACloudAssembly', formatProblem('NotACloudAssembly', `no manifest.json in ${directory}`,
        'run `cdk synth` first, or pass the cloud assembly directory (default cdk.out)'));
    }
    const manifest = readJson(manifestFile);
    if (!isObject(manifest)) throw malformed(manifestFile, `the manifest is ${kindOf(manifest)}, not an object`);
    if (typeof manifest.version !== 'string') {
      throw new PodIdentityError('NotACloudAssembly', formatProblem('NotACloudAssembly',
        `${manifestFile} has no version: it is not the manifest of a cloud assembly`, 'pass the cloud assembly directory (default cdk.out)'));
    }
    const artifacts = manifestField(manifestFile, () => expectObject(manifest.artifacts, 'artifacts', true)) ?? {};
    const properties = (id: string, field: string) => manifestField(manifestFile, () => {
      const artifact = artifacts[id];
      const value = expectObject(artifact.properties, `artifacts.${id}.properties`)![field];
      if (typeof value !== 'string') throw new MalformedValue(value === undefined ? 'is missing' : `is ${kindOf(value)}, not a string`, `artifacts.${id}.properties.${field}`);
      return value;
    });
    for (const [id, artifact] of Object.entries(artifacts)) {
      if (!isObject(artifact)) throw malformed(manifestFile, `artifacts.${id} is ${kindOf(artifact)}, not an object`);
    }
    for (const id of Object.keys(artifacts).filter(key => artifacts[key].type === ARTIFACT_ASSET_MANIFEST)) {
      const assets = readJson(path.join(directory, properties(id, 'file')));
      for (const asset of Object.values<Json>(isObject(assets) && isObject(assets.files) ? assets.files : {})) {
        if (!isObject(asset) || !isObject(asset.destinations) || typeof asset.source?.path !== 'string') continue;
        for (const destination of Object.values<Json>(asset.destinations)) {
          if (typeof destination?.objectKey === 'string') this.fileAssets.set(destination.objectKey, path.join(directory, asset.source.path));
        }
      }
    }
    const here = fs.realpathSync(directory);
    for (const [id, artifact] of Object.entries(artifacts)) {
      if (artifact.type === ARTIFACT_STACK) {
        const name = prefix + (typeof artifact.displayName === 'string' ? artifact.displayName : id);
        const account = /^aws:\/\/(\d{12})\//.exec(typeof artifact.environment === 'string' ? artifact.environment : '')?.[1];
        this.readTemplate(directory, properties(id, 'templateFile'), name, { account, assemblyDirectory: here, reading: [], paths: logicalIdPaths(directory, artifact) });
      } else if (artifact.type === ARTIFACT_NESTED_ASSEMBLY) {
        // Stages: their stacks' display names already carry the stage path.
        const nested = path.join(directory, properties(id, 'directoryName'));
        if (fs.existsSync(nested) && [...containing, here].includes(fs.realpathSync(nested))) {
          throw malformed(manifestFile, `artifacts.${id} contains the assembly that contains it (directoryName ${JSON.stringify(artifact.properties.directoryName)})`);
        }
        this.readAssembly(nested, prefix, [...containing, here]);
      }
    }
  }

  private readTemplate(
    directory: string, file: string, name: string, context: TemplateContext, parent?: Template, parameterValues: Record<string, Json> = {},
  ): Template {
    const templateFile = path.join(directory, file);
    const json = readJson(templateFile);
    if (!isObject(json)) throw malformed(templateFile, `the template is ${kindOf(json)}, not a template object`);
    const inTemplate = <T>(fn: () => T) => {
      try {
        return fn();
      } catch (error) {
        if (error instanceof MalformedValue) throw malformed(templateFile, error.message);
        throw error;
      }
    };
    const resources = inTemplate(() => expectObject(json.Resources, 'Resources', true)) ?? {};
    const outputs = inTemplate(() => expectObject(json.Outputs, 'Outputs', true)) ?? {};
    inTemplate(() => {
      for (const [logicalId, resource] of Object.entries(resources)) {
        const where = `Resources.${logicalId}`;
        expectObject(resource, where);
        if (typeof resource.Type !== 'string') throw new MalformedValue(resource.Type === undefined ? 'is missing' : `is ${kindOf(resource.Type)}, not a string`, `${where}.Type`);
        expectObject(resource.Properties, `${where}.Properties`, true);
        expectObject(resource.Metadata, `${where}.Metadata`, true);
      }
      for (const [outputId, output] of Object.entries(outputs)) {
        expectObject(output, `Outputs.${outputId}`);
        expectObject(output.Export, `Outputs.${outputId}.Export`, true);
      }
    });
    const template: Template = {
      name,
      file: templateFile,
      account: context.account,
      assemblyDirectory: context.assemblyDirectory,
      resources,
      outputs,
      parent,
      parameterValues,
      nested: {},
      paths: context.paths ?? {},
    };
    this.templates.push(template);
    for (const [outputId, output] of Object.entries(template.outputs)) {
      if (output.Export?.Name !== undefined) {
        const exportName = within(template, `Outputs.${outputId}.Export.Name`, () => this.render(output.Export.Name, template, new Map()));
        this.exports.set(this.exportKey(template, exportName), { template, value: output.Value });
      }
    }
    const reading = [...context.reading, fs.realpathSync(templateFile)];
    for (const [logicalId, resource] of sortedEntries(template.resources)) {
      if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
      const nestedPath = within(template, `Resources.${logicalId}`, () => this.nestedTemplatePath(directory, resource));
      if (!nestedPath) continue;
      if (reading.includes(fs.realpathSync(nestedPath))) {
        throw malformed(templateFile, `Resources.${logicalId} is a nested stack whose template ${nestedPath} is this template or one that contains it`);
      }
      const parameters = within(template, `Resources.${logicalId}`, () => expectObject(resource.Properties?.Parameters, 'Properties.Parameters', true)) ?? {};
      template.nested[logicalId] = this.readTemplate(path.dirname(nestedPath), path.basename(nestedPath),
        `${name}/${logicalId}`, { ...context, reading, paths: undefined }, template, parameters);
    }
    return template;
  }

  private exportKey(template: Template, name: string): string {
    return `${template.account ?? ''}\u0000${name}`;
  }

  /**
   * A nested stack's template file: named by its `aws:asset:path` metadata (`cdk synth`), or else found through the
   * asset manifest by the object key its TemplateURL ends with (apps synthesized without asset metadata).
   */
  private nestedTemplatePath(directory: string, resource: Json): string | undefined {
    const assetPath = resource.Metadata?.['aws:asset:path'];
    const candidates = typeof assetPath === 'string' ? [path.isAbsolute(assetPath) ? assetPath : path.join(directory, assetPath)] : [];
    const objectKey = /([^/"]+\.json)"/.exec(JSON.stringify(resource.Properties?.TemplateURL ?? ''));
    if (objectKey && this.fileAssets.has(objectKey[1])) candidates.push(this.fileAssets.get(objectKey[1])!);
    const found = candidates.find(candidate => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
    if (!found && typeof assetPath === 'string') {
      throw new MalformedValue(`is a nested stack whose template ${candidates[0]} (Metadata aws:asset:path) is missing`);
    }
    return found;
  }

  /**
   * The resource a value points at (`Ref`, `Fn::GetAtt`), through nested-stack parameters and outputs and
   * cross-stack imports; undefined for anything else (literals, joins).
   */
  public locate(value: Json, template: Template): Located | undefined {
    if (!isObject(value)) return undefined;
    if (typeof value.Ref === 'string') {
      if (value.Ref in template.resources) return { template, logicalId: value.Ref };
      if (value.Ref in template.parameterValues && template.parent) return this.locate(template.parameterValues[value.Ref], template.parent);
      return undefined;
    }
    if (value['Fn::GetAtt'] !== undefined) {
      const [logicalId, attribute] = getAtt(value['Fn::GetAtt']);
      const nested = template.nested[logicalId];
      if (nested && attribute.startsWith('Outputs.')) {
        const output = nested.outputs[attribute.slice('Outputs.'.length)];
        return output ? this.locate(output.Value, nested) : undefined;
      }
      return logicalId in template.resources ? { template, logicalId, attribute } : undefined;
    }
    // `Fn::Sub: '${Role.Arn}'` and a join of one part stand for what they contain.
    const sub = typeof value['Fn::Sub'] === 'string' ? /^\$\{([^}!.]+)(?:\.([^}]+))?\}$/.exec(value['Fn::Sub']) : null;
    if (sub) return this.locate(sub[2] ? { 'Fn::GetAtt': [sub[1], sub[2]] } : { Ref: sub[1] }, template);
    const select = value['Fn::Select'];
    if (Array.isArray(select) && Array.isArray(select[1]) && typeof select[0] !== 'object') return this.locate(select[1][Number(select[0])], template);
    const join = value['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1]) && join[1].length === 1) return this.locate(join[1][0], template);
    if (value['Fn::ImportValue'] !== undefined) {
      const name = this.render(value['Fn::ImportValue'], template, new Map());
      return this.follow(template, name, exported => this.locate(exported.value, exported.template));
    }
    return undefined;
  }

  /**
   * A CloudFormation value as a readable string: literals as they are, `Ref` as `${LogicalId}`, `Fn::GetAtt` as
   * `${LogicalId.Attribute}`, joins joined, `Fn::Sub` substituted, imports as what the exporting stack exports
   * (or `${Import:name}`). Every placeholder is recorded in `placeholders` with the intrinsic it stands for.
   */
  public render(value: Json, template: Template, placeholders: Map<string, Json>): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value === null || value === undefined) return '';
    if (Array.isArray(value)) return value.map(item => this.render(item, template, placeholders)).join(',');
    const keys = Object.keys(value);
    if (keys.length !== 1 || !(keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return JSON.stringify(this.renderDeep(value, template, placeholders));
    const [fn] = keys;
    const args = value[fn];
    checkIntrinsic(fn, args);
    const placeholder = (name: string, stands: Json) => {
      placeholders.set(name, stands);
      return '${' + name + '}';
    };
    switch (fn) {
      case 'Ref':
        if (!(args in template.resources) && args in template.parameterValues && template.parent) {
          return this.render(template.parameterValues[args], template.parent, placeholders);
        }
        return placeholder(String(args), value);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = getAtt(args);
        const nested = template.nested[logicalId];
        const output = nested && attribute.startsWith('Outputs.') ? nested.outputs[attribute.slice('Outputs.'.length)] : undefined;
        if (output) return this.render(output.Value, nested, placeholders);
        return placeholder(`${logicalId}.${attribute}`, { 'Fn::GetAtt': [logicalId, attribute] });
      }
      case 'Fn::Join': {
        const [separator, parts] = args;
        return Array.isArray(parts)
          ? parts.map((part: Json) => this.render(part, template, placeholders)).join(separator)
          : this.render(parts, template, placeholders);
      }
      case 'Fn::Sub': {
        const [text, variables] = Array.isArray(args) ? args : [args, {}];
        return String(text).replace(/\$\{([^}!][^}]*)\}/g, (whole, name: string) => {
          if (variables && name in variables) return this.render(variables[name], template, placeholders);
          if (name.includes('.')) {
            const dot = name.indexOf('.');
            return this.render({ 'Fn::GetAtt': [name.slice(0, dot), name.slice(dot + 1)] }, template, placeholders);
          }
          return name.includes(':') && !name.startsWith('AWS::') ? whole : this.render({ Ref: name }, template, placeholders);
        }).replace(/\$\{!/g, '${');
      }
      case 'Fn::ImportValue': {
        const name = this.render(args, template, placeholders);
        return this.follow(template, name, exported => this.render(exported.value, exported.template, placeholders)) ?? placeholder(`Import:${name}`, value);
      }
      case 'Fn::Select': {
        const [index, list] = args;
        if (Array.isArray(list)) return this.render(list[Number(index)], template, placeholders);
        return placeholder(`Select:${index}:${this.render(list, template, placeholders)}`, value);
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = args;
        const branch = (branchValue: Json) => isObject(branchValue) && branchValue.Ref === 'AWS::NoValue' ? '' : this.render(branchValue, template, placeholders);
        return `\${If:${condition}?${branch(whenTrue)}:${branch(whenFalse)}}`;
      }
      default:
        return placeholder(`${fn.slice('Fn::'.length)}:${this.render(args, template, placeholders)}`, value);
    }
  }

  /** What an import of `name` from `template`'s account stands for, through `fn`; undefined when nobody exports it. */
  private follow<T>(template: Template, name: string, fn: (exported: { template: Template; value: Json }) => T): T | undefined {
    const key = this.exportKey(template, name);
    const exported = this.exports.get(key);
    if (!exported) return undefined;
    if (this.following.has(key)) throw new MalformedValue(`the export ${name} refers to itself (through Fn::ImportValue)`);
    this.following.add(key);
    try {
      return fn(exported);
    } finally {
      this.following.delete(key);
    }
  }

  /** A JSON value (e.g. a policy document) with every intrinsic rendered to a string. */
  public renderDeep(value: Json, template: Template, placeholders: Map<string, Json>): Json {
    if (Array.isArray(value)) return value.map(item => this.renderDeep(item, template, placeholders));
    if (isObject(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return this.render(value, template, placeholders);
      return Object.fromEntries(keys.map(key => [key, this.renderDeep(value[key], template, placeholders)]));
    }
    return value;
  }
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

function getAtt(args: Json): [string, string] {
  if (Array.isArray(args)) return [String(args[0]), typeof args[1] === 'string' ? args[1] : JSON.stringify(args[1])];
  const text = String(args);
  const dot = text.indexOf('.');
  return [text.slice(0, dot), text.slice(dot + 1)];
}

/**
 * Construct paths by logical id, from a stack artifact's metadata (`{ "/Stack/Role/Resource": [{ type, data }] }`),
 * in the manifest or in its `additionalMetadataFile` (aws-cdk-lib 2.2xx). Only names: a file that cannot be read
 * leaves the paths unknown.
 */
function logicalIdPaths(directory: string, artifact: Json): Record<string, string> {
  const paths: Record<string, string> = {};
  let metadata = artifact.metadata;
  if (typeof artifact.additionalMetadataFile === 'string') {
    try {
      metadata = { ...isObject(metadata) ? metadata : {}, ...JSON.parse(fs.readFileSync(path.join(directory, artifact.additionalMetadataFile), 'utf8')) };
    } catch {
      // Names only: the report stays correct without them.
    }
  }
  if (!isObject(metadata)) return paths;
  for (const [constructPath, entries] of Object.entries(metadata)) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (isObject(entry) && entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') paths[entry.data] = constructPath;
    }
  }
  return paths;
}

export function isObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Entries sorted by key: logical ids, so the output does not depend on template key order. */
export function sortedEntries<T>(record: Record<string, T>): Array<[string, T]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function readJson(file: string): Json {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = String((error as Error).message).replace(/\s*\n\s*/g, ' ');
    throw new PodIdentityError('UnreadableCloudAssembly', formatProblem('UnreadableCloudAssembly', `cannot read ${file}: ${reason}`, 'synthesize again (`cdk synth`)'));
  }
}
