// Judge of the compiled jsii assembly (.jsii) and the code jsii-pacmak generates from it (see .ci/languages.sh):
//
//   ts-node --transpile-only .ci/assembly-judge.ts unions .jsii
//     fails when any type reference of the assembly is a union (Java, C# and Go see it as Object / interface{}).
//   ts-node --transpile-only .ci/assembly-judge.ts languages .jsii <pacmak outdir> README.md
//     fails when a public type of the assembly (class, interface, struct, enum), or a public static method or
//     property of a class, is missing from the generated Python, Java, C# or Go code under each language's naming;
//     or when the README's Python and Java examples use a name of this library that the generated code lacks.
//
// The lists come from the assembly itself, never from a hand-written list. test/judges/assembly-judge.test.ts
// proves each check fails on a missing name.
import * as child_process from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The parts of a jsii assembly (`@jsii/spec`) this judge reads. */
export interface Assembly {
  readonly name: string;
  readonly types?: Record<string, AssemblyType>;
  readonly targets?: {
    readonly python?: { readonly module: string };
    readonly java?: { readonly package: string };
    readonly dotnet?: { readonly namespace: string };
    readonly go?: { readonly packageName?: string };
  };
}

export interface AssemblyType {
  readonly kind: 'class' | 'interface' | 'enum';
  readonly name: string;
  readonly fqn: string;
  readonly datatype?: boolean;
  readonly methods?: ReadonlyArray<{ readonly name: string; readonly static?: boolean }>;
  readonly properties?: ReadonlyArray<{ readonly name: string; readonly static?: boolean; readonly const?: boolean }>;
}

export type Language = 'python' | 'java' | 'dotnet' | 'go';
export const LANGUAGES: Language[] = ['python', 'java', 'dotnet', 'go'];

/** Where, in an assembly, a type reference is a union: `types["fqn"].properties[cluster].type`, ... */
export function findUnions(assembly: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown, where: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, `${where}[${nameOf(item) ?? index}]`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (key === 'union') found.push(where);
        else walk(item, where === '' ? key : `${where}.${key}`);
      }
    }
  };
  walk((assembly as { types?: unknown }).types ?? {}, 'types');
  return found;
}

function nameOf(value: unknown): string | undefined {
  const name = (value as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

const PYTHON_KEYWORDS = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue',
  'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']);

/** camelCase -> snake_case as jsii-pacmak names Python members (`mountpointS3CsiDriver` -> `mountpoint_s3_csi_driver`). */
export function snakeCase(name: string): string {
  const snake = name
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z\d]+)/g, '$1_$2')
    .toLowerCase();
  return PYTHON_KEYWORDS.has(snake) ? `${snake}_` : snake;
}

export function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** What a static member of a class is called in a language (constants keep their UPPER_CASE name everywhere). */
export function memberName(language: Language, member: { name: string; kind: 'method' | 'property'; const?: boolean }): string {
  if (member.kind === 'property' && member.const) return member.name;
  switch (language) {
    case 'python': return snakeCase(member.name);
    case 'java': return member.kind === 'method' ? member.name : `get${pascalCase(member.name)}`;
    case 'dotnet': return pascalCase(member.name);
    case 'go': return pascalCase(member.name);
  }
}

/** One name the generated code of every language must have: a type, or a static member of a class. */
export interface ExpectedName {
  readonly type: string;
  readonly kind: 'type' | 'method' | 'property';
  readonly member?: string;
  readonly const?: boolean;
}

