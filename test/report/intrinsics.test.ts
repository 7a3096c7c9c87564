// The report's reading of CloudFormation values, unit by unit: how each intrinsic renders, what a value points at
// (through nested stacks and exports), the items of a list property, and the malformed shapes it names.
import { TemplateValues, alternatives, isIntrinsic, items } from '../../lib/report/intrinsics';
import { MalformedValue, checkIntrinsic, expectObject, malformed, required, within } from '../../lib/report/malformed';
import { Json, Template } from '../../lib/report/template';

class Values extends TemplateValues {
  public export(exporter: Template, name: string, value: Json): void {
    this.exports.set(this.exportKey(exporter, name), { template: exporter, value });
  }
}

function template(overrides: Partial<Template> = {}): Template {
  return {
    name: 'Shop',
    file: 'cdk.out/Shop.template.json',
    account: '111111111111',
    assemblyDirectory: 'cdk.out',
    resources: { Role: { Type: 'AWS::IAM::Role' }, Table: { Type: 'AWS::DynamoDB::Table' } },
    outputs: {},
    parameterValues: {},
    nested: {},
    paths: {},
    ...overrides,
  };
}

/** A parent with one nested stack `Nested` whose parameter `TableArn` is the parent's table ARN and whose output `RoleArn` is its role's. */
function nestedPair(): { parent: Template; nested: Template } {
  const parent = template({ resources: { Table: { Type: 'AWS::DynamoDB::Table' }, Nested: { Type: 'AWS::CloudFormation::Stack' } } });
  const nested: Template = template({
    name: 'Shop/Nested',
    parent,
    resources: { NestedRole: { Type: 'AWS::IAM::Role' } },
    parameterValues: { TableArn: { 'Fn::GetAtt': ['Table', 'Arn'] } },
    outputs: { RoleArn: { Value: { 'Fn::GetAtt': ['NestedRole', 'Arn'] } } },
  });
  (parent.nested as Record<string, Template>).Nested = nested;
  return { parent, nested };
}

