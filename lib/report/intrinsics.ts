// CloudFormation values rendered readably (`${Table.Arn}`) and located (`Ref`, `Fn::GetAtt`), following nested-stack
// parameters and outputs and cross-stack exports back to what they stand for; and the items of a property that may
// hold `Fn::If`.
import { MalformedValue, checkIntrinsic } from './malformed';
import { Json, Located, Template, isObject } from './template';
import { kindOf } from '../private/errors';

/** The values of an assembly's templates: `CloudAssembly` reads the templates and records their exports here. */
export abstract class TemplateValues {
  /** Exports by account, region and name (export names are unique per account and region only). */
  protected readonly exports = new Map<string, { template: Template; value: Json }>();
  /** Exports being followed (to stop at one that refers to itself). */
  private readonly following = new Set<string>();

  protected exportKey(template: Template, name: string): string {
    return `${template.account ?? ''}\u0000${name}`;
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
          if (variables && Object.prototype.hasOwnProperty.call(variables, name)) return this.render(variables[name], template, placeholders);
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
        // An index that is an intrinsic (a `Ref` to a parameter) is known only at deploy, as is a list that is one.
        if (Array.isArray(list) && typeof index !== 'object') return this.render(list[Number(index)], template, placeholders);
        return placeholder(`Select:${this.render(index, template, placeholders)}:${this.render(list, template, placeholders)}`, value);
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

function getAtt(args: Json): [string, string] {
  if (Array.isArray(args)) return [String(args[0]), typeof args[1] === 'string' ? args[1] : JSON.stringify(args[1])];
  const text = String(args);
  const dot = text.indexOf('.');
  return [text.slice(0, dot), text.slice(dot + 1)];
}

export function isIntrinsic(value: Json): boolean {
  if (!isObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

const NO_VALUE = (value: Json) => isObject(value) && value.Ref === 'AWS::NoValue';

/** The values a value may take: both branches of an `Fn::If` (without `AWS::NoValue`), else the value itself. */
export function alternatives(value: Json): Json[] {
  if (isIntrinsic(value) && value['Fn::If'] !== undefined) {
    checkIntrinsic('Fn::If', value['Fn::If']);
    return [value['Fn::If'][1], value['Fn::If'][2]].filter(branch => !NO_VALUE(branch)).flatMap(alternatives);
  }
  return [value];
}

/**
 * The items of a list property, each `Fn::If` item taken with both branches. Another intrinsic instead of the list
 * (a `Ref` to a list parameter) is one opaque item when `opaque`, else malformed.
 */
export function items(value: Json, path: string, opaque: boolean): Array<{ value: Json; path: string }> {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => alternatives(item).map(alternative => ({ value: alternative, path: `${path}[${index}]` })));
  if (isIntrinsic(value)) {
    if (value['Fn::If'] !== undefined) return alternatives(value).flatMap(alternative => items(alternative, path, opaque));
    if (opaque) return [{ value, path }];
    throw new MalformedValue(`is ${JSON.stringify(value)}, not a list`, path);
  }
  throw new MalformedValue(`is ${kindOf(value)}, not a list`, path);
}