/** Every public type of the assembly and every public static method and property of its classes. */
export function expectedNames(assembly: Assembly): ExpectedName[] {
  const names: ExpectedName[] = [];
  for (const type of Object.values(assembly.types ?? {})) {
    names.push({ type: type.name, kind: 'type' });
    if (type.kind !== 'class') continue;
    for (const method of type.methods ?? []) {
      if (method.static) names.push({ type: type.name, kind: 'method', member: method.name });
    }
    for (const property of type.properties ?? []) {
      if (property.static) names.push({ type: type.name, kind: 'property', member: property.name, const: property.const });
    }
  }
  return names;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The code jsii-pacmak generated for each language under `outdir` (`--force-subdirectory`), read on demand. */
export class GeneratedCode {
  private readonly files = new Map<string, string[]>();
  private readonly texts = new Map<string, string>();

  constructor(private readonly outdir: string, private readonly assembly: Assembly) {}

  /** Whether `language`'s generated code declares the type, or the static member, `name` stands for. */
  public has(language: Language, name: ExpectedName): boolean {
    const body = this.typeBody(language, name.type);
    if (body === undefined) return false;
    if (name.kind === 'type') return true;
    const member = memberName(language, { name: name.member!, kind: name.kind, const: name.const });
    return this.hasMember(language, name.type, body, member, name.kind === 'method' ? 'method' : name.const ? 'constant' : 'property');
  }

  /** The code declaring `type` in `language` (Python: its class block; Java, C#: its file; Go: the package), if any. */
  public typeBody(language: Language, type: string): string | undefined {
    switch (language) {
      case 'python': {
        const text = this.pythonModule();
        const start = text.search(new RegExp(`^class ${escape(type)}\\b[(:]`, 'm'));
        if (start < 0) return undefined;
        const next = text.slice(start + 1).search(/^(class |@|def |\S+ = )/m);
        return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
      }
      case 'java': case 'dotnet': {
        const ext = language === 'java' ? '.java' : '.cs';
        const file = this.filesOf(language).find(f => path.basename(f) === `${type}${ext}`);
        if (!file) return undefined;
        const text = this.read(file);
        return new RegExp(`\\b(class|interface|enum) ${escape(type)}\\b`).test(text) ? text : undefined;
      }
      case 'go': {
        const text = this.filesOf('go').filter(f => f.endsWith('.go')).map(f => this.read(f)).join('\n');
        return new RegExp(`^type ${escape(type)} `, 'm').test(text) ? text : undefined;
      }
    }
  }

  private hasMember(language: Language, type: string, body: string, member: string, kind: 'method' | 'property' | 'constant'): boolean {
    const m = escape(member);
    switch (language) {
      case 'python': return new RegExp(`^\\s+def ${m}\\(`, 'm').test(body);
      case 'java': return kind === 'constant'
        ? new RegExp(`public (final static|static final) [^;{\\n]*\\b${m};`).test(body)
        : new RegExp(`public static [^;{\\n]*\\b${m}\\(`).test(body);
      case 'dotnet': return new RegExp(`public static [^;{\\n]*\\b${m}\\s*(\\(|$)`, 'm').test(body);
      case 'go': return new RegExp(`^func ${escape(type)}_${m}\\(`, 'm').test(body);
    }
  }

  /** Whether the constructor (Python `__init__` keyword, Java builder method) of `type` takes the option `name`. */
  public hasOption(language: 'python' | 'java', type: string, name: string): boolean {
    const body = this.typeBody(language, type);
    if (body === undefined) return false;
    if (language === 'python') {
      const init = body.match(/def __init__\(([\s\S]*?)\) -> None:/);
      return !!init && new RegExp(`^\\s*${escape(name)}:`, 'm').test(init[1]);
    }
    return new RegExp(`public Builder ${escape(name)}\\(`).test(body);
  }

  private pythonModule(): string {
    const module = this.assembly.targets?.python?.module;
    if (!module) throw new Error('the assembly has no Python target');
    return this.read(path.join(this.outdir, 'python', 'src', ...module.split('.'), '__init__.py'));
  }

  private filesOf(language: Language): string[] {
    let files = this.files.get(language);
    if (!files) {
      files = [];
      const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(full);
          else files!.push(full);
        }
      };
      const root = path.join(this.outdir, language);
      if (fs.existsSync(root)) walk(root);
      this.files.set(language, files);
    }
    return files;
  }

  private read(file: string): string {
    let text = this.texts.get(file);
    if (text === undefined) {
      text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      this.texts.set(file, text);
    }
    return text;
  }
}

