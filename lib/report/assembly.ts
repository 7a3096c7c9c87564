// Reads a synthesized cloud assembly (manifest.json): every stack template, nested stacks and nested assemblies
// (stages) included. Rendering the templates' values (`${Table.Arn}`) is TemplateValues' (intrinsics.ts).
import * as fs from 'fs';
import * as path from 'path';
import { TemplateValues } from './intrinsics';
import { MalformedValue, expectObject, malformed, within } from './malformed';
import { Json, Template, isObject, sortedEntries } from './template';
import { PodIdentityError, formatProblem, kindOf } from '../private/errors';

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

/**
 * A copy of a record without a prototype: a logical id, output or parameter named `constructor` or `toString` is
 * then found only when the template defines it (`in` and lookups would otherwise see Object.prototype's).
 */
function ownEntries<T>(record: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null), record);
}

export class CloudAssembly extends TemplateValues {
  /** Reads `directory/manifest.json`. */
  public static read(directory: string): CloudAssembly {
    const assembly = new CloudAssembly();
    assembly.readAssembly(directory, '', []);
    return assembly;
  }

  /** Every template, stacks before their nested stacks, in manifest order. */
  public readonly templates: Template[] = [];
  /** File assets by the object key they are published under (a nested stack's TemplateURL ends with it). */
  private readonly fileAssets = new Map<string, string>();

  private constructor() {
    super();
  }

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
      resources: ownEntries(resources),
      outputs: ownEntries(outputs),
      parent,
      parameterValues: ownEntries(parameterValues),
      nested: ownEntries({}),
      paths: ownEntries(context.paths ?? {}),
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

function readJson(file: string): Json {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = String((error as Error).message).replace(/\s*\n\s*/g, ' ');
    throw new PodIdentityError('UnreadableCloudAssembly', formatProblem('UnreadableCloudAssembly', `cannot read ${file}: ${reason}`, 'synthesize again (`cdk synth`)'));
  }
}