describe('render', () => {
  const values = new Values();
  const shop = template();
  const render = (value: Json, where = shop) => {
    const placeholders = new Map<string, Json>();
    return { text: values.render(value, where, placeholders), placeholders: Object.fromEntries(placeholders) };
  };

  test.each<[string, Json, string]>([
    ['a string', 'arn:aws:s3:::b', 'arn:aws:s3:::b'],
    ['a number', 42, '42'],
    ['a boolean', false, 'false'],
    ['null', null, ''],
    ['nothing', undefined, ''],
    ['a list', ['a', 1], 'a,1'],
    ['a join', { 'Fn::Join': ['/', ['a', { Ref: 'Table' }]] }, 'a/${Table}'],
    ['a join of a non-list', { 'Fn::Join': ['-', { Ref: 'Parts' }] }, '${Parts}'],
    ['a GetAtt pair', { 'Fn::GetAtt': ['Role', 'Arn'] }, '${Role.Arn}'],
    ['a GetAtt string', { 'Fn::GetAtt': 'Role.Arn' }, '${Role.Arn}'],
    ['a GetAtt of an intrinsic attribute', { 'Fn::GetAtt': ['Role', { Ref: 'Attribute' }] }, '${Role.{"Ref":"Attribute"}}'],
    ['a GetAtt of an Outputs. attribute of a resource that is not a nested stack', { 'Fn::GetAtt': ['Role', 'Outputs.Arn'] }, '${Role.Outputs.Arn}'],
    ['a Sub of a resource attribute and a pseudo parameter', { 'Fn::Sub': 'arn:${AWS::Partition}:x:::${Role.Arn}' }, 'arn:${AWS::Partition}:x:::${Role.Arn}'],
    ['a Sub with variables', { 'Fn::Sub': ['${Name}-${!Literal}', { Name: 'cart' }] }, 'cart-${Literal}'],
    ['a Sub variable named as an Object member (constructor) is not one unless given', { 'Fn::Sub': ['${constructor}-${toString}', { toString: 'given' }] }, '${constructor}-given'],
    ['a Sub keeps a colon name that is not a pseudo parameter', { 'Fn::Sub': '${ssm:param}' }, '${ssm:param}'],
    ['a Select from a list', { 'Fn::Select': [1, ['a', 'b']] }, 'b'],
    ['a Select from an intrinsic', { 'Fn::Select': ['0', { 'Fn::GetAZs': '' }] }, '${Select:0:${GetAZs:}}'],
    ['a Select by a parameter', { 'Fn::Select': [{ Ref: 'Index' }, ['a', 'b']] }, '${Select:${Index}:a,b}'],
    ['an If', { 'Fn::If': ['IsProd', 'prod', { Ref: 'AWS::NoValue' }] }, '${If:IsProd?prod:}'],
    ['an If with an intrinsic branch', { 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, { Ref: 'Table' }] }, '${If:IsProd?:${Table}}'],
    ['another function', { 'Fn::Base64': 'x' }, '${Base64:x}'],
    ['an object that is not an intrinsic', { a: { Ref: 'Table' } }, '{"a":"${Table}"}'],
    ['an empty object', {}, '{}'],
    ['an object with a Ref and another key', { Ref: 'Table', Condition: 'IsProd' }, '{"Ref":"Table","Condition":"IsProd"}'],
    ['an import nobody exports', { 'Fn::ImportValue': 'Other:Arn' }, '${Import:Other:Arn}'],
  ])('%s', (_name, value, expected) => {
    expect(render(value).text).toBe(expected);
  });

  test('each placeholder records the intrinsic it stands for', () => {
    expect(render({ 'Fn::Join': ['', [{ Ref: 'Table' }, { 'Fn::GetAtt': 'Role.Arn' }, { 'Fn::ImportValue': 'X' }]] }).placeholders).toEqual({
      'Table': { Ref: 'Table' },
      'Role.Arn': { 'Fn::GetAtt': ['Role', 'Arn'] },
      'Import:X': { 'Fn::ImportValue': 'X' },
    });
  });

  test('a Sub records its parameters, attributes and pseudo parameters, not an IAM policy variable or an escaped name', () => {
    const { text, placeholders } = render({ 'Fn::Sub': '${AWS::Region}/${Role.Arn}/${Table}/${aws:PrincipalTag/kubernetes-namespace}/${!Literal}' });
    expect(text).toBe('${AWS::Region}/${Role.Arn}/${Table}/${aws:PrincipalTag/kubernetes-namespace}/${Literal}');
    expect(placeholders).toEqual({
      'AWS::Region': { Ref: 'AWS::Region' },
      'Role.Arn': { 'Fn::GetAtt': ['Role', 'Arn'] },
      'Table': { Ref: 'Table' },
    });
  });

  test('a Select by a parameter records the parameter and the Select', () => {
    const select = { 'Fn::Select': [{ Ref: 'Index' }, [{ Ref: 'Table' }, 'b']] };
    expect(render(select).placeholders).toEqual({ 'Index': { Ref: 'Index' }, 'Table': { Ref: 'Table' }, 'Select:${Index}:${Table},b': select });
  });

  test('a nested stack\'s parameter renders as the parent\'s value, its output as the nested value', () => {
    const { parent, nested } = nestedPair();
    expect(render({ Ref: 'TableArn' }, nested).text).toBe('${Table.Arn}');
    expect(render({ 'Fn::GetAtt': ['Nested', 'Outputs.RoleArn'] }, parent).text).toBe('${NestedRole.Arn}');
    expect(render({ 'Fn::GetAtt': ['Nested', 'Outputs.Missing'] }, parent).text).toBe('${Nested.Outputs.Missing}');
    // Only `Outputs.` names an output (attribute names are case-sensitive).
    expect(render({ 'Fn::GetAtt': ['Nested', 'outputs.RoleArn'] }, parent).text).toBe('${Nested.outputs.RoleArn}');
    // The same in a Sub: its parameters and its attributes, outputs included.
    expect(render({ 'Fn::Sub': '${TableArn}/index/*' }, nested).text).toBe('${Table.Arn}/index/*');
    expect(render({ 'Fn::Sub': 'role ${Nested.Outputs.RoleArn}' }, parent).text).toBe('role ${NestedRole.Arn}');
    // A resource of the nested stack with a parameter's name is the resource.
    expect(render({ Ref: 'NestedRole' }, { ...nested, parameterValues: { NestedRole: 'x' } }).text).toBe('${NestedRole}');
    // A top-level stack has no parent to take a parameter from.
    expect(render({ Ref: 'TableArn' }, { ...nested, parent: undefined }).text).toBe('${TableArn}');
  });

  test('an import renders as what the exporting stack of the same account exports', () => {
    const exporter = template({ name: 'Data' });
    values.export(exporter, 'Data:TableArn', { 'Fn::GetAtt': ['Table', 'Arn'] });
    expect(render({ 'Fn::ImportValue': 'Data:TableArn' }).text).toBe('${Table.Arn}');
    expect(render({ 'Fn::ImportValue': 'Data:TableArn' }, template({ account: '222222222222' })).text).toBe('${Import:Data:TableArn}');
  });

  test('an export that imports itself is malformed, not a stack overflow', () => {
    const looping = new Values();
    const stack = template();
    looping.export(stack, 'Loop', { 'Fn::ImportValue': 'Loop' });
    expect(() => looping.render({ 'Fn::ImportValue': 'Loop' }, stack, new Map())).toThrow(new MalformedValue('the export Loop refers to itself (through Fn::ImportValue)'));
    expect(() => looping.locate({ 'Fn::ImportValue': 'Loop' }, stack)).toThrow(/the export Loop refers to itself/);
    // Once the error is thrown, the export can be followed again.
    expect(() => looping.render({ 'Fn::ImportValue': 'Loop' }, stack, new Map())).toThrow(/refers to itself/);
  });

  test('renderDeep renders the intrinsics inside a document and keeps the rest', () => {
    expect(values.renderDeep({ Statement: [{ Resource: { 'Fn::GetAtt': ['Table', 'Arn'] }, Effect: 'Allow', Count: 1 }] }, shop, new Map()))
      .toEqual({ Statement: [{ Resource: '${Table.Arn}', Effect: 'Allow', Count: 1 }] });
  });
});