/** Every expected name a language's generated code lacks, as `language: Type.member` lines. */
export function missingNames(assembly: Assembly, code: GeneratedCode, languages: Language[] = LANGUAGES): string[] {
  const missing: string[] = [];
  for (const language of languages) {
    const missingTypes = new Set<string>();
    for (const name of expectedNames(assembly)) {
      // (A missing type is reported once, not once more per static member.)
      if (missingTypes.has(name.type) || code.has(language, name)) continue;
      if (name.kind === 'type') missingTypes.add(name.type);
      const member = name.member === undefined ? '' : `.${memberName(language, { name: name.member, kind: name.kind as 'method' | 'property', const: name.const })}`;
      missing.push(`${language}: ${name.kind} ${name.type}${member}`);
    }
  }
  return missing;
}

/** The fenced code blocks of a Markdown document in `language` (```python, ```java). */
export function codeBlocks(markdown: string, language: string): string[] {
  const blocks: string[] = [];
  const fence = new RegExp(`^\`\`\`${escape(language)}[ \\t]*\\n([\\s\\S]*?)^\`\`\`[ \\t]*$`, 'gm');
  for (let match = fence.exec(markdown); match; match = fence.exec(markdown)) blocks.push(match[1]);
  return blocks;
}

/** A name an example uses from this library: a type, a static member (`Type.member`), or a constructor option. */
export interface ExampleName {
  readonly type: string;
  readonly kind: 'type' | 'static' | 'option';
  readonly name?: string;
}

/** The text between the parenthesis at `open` and its match (strings and nesting skipped over). */
function argumentsAt(code: string, open: number): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === '\'') {
      quote = c;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      if (--depth === 0) return code.slice(open + 1, i);
    }
  }
  return code.slice(open + 1);
}

/** The argument text at nesting depth 0 only (nested calls, lists and dicts blanked out). */
function topLevel(args: string): string {
  let depth = 0;
  let out = '';
  for (const c of args) {
    if (c === '(' || c === '[' || c === '{') depth++;
    if (depth === 0) out += c;
    if (c === ')' || c === ']' || c === '}') depth--;
  }
  return out;
}

/**
 * The names a Python example uses from `module`: what it imports from it, the static members it calls on those
 * types, and the keyword arguments it passes to their constructors.
 */
export function pythonExampleNames(code: string, module: string): ExampleName[] {
  const names: ExampleName[] = [];
  const types: string[] = [];
  const imports = new RegExp(`^from ${escape(module)} import (?:\\(([\\w\\s,]+)\\)|([\\w ,]+)$)`, 'gm');
  for (let match = imports.exec(code); match; match = imports.exec(code)) {
    for (const type of (match[1] ?? match[2]).split(',').map(name => name.trim()).filter(Boolean)) types.push(type);
  }
  for (const type of types) {
    names.push({ type, kind: 'type' });
    const uses = new RegExp(`\\b${escape(type)}(\\.(\\w+))?\\(`, 'g');
    for (let match = uses.exec(code); match; match = uses.exec(code)) {
      if (match[2]) {
        names.push({ type, kind: 'static', name: match[2] });
        continue;
      }
      const args = topLevel(argumentsAt(code, match.index + match[0].length - 1));
      for (const keyword of args.matchAll(/(?:^|,)\s*(\w+)\s*=(?!=)/g)) names.push({ type, kind: 'option', name: keyword[1] });
    }
  }
  return names;
}

/**
 * The names a Java example uses from `javaPackage`: the types it imports from it, the static members it calls on
 * them, and the builder methods of `Type.Builder.create(...)...build()` chains.
 */
