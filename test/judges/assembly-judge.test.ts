// The assembly judge (.ci/assembly-judge.ts, run by `npx projen judge:languages` on the real .jsii and the real
// jsii-pacmak output) can say no: a union anywhere in the assembly, a type or static member missing from one
// language's generated code, a README example name the generated code lacks. The generated trees below follow
// jsii-pacmak's layout and naming (checked for real by the judge on every CI run).
import * as fs from 'fs';
import * as path from 'path';
import {
  Assembly, codeBlocks, expectedNames, findUnions, GeneratedCode, javaExampleNames, Language, LANGUAGES, memberName,
  missingExampleNames, missingNames, pythonExampleNames, snakeCase,
} from '../../.ci/assembly-judge';
import { tempDir } from '../helpers/temp-dir';

const ASSEMBLY: Assembly = {
  name: 'demo',
  targets: { python: { module: 'demo_lib' }, java: { package: 'io.demo' }, dotnet: { namespace: 'Demo' }, go: { packageName: 'demo' } },
  types: {
    'demo.Preset': {
      kind: 'class',
      name: 'Preset',
      fqn: 'demo.Preset',
      methods: [{ name: 'mountpointS3CsiDriver', static: true }, { name: 'instanceOnly' }],
      properties: [{ name: 'DEFAULT_SIZE', static: true, const: true }, { name: 'current', static: true }],
    },
    'demo.PresetOptions': { kind: 'interface', name: 'PresetOptions', fqn: 'demo.PresetOptions', datatype: true },
    'demo.IThing': { kind: 'interface', name: 'IThing', fqn: 'demo.IThing' },
    'demo.Color': { kind: 'enum', name: 'Color', fqn: 'demo.Color' },
  },
};

/** A jsii-pacmak-like output tree for ASSEMBLY; `omit` leaves out one declaration, as `language:name`. */
function generatedTree(omit?: string): string {
  const out = tempDir('assembly-judge-');
  const keep = (language: Language, name: string) => omit !== `${language}:${name}`;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
    fs.writeFileSync(path.join(out, file), text);
  };
  write('python/src/demo_lib/__init__.py', [
    keep('python', 'Preset') ? 'class Preset(metaclass=jsii.JSIIMeta, jsii_type="demo.Preset"):' : '',
    '    def __init__(',
    '        self,',
    '        scope: Construct,',
    '        id: str,',
    '        *,',
    '        size: jsii.Number,',
    '        name: typing.Optional[str] = None,',
    '    ) -> None:',
    '        pass',
    keep('python', 'mountpoint_s3_csi_driver') ? '    @jsii.member(jsii_name="mountpointS3CsiDriver")\n    @builtins.classmethod\n    def mountpoint_s3_csi_driver(cls) -> "Preset":' : '',
    '        pass',
    keep('python', 'DEFAULT_SIZE') ? '    def DEFAULT_SIZE(cls) -> jsii.Number:' : '',
    keep('python', 'current') ? '    def current(cls) -> "Preset":' : '',
    '@jsii.data_type(jsii_type="demo.PresetOptions")',
    keep('python', 'PresetOptions') ? 'class PresetOptions:' : '',
    '    pass',
    keep('python', 'IThing') ? 'class IThing(typing_extensions.Protocol):' : '',
    keep('python', 'Color') ? 'class Color(enum.Enum):' : '',
    // A member of another class must not count for Preset.
    'class Other:',
    '    def instance_only(self) -> None:',
  ].join('\n'));
  const java = (type: string, body: string) => keep('java', type) && write(`java/src/main/java/io/demo/${type}.java`, body);
  java('Preset', [
    'public class Preset extends software.amazon.jsii.JsiiObject {',
    keep('java', 'DEFAULT_SIZE') ? '    public final static java.lang.Number DEFAULT_SIZE;' : '',
    keep('java', 'mountpointS3CsiDriver') ? '    public static @org.jetbrains.annotations.NotNull io.demo.Preset mountpointS3CsiDriver() {' : '',
    keep('java', 'getCurrent') ? '    public static @org.jetbrains.annotations.NotNull io.demo.Preset getCurrent() {' : '',
    '    public static final class Builder implements software.amazon.jsii.Builder<io.demo.Preset> {',
    '        public Builder size(final java.lang.Number size) {',
    '        public Builder name(final java.lang.String name) {',
  ].join('\n'));
  java('PresetOptions', 'public interface PresetOptions extends software.amazon.jsii.JsiiSerializable {');
  java('IThing', 'public interface IThing extends software.amazon.jsii.JsiiSerializable {');
  java('Color', 'public enum Color {');
  const cs = (type: string, body: string) => keep('dotnet', type) && write(`dotnet/Demo/Demo/${type}.cs`, body);
  cs('Preset', [
    '    public class Preset : DeputyBase',
    keep('dotnet', 'DEFAULT_SIZE') ? '        public static double DEFAULT_SIZE\n        {' : '',
    keep('dotnet', 'MountpointS3CsiDriver') ? '        public static Demo.Preset MountpointS3CsiDriver()' : '',
    keep('dotnet', 'Current') ? '        public static Demo.Preset Current\n        {' : '',
  ].join('\n'));
  cs('PresetOptions', '    public class PresetOptions : Demo.IPresetOptions');
  cs('IThing', '    public interface IThing');
  cs('Color', '    public enum Color');
  write('go/demo/Preset.go', [
    keep('go', 'Preset') ? 'type Preset interface {\n}' : '',
    keep('go', 'MountpointS3CsiDriver') ? 'func Preset_MountpointS3CsiDriver() Preset {' : '',
    keep('go', 'DEFAULT_SIZE') ? 'func Preset_DEFAULT_SIZE() *float64 {' : '',
    keep('go', 'Current') ? 'func Preset_Current() Preset {' : '',
    // Same member name on another type must not count for Preset.
    'func Other_MountpointS3CsiDriver() Preset {',
  ].join('\n'));
  write('go/demo/Others.go', [
    keep('go', 'PresetOptions') ? 'type PresetOptions struct {' : '',
    keep('go', 'IThing') ? 'type IThing interface {' : '',
    keep('go', 'Color') ? 'type Color string' : '',
  ].join('\n'));
  return out;
}