describe('locate', () => {
  const values = new Values();
  const shop = template();

  test.each<[string, Json, Json]>([
    ['a Ref to a resource', { Ref: 'Role' }, { logicalId: 'Role' }],
    ['a GetAtt of a resource', { 'Fn::GetAtt': ['Role', 'Arn'] }, { logicalId: 'Role', attribute: 'Arn' }],
    ['a GetAtt string', { 'Fn::GetAtt': 'Role.Arn' }, { logicalId: 'Role', attribute: 'Arn' }],
    ['a Sub of an attribute', { 'Fn::Sub': '${Role.Arn}' }, { logicalId: 'Role', attribute: 'Arn' }],
    ['a Sub of a Ref', { 'Fn::Sub': '${Table}' }, { logicalId: 'Table' }],
    ['a Select from a list', { 'Fn::Select': [1, ['x', { Ref: 'Table' }]] }, { logicalId: 'Table' }],
    ['a join of one part', { 'Fn::Join': ['', [{ Ref: 'Role' }]] }, { logicalId: 'Role' }],
  ])('%s', (_name, value, expected) => {
    const found = values.locate(value, shop);
    expect(found && { logicalId: found.logicalId, ...(found.attribute ? { attribute: found.attribute } : {}) }).toEqual(expected);
    expect(found?.template).toBe(shop);
  });

  test.each<[string, Json]>([
    ['a literal', 'arn:aws:iam::1:role/x'],
    ['null', null],
    ['a Ref to a parameter of a top-level stack', { Ref: 'Param' }],
    ['a GetAtt of an unknown resource', { 'Fn::GetAtt': ['Nope', 'Arn'] }],
    ['a Sub with text before', { 'Fn::Sub': 'arn:${Role.Arn}' }],
    ['a Sub with text after', { 'Fn::Sub': '${Role.Arn}/*' }],
    ['a Sub given as a list of its text alone (malformed)', { 'Fn::Sub': ['${Role.Arn}'] }],
    ['a Sub of a pseudo parameter', { 'Fn::Sub': '${AWS::Region}' }],
    ['a join of two parts', { 'Fn::Join': ['', [{ Ref: 'Role' }, 'x']] }],
    ['a Select from an intrinsic', { 'Fn::Select': [0, { Ref: 'List' }] }],
    ['a Select with an intrinsic index', { 'Fn::Select': [{ Ref: 'I' }, [{ Ref: 'Role' }]] }],
    ['a Select with a list as index', { 'Fn::Select': [[0], [{ Ref: 'Role' }]] }],
    ['a Select with a null index', { 'Fn::Select': [null, [{ Ref: 'Role' }]] }],
    ['an import nobody exports', { 'Fn::ImportValue': 'X' }],
    ['another function', { 'Fn::Base64': { Ref: 'Role' } }],
  ])('%s: nothing', (_name, value) => {
    expect(values.locate(value, shop)).toBeUndefined();
  });

  test('through a nested stack\'s parameter to the parent, and through its output to the nested resource', () => {
    const { parent, nested } = nestedPair();
    const viaParameter = values.locate({ Ref: 'TableArn' }, nested);
    expect([viaParameter?.template, viaParameter?.logicalId, viaParameter?.attribute]).toEqual([parent, 'Table', 'Arn']);
    const viaOutput = values.locate({ 'Fn::GetAtt': ['Nested', 'Outputs.RoleArn'] }, parent);
    expect([viaOutput?.template, viaOutput?.logicalId, viaOutput?.attribute]).toEqual([nested, 'NestedRole', 'Arn']);
    expect(values.locate({ 'Fn::GetAtt': ['Nested', 'Outputs.Missing'] }, parent)).toBeUndefined();
    // An attribute of the nested stack resource that is not an output is the resource itself.
    expect(values.locate({ 'Fn::GetAtt': ['Nested', 'Arn'] }, parent)?.logicalId).toBe('Nested');
    // A top-level stack has no parent to take a parameter from.
    expect(values.locate({ Ref: 'TableArn' }, { ...nested, parent: undefined })).toBeUndefined();
  });

  test('through an export of the same account to the exporting stack\'s resource', () => {
    const exporter = template({ name: 'Data', resources: { DataTable: {} } });
    values.export(exporter, 'Data:TableArn', { 'Fn::GetAtt': ['DataTable', 'Arn'] });
    const found = values.locate({ 'Fn::ImportValue': { 'Fn::Sub': 'Data:TableArn' } }, shop);
    expect([found?.template, found?.logicalId]).toEqual([exporter, 'DataTable']);
    expect(values.locate({ 'Fn::ImportValue': 'Data:TableArn' }, template({ account: undefined }))).toBeUndefined();
  });

  test('only an import reaches an export, even one whose name renders empty', () => {
    const exporting = new Values();
    const stack = template();
    exporting.export(stack, '', { Ref: 'Role' });
    expect(exporting.locate({ 'Fn::ImportValue': { 'Fn::Join': ['', []] } }, stack)?.logicalId).toBe('Role');
    expect(exporting.locate({ 'Fn::Base64': 'x' }, stack)).toBeUndefined();
    expect(exporting.locate({ NotAnIntrinsic: 'x' }, stack)).toBeUndefined();
  });
});