export function javaExampleNames(code: string, javaPackage: string): ExampleName[] {
  const names: ExampleName[] = [];
  const imports = new RegExp(`^import ${escape(javaPackage)}\\.(\\w+);`, 'gm');
  for (let match = imports.exec(code); match; match = imports.exec(code)) {
    const type = match[1];
    names.push({ type, kind: 'type' });
    const uses = new RegExp(`\\b${escape(type)}\\.(\\w+)\\(`, 'g');
    for (let use = uses.exec(code); use; use = uses.exec(code)) names.push({ type, kind: 'static', name: use[1] });
    const builders = new RegExp(`\\b${escape(type)}\\.Builder\\.create\\(`, 'g');
    for (let builder = builders.exec(code); builder; builder = builders.exec(code)) {
      let at = builder.index + builder[0].length - 1;
      at += argumentsAt(code, at).length + 2;
      for (let call = /^\s*\.(\w+)\(/.exec(code.slice(at)); call && call[1] !== 'build'; call = /^\s*\.(\w+)\(/.exec(code.slice(at))) {
        names.push({ type, kind: 'option', name: call[1] });
        const open = at + call[0].length - 1;
        at = open + argumentsAt(code, open).length + 2;
      }
    }
  }
  return names;
}

/** The names of the README's Python and Java examples that the generated code lacks; none when all are there. */
export function missingExampleNames(readme: string, assembly: Assembly, code: GeneratedCode): string[] {
  const missing: string[] = [];
  const check = (language: 'python' | 'java', names: ExampleName[]) => {
    if (names.length === 0) missing.push(`README: no ${language} example uses this library`);
    for (const name of names) {
      const found = name.kind === 'type' ? code.typeBody(language, name.type) !== undefined
        : name.kind === 'option' ? code.hasOption(language, name.type, name.name!)
          : code.has(language, { type: name.type, kind: 'method', member: language === 'python' ? camelOfSnake(name.name!) : name.name });
      if (!found) missing.push(`README ${language} example: ${name.kind} ${name.type}${name.name ? `.${name.name}` : ''} is not in the generated ${language} code`);
    }
  };
  const python = assembly.targets?.python?.module;
  const java = assembly.targets?.java?.package;
  if (!python || !java) throw new Error('the assembly has no Python or Java target');
  check('python', codeBlocks(readme, 'python').flatMap(block => pythonExampleNames(block, python)));
  check('java', codeBlocks(readme, 'java').flatMap(block => javaExampleNames(block, java)));
  return missing;
}

/** snake_case -> camelCase, to look a Python call up under the assembly's own name. */
function camelOfSnake(name: string): string {
  return name.replace(/_([a-z\d])/g, (_match, c: string) => c.toUpperCase());
}

/** The README's Python examples byte-compiled (`python3 -m py_compile`): their syntax errors, if any. */
function pythonSyntaxErrors(readme: string, outdir: string): string[] {
  return codeBlocks(readme, 'python').flatMap((block, index) => {
    const file = path.join(outdir, `readme-example-${index + 1}.py`);
    fs.writeFileSync(file, block);
    const result = child_process.spawnSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8' });
    return result.status === 0 ? [] : [`README python example ${index + 1} does not compile: ${result.error?.message ?? result.stderr.trim()}`];
  });
}

function readAssembly(file: string): Assembly {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function main(argv: string[]): number {
  const [command, assemblyFile, outdir, readmeFile] = argv;
  if (command === 'unions' && assemblyFile) {
    const unions = findUnions(readAssembly(assemblyFile));
    for (const where of unions) console.error(`assembly: a union type at ${where}: Java, C# and Go type it Object; use an interface (or a class with static factories)`);
    if (unions.length === 0) console.log(`assembly: no union type in ${assemblyFile}`);
    return unions.length === 0 ? 0 : 1;
  }
  if (command === 'languages' && assemblyFile && outdir && readmeFile) {
    const assembly = readAssembly(assemblyFile);
    const code = new GeneratedCode(outdir, assembly);
    const readme = fs.readFileSync(readmeFile, 'utf8');
    const missing = [...missingNames(assembly, code), ...missingExampleNames(readme, assembly, code), ...pythonSyntaxErrors(readme, outdir)];
    for (const line of missing) console.error(`judge:languages: ${line}`);
    if (missing.length === 0) {
      console.log(`judge:languages: ${expectedNames(assembly).length} public types and static members present in ${LANGUAGES.join(', ')}; README examples match the generated Python and Java`);
    }
    return missing.length === 0 ? 0 : 1;
  }
  console.error('usage: assembly-judge.ts unions <.jsii> | languages <.jsii> <pacmak outdir> <README.md>');
  return 2;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