describe('findUnions', () => {
  test('finds a union in a property, a parameter and inside a collection, and names where', () => {
    const union = { union: { types: [{ fqn: 'a.B' }, { fqn: 'a.C' }] } };
    const assembly = {
      types: {
        'demo.Props': { kind: 'interface', name: 'Props', properties: [{ name: 'ok', type: { primitive: 'string' } }, { name: 'cluster', type: union }] },
        'demo.Thing': { kind: 'class', name: 'Thing', methods: [{ name: 'of', parameters: [{ name: 'target', type: union }] }] },
        'demo.List': { kind: 'interface', name: 'List', properties: [{ name: 'items', type: { collection: { kind: 'array', elementtype: union } } }] },
      },
    };
    expect(findUnions(assembly)).toEqual([
      'types.demo.Props.properties[cluster].type',
      'types.demo.Thing.methods[of].parameters[target].type',
      'types.demo.List.properties[items].type.collection.elementtype',
    ]);
  });

  test('none in an assembly without unions', () => {
    expect(findUnions(ASSEMBLY)).toEqual([]);
    expect(findUnions({})).toEqual([]);
  });
});

describe('names in each language', () => {
  test.each([
    ['mountpointS3CsiDriver', 'mountpoint_s3_csi_driver'],
    ['awsLoadBalancerControllerTargetGroupBindingOnly', 'aws_load_balancer_controller_target_group_binding_only'],
    ['problemIdOf', 'problem_id_of'],
    ['fromPodIdentityRoleArn', 'from_pod_identity_role_arn'],
    ['vpcCni', 'vpc_cni'],
    ['of', 'of'],
    ['lambda', 'lambda_'],
  ])('Python snake_case of %s is %s', (name, snake) => {
    expect(snakeCase(name)).toBe(snake);
  });

  test.each<[Language, string, string, string]>([
    ['python', 'mountpoint_s3_csi_driver', 'current', 'DEFAULT_SIZE'],
    ['java', 'mountpointS3CsiDriver', 'getCurrent', 'DEFAULT_SIZE'],
    ['dotnet', 'MountpointS3CsiDriver', 'Current', 'DEFAULT_SIZE'],
    ['go', 'MountpointS3CsiDriver', 'Current', 'DEFAULT_SIZE'],
  ])('%s: method %s, property %s, constant %s', (language, method, property, constant) => {
    expect(memberName(language, { name: 'mountpointS3CsiDriver', kind: 'method' })).toBe(method);
    expect(memberName(language, { name: 'current', kind: 'property' })).toBe(property);
    expect(memberName(language, { name: 'DEFAULT_SIZE', kind: 'property', const: true })).toBe(constant);
  });

  test('the expected names are every type and every static member, no instance member', () => {
    expect(expectedNames(ASSEMBLY).map(name => `${name.type}${name.member ? `.${name.member}` : ''}`).sort()).toEqual(
      ['Color', 'IThing', 'Preset', 'Preset.DEFAULT_SIZE', 'Preset.current', 'Preset.mountpointS3CsiDriver', 'PresetOptions']);
  });
});