describe('items and alternatives', () => {
  test('a list: one item per entry, both branches of an If entry, without AWS::NoValue', () => {
    expect(items(['a', { 'Fn::If': ['C', 'b', { Ref: 'AWS::NoValue' }] }, { 'Fn::If': ['D', 'c', 'd'] }], 'Properties.List', false)).toEqual([
      { value: 'a', path: 'Properties.List[0]' },
      { value: 'b', path: 'Properties.List[1]' },
      { value: 'c', path: 'Properties.List[2]' },
      { value: 'd', path: 'Properties.List[2]' },
    ]);
  });

  test('an If instead of the list: the items of each branch', () => {
    expect(items({ 'Fn::If': ['C', ['a'], ['b', 'c']] }, 'P', false).map(item => item.value)).toEqual(['a', 'b', 'c']);
    expect(items({ 'Fn::If': ['C', ['a'], { Ref: 'AWS::NoValue' }] }, 'P', false).map(item => item.value)).toEqual(['a']);
  });

  test('absent: no items; another intrinsic: one opaque item, or malformed', () => {
    expect(items(undefined, 'P', false)).toEqual([]);
    expect(items({ Ref: 'Subnets' }, 'P', true)).toEqual([{ value: { Ref: 'Subnets' }, path: 'P' }]);
    expect(() => items({ Ref: 'Subnets' }, 'P', false)).toThrow(new MalformedValue('is {"Ref":"Subnets"}, not a list', 'P'));
    expect(() => items('a', 'P', true)).toThrow(new MalformedValue('is a string, not a list', 'P'));
    expect(() => items({ a: 1 }, 'P', true)).toThrow(/^P is an object, not a list$/);
  });

  test('alternatives of a value, nested Ifs flattened; a malformed If is named', () => {
    expect(alternatives('x')).toEqual(['x']);
    expect(alternatives({ 'Fn::If': ['A', { 'Fn::If': ['B', 1, 2] }, 3] })).toEqual([1, 2, 3]);
    expect(() => alternatives({ 'Fn::If': ['A', 1] })).toThrow('Fn::If takes [condition, value if true, value if false], not ["A",1]');
  });

  test('isIntrinsic: one key, Ref or Fn::', () => {
    expect([{ Ref: 'X' }, { 'Fn::Sub': 'x' }, { Ref: 'X', Other: 1 }, { Fnx: 1 }, ['Ref'], 'Ref', null].map(isIntrinsic))
      .toEqual([true, true, false, false, false, false, false]);
  });
});

