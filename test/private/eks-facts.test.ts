// lib/private/eks-facts.ts is the one place of the EKS, IAM, CloudFormation and Kubernetes facts the constructs, the
// checks, the presets and the report share: a copy elsewhere drifts (the report's table of add-on namespaces once
// lacked FSx and Private CA). The scan below reads the code of every lib/ file (comments are not code; prose strings,
// such as messages, are allowed to name the facts) and fails on a fact written as a literal outside eks-facts.ts.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ts from 'typescript';
import { PodIdentityAgentAddon, PodIdentityRole, WellKnownPolicy } from '../../lib';
import * as facts from '../../lib/private/eks-facts';

const LIB = path.join(__dirname, '..', '..', 'lib');
const FACTS_FILE = path.join(LIB, 'private', 'eks-facts.ts');

function libFiles(dir = LIB): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return libFiles(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

/** The literals of a source: strings (and the text parts of templates) and numbers, with their line. */
function literalsOf(file: string, text = fs.readFileSync(file, 'utf8')): Array<{ value: string | number; line: number }> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Array<{ value: string | number; line: number }> = [];
  const visit = (node: ts.Node): void => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node)
      || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      found.push({ value: node.text, line });
    } else if (ts.isNumericLiteral(node)) {
      found.push({ value: Number(node.text), line });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every string fact: a literal equal to one of these is a copy. */
function stringFacts(): Set<string> {
  const addons = facts.knownAddonNames().map(name => facts.knownAddon(name)!);
  return new Set([
    facts.POD_IDENTITY_SERVICE_PRINCIPAL, facts.AGENT_ADDON_NAME, facts.MIN_KUBERNETES_VERSION, facts.IRSA_ANNOTATION,
    facts.IRSA_AUDIENCE,
    ...facts.SESSION_TAG_KEYS,
    ...facts.SESSION_TAG_KEYS.flatMap(key => [facts.requestTag(key), facts.principalTag(key), `\${${facts.principalTag(key)}}`]),
    // 'default' is also the default service account's name: too common to be a copy.
    ...facts.BUILT_IN_NAMESPACES.filter(namespace => namespace !== 'default'),
    ...addons.flatMap(addon => [addon.namespace, addon.serviceAccount]),
  ]);
}

// The numeric limits. 10 and 128 are left out: too common to mean a limit (lengths of estimates, a reason's minimum).
const NUMERIC_FACTS = new Set([
  facts.MAX_ASSOCIATIONS_PER_CLUSTER, facts.MAX_TAGS, facts.MAX_TAG_VALUE_LENGTH, facts.DEFAULT_TRUST_POLICY_LENGTH_QUOTA,
  facts.MAX_TRUST_POLICY_LENGTH_QUOTA, facts.MAX_MANAGED_POLICIES_PER_ROLE_QUOTA, facts.MAX_SESSION_POLICY_LENGTH,
  facts.MAX_RESOURCES_PER_STACK, facts.MAX_TEMPLATE_BYTES, 1024,
]);

/** The copies of facts in a source: literals equal to a fact, and code strings (no spaces) naming a session tag key. */
function copiesIn(file: string, text?: string): string[] {
  const strings = stringFacts();
  const tagForms = facts.SESSION_TAG_KEYS.flatMap(key => [facts.requestTag(key), facts.principalTag(key)].map(form => form.toLowerCase()));
  return literalsOf(file, text).filter(({ value }) => typeof value === 'number'
    ? NUMERIC_FACTS.has(value)
    : strings.has(value) || (!/\s/.test(value) && tagForms.some(form => value.toLowerCase().includes(form))))
    .map(({ value, line }) => `${path.relative(LIB, file)}:${line}: ${JSON.stringify(value)}`);
}

describe('the EKS facts are written once, in lib/private/eks-facts.ts', () => {
  test('no lib file but eks-facts.ts writes one of them as a literal', () => {
    const copies = libFiles().filter(file => file !== FACTS_FILE).flatMap(file => copiesIn(file));
    expect(copies).toEqual([]);
  });

  test('the scan finds copies in code, not in comments or messages', () => {
    const file = path.join(LIB, 'example.ts');
    const code = [
      '// pods.eks.amazonaws.com in a comment, and kube-system',
      '/** 5000 associations, `aws:RequestTag/kubernetes-namespace` */',
      'const a = \'pods.eks.amazonaws.com\';',
      'const b = { \'aws:RequestTag/kubernetes-namespace\': ns };',
      'const c = `${x}kube-system`;',
      'const d = \'${aws:PrincipalTag/eks-cluster-name}\';',
      'const e = 5000;',
      'const f = JSON.stringify({ Condition: \'{"aws:principaltag/kubernetes-pod-uid":"x"}\' });',
      'const g = `role ${r} does not trust pods.eks.amazonaws.com: fix the "aws:RequestTag/eks-cluster-arn" condition`;',
      'const h = \'eks:eks-cluster-name\';',
    ].join('\n');
    expect(copiesIn(file, code)).toEqual([
      'example.ts:3: "pods.eks.amazonaws.com"',
      'example.ts:4: "aws:RequestTag/kubernetes-namespace"',
      'example.ts:5: "kube-system"',
      'example.ts:6: "${aws:PrincipalTag/eks-cluster-name}"',
      'example.ts:7: 5000',
      'example.ts:8: "{\\"aws:principaltag/kubernetes-pod-uid\\":\\"x\\"}"',
    ]);
  });

  test('eks-facts.ts is a leaf: it imports nothing', () => {
    const source = ts.createSourceFile(FACTS_FILE, fs.readFileSync(FACTS_FILE, 'utf8'), ts.ScriptTarget.Latest, true);
    expect(source.statements.filter(statement => ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement))).toEqual([]);
    expect(fs.readFileSync(FACTS_FILE, 'utf8')).not.toMatch(/\brequire\(/);
  });
});

describe('the facts', () => {
  test('session tag keys and their condition-key forms', () => {
    expect(facts.SESSION_TAG_KEYS).toEqual([
      'eks-cluster-arn', 'eks-cluster-name', 'kubernetes-namespace', 'kubernetes-service-account', 'kubernetes-pod-name',
      'kubernetes-pod-uid',
    ]);
    expect(facts.requestTag(facts.NAMESPACE_TAG)).toBe('aws:RequestTag/kubernetes-namespace');
    expect(facts.principalTag(facts.CLUSTER_NAME_TAG)).toBe('aws:PrincipalTag/eks-cluster-name');
  });

  test('the public static members read them', () => {
    expect(PodIdentityRole.SERVICE_PRINCIPAL).toBe('pods.eks.amazonaws.com');
    expect(PodIdentityRole.SERVICE_PRINCIPAL).toBe(facts.POD_IDENTITY_SERVICE_PRINCIPAL);
    expect(PodIdentityAgentAddon.ADDON_NAME).toBe(facts.AGENT_ADDON_NAME);
    expect([PodIdentityRole.DEFAULT_TRUST_POLICY_LENGTH_QUOTA, PodIdentityRole.MAX_TRUST_POLICY_LENGTH_QUOTA])
      .toEqual([facts.DEFAULT_TRUST_POLICY_LENGTH_QUOTA, facts.MAX_TRUST_POLICY_LENGTH_QUOTA]);
    expect([PodIdentityRole.DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA, PodIdentityRole.MAX_MANAGED_POLICIES_PER_ROLE_QUOTA])
      .toEqual([facts.DEFAULT_MANAGED_POLICIES_PER_ROLE_QUOTA, facts.MAX_MANAGED_POLICIES_PER_ROLE_QUOTA]);
  });

  test('the presets of AWS add-ons run where the add-ons do', () => {
    const stack = new Stack(new App(), 'S');
    const presets: Array<[string, WellKnownPolicy]> = [
      ['aws-ebs-csi-driver', WellKnownPolicy.ebsCsiDriver()],
      ['aws-efs-csi-driver', WellKnownPolicy.efsCsiDriver()],
      ['aws-fsx-csi-driver', WellKnownPolicy.fsxLustreCsiDriver()],
      ['aws-mountpoint-s3-csi-driver', WellKnownPolicy.mountpointS3CsiDriver({ buckets: [s3.Bucket.fromBucketName(stack, 'B', 'mounted')] })],
      ['vpc-cni', WellKnownPolicy.vpcCni()],
      ['amazon-cloudwatch-observability', WellKnownPolicy.cloudWatchObservability()],
      ['aws-privateca-connector-for-kubernetes', WellKnownPolicy.awsPrivateCaIssuer({ certificateAuthorityArns: ['arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/a'] })],
    ];
    expect(presets.map(([, preset]) => `${preset.namespace}/${preset.serviceAccount}`))
      .toEqual(presets.map(([name]) => `${facts.knownAddon(name)!.namespace}/${facts.knownAddon(name)!.serviceAccount}`));
    expect(presets.map(([name]) => name).sort()).toEqual(facts.knownAddonNames());
  });

  test('an unknown add-on has no service account', () => {
    expect(() => facts.knownAddonServiceAccount('constructor')).toThrow('constructor is not a known add-on');
  });
});