describe('missingNames', () => {
  test('nothing is missing from a complete tree', () => {
    expect(missingNames(ASSEMBLY, new GeneratedCode(generatedTree(), ASSEMBLY))).toEqual([]);
  });

  const omissions: Array<[string, string]> = [];
  for (const language of LANGUAGES) {
    for (const type of ['Preset', 'PresetOptions', 'IThing', 'Color']) omissions.push([`${language}:${type}`, `${language}: type ${type}`]);
    const method = memberName(language, { name: 'mountpointS3CsiDriver', kind: 'method' });
    const property = memberName(language, { name: 'current', kind: 'property' });
    omissions.push([`${language}:${method}`, `${language}: method Preset.${method}`]);
    omissions.push([`${language}:${property}`, `${language}: property Preset.${property}`]);
    omissions.push([`${language}:DEFAULT_SIZE`, `${language}: property Preset.DEFAULT_SIZE`]);
  }
  test.each(omissions)('a tree without %s is reported: %s', (omit, report) => {
    expect(missingNames(ASSEMBLY, new GeneratedCode(generatedTree(omit), ASSEMBLY))).toEqual([report]);
  });
});

describe('README examples', () => {
  const readme = (python: string, java: string) => `# Demo\n\n\`\`\`ts\nnew Preset(this, 'P');\n\`\`\`\n\n\`\`\`python\n${python}\`\`\`\n\n\`\`\`java\n${java}\`\`\`\n`;
  const PYTHON = [
    'from aws_cdk import Stack',
    'from demo_lib import Preset',
    '',
    'preset = Preset(self, "P",',
    '    size=3,',
    '    name=other.call(a=1),',
    ')',
    'other = Preset.mountpoint_s3_csi_driver()',
    '',
  ].join('\n');
  const JAVA = [
    'import software.amazon.awscdk.Stack;',
    'import io.demo.Preset;',
    '',
    'Preset preset = Preset.Builder.create(this, "P")',
    '        .size(3)',
    '        .name(other.call("a"))',
    '        .build();',
    'Preset other = Preset.mountpointS3CsiDriver();',
    '',
  ].join('\n');

  test('only the python and java blocks are read', () => {
    const markdown = readme(PYTHON, JAVA);
    expect(codeBlocks(markdown, 'python')).toEqual([PYTHON]);
    expect(codeBlocks(markdown, 'java')).toEqual([JAVA]);
  });

  test('the names used from the library: imported types, static calls, constructor options (not nested ones)', () => {
    expect(pythonExampleNames(PYTHON, 'demo_lib')).toEqual([
      { type: 'Preset', kind: 'type' },
      { type: 'Preset', kind: 'option', name: 'size' },
      { type: 'Preset', kind: 'option', name: 'name' },
      { type: 'Preset', kind: 'static', name: 'mountpoint_s3_csi_driver' },
    ]);
    expect(javaExampleNames(JAVA, 'io.demo')).toEqual([
      { type: 'Preset', kind: 'type' },
      { type: 'Preset', kind: 'static', name: 'mountpointS3CsiDriver' },
      { type: 'Preset', kind: 'option', name: 'size' },
      { type: 'Preset', kind: 'option', name: 'name' },
    ]);
  });

  test('examples that match the generated code pass', () => {
    expect(missingExampleNames(readme(PYTHON, JAVA), ASSEMBLY, new GeneratedCode(generatedTree(), ASSEMBLY))).toEqual([]);
  });

  test.each([
    ['a misspelt Python option', PYTHON.replace('size=3', 'sise=3'), JAVA, 'README python example: option Preset.sise is not in the generated python code'],
    ['a camelCase Python option', PYTHON.replace('size=3', 'maxSize=3'), JAVA, 'README python example: option Preset.maxSize is not in the generated python code'],
    ['an unknown Python static', PYTHON.replace('mountpoint_s3_csi_driver', 'mountpoint_s3'), JAVA, 'README python example: static Preset.mountpoint_s3 is not in the generated python code'],
    ['an unknown Java builder method', PYTHON, JAVA.replace('.size(3)', '.sizeInGb(3)'), 'README java example: option Preset.sizeInGb is not in the generated java code'],
    ['an unknown Java type', PYTHON, JAVA.replace('import io.demo.Preset;', 'import io.demo.Preset;\nimport io.demo.Missing;'), 'README java example: type Missing is not in the generated java code'],
    ['no Java example', PYTHON, 'int x = 1;\n', 'README: no java example uses this library'],
  ])('%s is reported', (_name, python, java, report) => {
    expect(missingExampleNames(readme(python, java), ASSEMBLY, new GeneratedCode(generatedTree(), ASSEMBLY))).toEqual([report]);
  });
});