describe('malformed shapes', () => {
  test.each<[string, Json, string]>([
    ['Ref', 1, 'Ref takes a logical id or parameter name, not 1'],
    ['Fn::GetAtt', 'NoDot', 'Fn::GetAtt takes [logicalId, attribute] or "logicalId.attribute", not "NoDot"'],
    ['Fn::GetAtt', ['Role'], 'Fn::GetAtt takes [logicalId, attribute] or "logicalId.attribute", not ["Role"]'],
    ['Fn::GetAtt', [1, 'Arn'], 'Fn::GetAtt takes [logicalId, attribute] or "logicalId.attribute", not [1,"Arn"]'],
    ['Fn::GetAtt', ['Role', 2], 'Fn::GetAtt takes [logicalId, attribute] or "logicalId.attribute", not ["Role",2]'],
    ['Fn::Join', ['-'], 'Fn::Join takes [separator, list], not ["-"]'],
    ['Fn::Join', [1, []], 'Fn::Join takes [separator, list], not [1,[]]'],
    ['Fn::Join', ['-', 'a'], 'Fn::Join takes [separator, list], not ["-","a"]'],
    ['Fn::Join', 'a', 'Fn::Join takes [separator, list], not "a"'],
    ['Fn::Sub', 1, 'Fn::Sub takes a string or [string, variables], not 1'],
    ['Fn::Sub', ['x'], 'Fn::Sub takes a string or [string, variables], not ["x"]'],
    ['Fn::Sub', [1, {}], 'Fn::Sub takes a string or [string, variables], not [1,{}]'],
    ['Fn::Sub', ['x', 'y'], 'Fn::Sub takes a string or [string, variables], not ["x","y"]'],
    ['Fn::Select', [0], 'Fn::Select takes [index, list], not [0]'],
    ['Fn::Select', 'x', 'Fn::Select takes [index, list], not "x"'],
    ['Fn::If', ['C', 1, 2, 3], 'Fn::If takes [condition, value if true, value if false], not ["C",1,2,3]'],
    ['Fn::If', [1, 1, 2], 'Fn::If takes [condition, value if true, value if false], not [1,1,2]'],
    ['Fn::If', 'C', 'Fn::If takes [condition, value if true, value if false], not "C"'],
  ])('%s %j', (fn, args, message) => {
    expect(() => checkIntrinsic(fn, args)).toThrow(new MalformedValue(message));
  });

  test.each<[string, Json]>([
    ['Ref', 'Role'], ['Fn::GetAtt', 'Role.Arn'], ['Fn::GetAtt', ['Role', 'Arn']], ['Fn::GetAtt', ['Role', { Ref: 'Attr' }]],
    ['Fn::Join', ['-', ['a']]], ['Fn::Join', ['-', { Ref: 'List' }]], ['Fn::Sub', 'x'], ['Fn::Sub', ['x', {}]],
    ['Fn::Select', [0, ['a']]], ['Fn::If', ['C', 1, 2]], ['Fn::Base64', 1],
  ])('%s %j is read', (fn, args) => {
    expect(() => checkIntrinsic(fn, args)).not.toThrow();
  });

  test('within names the file, the resource and the property; other errors pass through', () => {
    const shop = template();
    expect(() => within(shop, 'Role', () => {
      throw new MalformedValue('is null', 'Properties.Policies[0]');
    })).toThrow('[cdk-eks-pod-identity:MalformedCloudAssembly] cdk.out/Shop.template.json: Role.Properties.Policies[0] is null. Fix: synthesize the app again');
    expect(() => within(shop, 'Role', () => {
      throw new MalformedValue('the export X refers to itself');
    })).toThrow('cdk.out/Shop.template.json: Role: the export X refers to itself. Fix:');
    expect(() => within(shop, 'Role', () => {
      throw new RangeError('other');
    })).toThrow(RangeError);
    expect(within(shop, 'Role', () => 7)).toBe(7);
  });

  test('malformed: one line', () => {
    expect(malformed('f.json', 'a\n   b').message).toBe('[cdk-eks-pod-identity:MalformedCloudAssembly] f.json: a b. Fix: synthesize the app again (`cdk synth`), or correct the template: the report reads CloudFormation templates and cloud assemblies as `cdk synth` writes them');
  });

  test('expectObject and required', () => {
    expect(expectObject({ a: 1 }, 'Properties')).toEqual({ a: 1 });
    expect(expectObject(undefined, 'Properties', true)).toBeUndefined();
    expect(() => expectObject(undefined, 'Properties')).toThrow(new MalformedValue('is missing', 'Properties'));
    expect(() => expectObject([], 'Properties', true)).toThrow(new MalformedValue('is an array, not an object', 'Properties'));
    expect(() => expectObject(null, 'Properties', true)).toThrow(/^Properties is null, not an object$/);
    expect(required({ RoleArn: 'x' }, 'RoleArn')).toBe('x');
    expect(() => required({}, 'RoleArn')).toThrow(new MalformedValue('is missing', 'Properties.RoleArn'));
    expect(() => required({ RoleArn: null }, 'RoleArn', 'Spec')).toThrow(new MalformedValue('is null', 'Spec.RoleArn'));
  });
});
