// Reads a synthesized cloud assembly (manifest.json): every stack template, nested stacks and nested assemblies
// (stages) included, and renders CloudFormation values readably (`${Table.Arn}`), following nested-stack
// parameters and outputs and cross-stack exports back to what they stand for.
import * as fs from 'fs';
import * as path from 'path';

export type Json = any;

/** One template of the assembly: a stack, or a nested stack with its parent. */
export interface Template {
  /** Artifact id (display name for stages), `Parent/NestedStackLogicalId` for nested stacks. */
  readonly name: string;
  readonly resources: Record<string, Json>;
  readonly outputs: Record<string, Json>;
  readonly parent?: Template;
  /** A nested stack's parameters: their values in the parent template. */
  readonly parameterValues: Record<string, Json>;
  /** A nested stack's resources by logical id, in the parent: the nested templates. */
  readonly nested: Record<string, Template>;
}

/** A resource located through intrinsics: the template that defines it and its logical id. */
export interface Located {
  readonly template: Template;
  readonly logicalId: string;
  readonly attribute?: string;
}

const ARTIFACT_STACK = 'aws:cloudformation:stack';
const ARTIFACT_NESTED_ASSEMBLY = 'cdk:cloud-assembly';
const ARTIFACT_ASSET_MANIFEST = 'cdk:asset-manifest';

export class CloudAssembly {
  /** Reads `directory/manifest.json`. */
  public static read(directory: string): CloudAssembly {
    const manifestFile = path.join(directory, 'manifest.json');
    if (!fs.existsSync(manifestFile)) {
      throw new Error(`[cdk-eks-pod-identity:NotACloudAssembly] no manifest.json in ${directory}. Fix: run \`cdk synth\` first, or pass the cloud assembly directory (default cdk.out).`);
    }
    const assembly = new CloudAssembly();
    assembly.readAssembly(directory, '');
    return assembly;
  }

  /** Every template, stacks before their nested stacks, in manifest order. */
  public readonly templates: Template[] = [];
  private readonly exports = new Map<string, { template: Template; value: Json }>();
  /** File assets by the object key they are published under (a nested stack's TemplateURL ends with it). */
  private readonly fileAssets = new Map<string, string>();

  private constructor() {}

  private readAssembly(directory: string, prefix: string) {
    const manifest = readJson(path.join(directory, 'manifest.json'));
    const artifacts: Record<string, Json> = manifest.artifacts ?? {};
    for (const artifact of Object.values(artifacts).filter(a => a.type === ARTIFACT_ASSET_MANIFEST)) {
      const assets = readJson(path.join(directory, artifact.properties.file));
      for (const asset of Object.values<Json>(assets.files ?? {})) {
        for (const destination of Object.values<Json>(asset.destinations ?? {})) {
          if (typeof asset.source?.path === 'string') this.fileAssets.set(destination.objectKey, path.join(directory, asset.source.path));
        }
      }
    }
    for (const [id, artifact] of Object.entries(artifacts)) {
      if (artifact.type === ARTIFACT_STACK) {
        const name = prefix + (artifact.displayName ?? id);
        this.readTemplate(directory, artifact.properties.templateFile, name);
      } else if (artifact.type === ARTIFACT_NESTED_ASSEMBLY) {
        // Stages: their stacks' display names already carry the stage path.
        this.readAssembly(path.join(directory, artifact.properties.directoryName), prefix);
      }
    }
  }

  private readTemplate(directory: string, file: string, name: string, parent?: Template, parameterValues: Record<string, Json> = {}): Template {
    const json = readJson(path.join(directory, file));
    const template: Template = {
      name,
      resources: json.Resources ?? {},
      outputs: json.Outputs ?? {},
      parent,
      parameterValues,
      nested: {},
    };
    this.templates.push(template);
    for (const output of Object.values(template.outputs)) {
      if (output?.Export?.Name !== undefined) {
        const exportName = this.render(output.Export.Name, template, new Map());
        this.exports.set(exportName, { template, value: output.Value });
      }
    }
    for (const [logicalId, resource] of sortedEntries(template.resources)) {
      if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
      const nestedPath = this.nestedTemplatePath(directory, resource);
      if (!nestedPath) continue;
      template.nested[logicalId] = this.readTemplate(path.dirname(nestedPath), path.basename(nestedPath),
        `${name}/${logicalId}`, template, resource.Properties?.Parameters ?? {});
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
    return candidates.find(candidate => fs.existsSync(candidate));
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
    if (value['Fn::ImportValue'] !== undefined) {
      const exported = this.exports.get(this.render(value['Fn::ImportValue'], template, new Map()));
      return exported ? this.locate(exported.value, exported.template) : undefined;
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
        const exported = this.exports.get(name);
        return exported ? this.render(exported.value, exported.template, placeholders) : placeholder(`Import:${name}`, value);
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

function getAtt(args: Json): [string, string] {
  if (Array.isArray(args)) return [String(args[0]), String(args[1])];
  const text = String(args);
  const dot = text.indexOf('.');
  return [text.slice(0, dot), text.slice(dot + 1)];
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
    throw new Error(`[cdk-eks-pod-identity:UnreadableCloudAssembly] cannot read ${file}: ${(error as Error).message}. Fix: synthesize again (\`cdk synth\`).`);
  }
}
