#!/usr/bin/env node
// The README as a new user reads it: assembles a CDK app from the TypeScript code blocks of README sections, so
// judge:smoke type-checks and synthesizes exactly what the README shows (the README cannot drift from the package).
//   node readme-snippets.js write README.md readme-app.ts   writes the app and readme-app.map.json (line origins)
//   node readme-snippets.js explain tsc.log readme-app.map.json
//                                                            prints tsc's errors in readme-app.ts at their README line
// The wrapper adds only what a README reader adds: an App, a Stack subclass with an env, imports of the aws-cdk-lib
// modules the snippets use, and the `table` the workload snippet grants on (a dynamodb.Table).
'use strict';
const fs = require('fs');

// The sections, in order: the second uses the `cluster` of the first.
const SECTIONS = ['### Use an existing cluster', '### One workload'];
const fail = message => {
  console.error(`judge:smoke: README app: ${message}`);
  process.exit(1);
};

/** The TypeScript code blocks of a section (up to the next heading of level 1-3), with their first README line. */
function snippetsOf(lines, heading) {
  const start = lines.findIndex(line => line.trimEnd() === heading);
  if (start < 0) fail(`README.md has no section "${heading}" (the heading must read exactly so)`);
  const blocks = [];
  let block;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    if (!block && /^#{1,3} /.test(line)) break;
    if (!block && /^```(ts|typescript)\s*$/.test(line)) {
      block = { section: heading, firstLine: i + 2, lines: [] };
    } else if (block && /^```\s*$/.test(line)) {
      blocks.push(block);
      block = undefined;
    } else if (block) {
      block.lines.push(line);
    }
  }
  if (block) fail(`README section "${heading}": the code block at README.md:${block.firstLine - 1} is not closed`);
  if (blocks.length === 0) fail(`README section "${heading}" has no \`\`\`ts code block`);
  return blocks;
}

/** Splits a block into its import statements (hoisted to the top of the file) and the rest (the stack's body). */
function split(block) {
  const imports = [];
  const body = [];
  for (let i = 0; i < block.lines.length; i++) {
    const origin = { section: block.section, line: block.firstLine + i };
    if (/^import\s/.test(block.lines[i])) {
      // An import may span lines: up to the line with `from '...'`.
      let end = i;
      while (end < block.lines.length - 1 && !/\bfrom\s+['"][^'"]+['"]/.test(block.lines[end])) end++;
      for (let j = i; j <= end; j++) imports.push({ text: block.lines[j], origin: { ...origin, line: block.firstLine + j } });
      i = end;
    } else {
      body.push({ text: block.lines[i], origin });
    }
  }
  return { imports, body };
}

// aws-cdk-lib module aliases a README snippet may use without importing them (as the README's examples write them).
const CDK_MODULES = {
  dynamodb: 'aws-cdk-lib/aws-dynamodb', iam: 'aws-cdk-lib/aws-iam', s3: 'aws-cdk-lib/aws-s3', ec2: 'aws-cdk-lib/aws-ec2',
  eks: 'aws-cdk-lib/aws-eks-v2', lambda: 'aws-cdk-lib/aws-lambda', sqs: 'aws-cdk-lib/aws-sqs', sns: 'aws-cdk-lib/aws-sns',
  kms: 'aws-cdk-lib/aws-kms', secretsmanager: 'aws-cdk-lib/aws-secretsmanager', ssm: 'aws-cdk-lib/aws-ssm',
};

function write(readmePath, outPath) {
  const lines = fs.readFileSync(readmePath, 'utf8').split('\n');
  const parts = SECTIONS.flatMap(heading => snippetsOf(lines, heading)).map(split);
  const imports = parts.flatMap(p => p.imports);
  const body = parts.flatMap(p => p.body);

  const out = []; // { text, origin? }
  const wrapper = text => out.push({ text });
  wrapper('// Assembled by .ci/smoke/readme-snippets.js from README.md sections:');
  wrapper(`//   ${SECTIONS.join(', ')}. Lines without a README origin are the wrapper a reader adds.`);
  wrapper("import { App, Stack, StackProps } from 'aws-cdk-lib';");
  wrapper("import { Construct } from 'constructs';");
  const imported = imports.map(i => i.text).join('\n');
  // Code only: no string literals (a URL, lambda.amazonaws.com) and no comments (`iam.IGrantable` in a remark).
  const used = body.map(b => b.text.replace(/'[^']*'|"[^"]*"|`[^`]*`/g, "''").replace(/\/\/.*$/, '')).join('\n');
  for (const [alias, module] of Object.entries(CDK_MODULES)) {
    const inSnippets = new RegExp(`\\b${alias}\\.`).test(used);
    if ((inSnippets || alias === 'dynamodb') && !new RegExp(`\\bas\\s+${alias}\\b`).test(imported)) {
      wrapper(`import * as ${alias} from '${module}';`);
    }
  }
  out.push(...imports);
  wrapper('');
  wrapper('class ReadmeStack extends Stack {');
  wrapper('  constructor(scope: Construct, id: string, props: StackProps) {');
  wrapper('    super(scope, id, props);');
  wrapper('    // The table the workload snippet grants on.');
  wrapper("    const table = new dynamodb.Table(this, 'Table', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });");
  for (const line of body) out.push({ text: line.text === '' ? '' : `    ${line.text}`, origin: line.origin });
  wrapper('  }');
  wrapper('}');
  wrapper('');
  wrapper("const app = new App({ outdir: 'cdk.out.readme' });");
  wrapper("new ReadmeStack(app, 'ReadmeStack', { env: { account: '123456789012', region: 'us-east-1' } });");
  wrapper('app.synth();');

  fs.writeFileSync(outPath, out.map(l => l.text).join('\n') + '\n');
  const map = out.map(l => l.origin ?? null);
  fs.writeFileSync(outPath.replace(/\.ts$/, '.map.json'), JSON.stringify({ sections: SECTIONS, lines: map }));
  // What the template check needs from the README: the kubectl role and the cluster name the snippet passes.
  const snippet = body.map(b => b.text).join('\n');
  const literal = key => (new RegExp(`\\b${key}:\\s*'([^']+)'`).exec(snippet) ?? [])[1];
  const facts = { kubectlRoleArn: literal('kubectlRoleArn'), clusterName: literal('clusterName') };
  for (const [key, value] of Object.entries(facts)) {
    if (!value) fail(`README section "${SECTIONS[0]}" passes no literal ${key}: '...' to ExistingCluster.fromClusterName`);
  }
  facts.podIdentityAgentInstalled = /\bpodIdentityAgentInstalled:\s*true\b/.test(snippet);
  fs.writeFileSync(outPath.replace(/\.ts$/, '.facts.json'), JSON.stringify(facts));
  console.log(`judge:smoke: README app assembled from ${parts.length} code blocks (${SECTIONS.join(', ')})`);
}

function explain(logPath, mapPath) {
  const { sections, lines } = JSON.parse(fs.readFileSync(mapPath, 'utf8'));
  const log = fs.readFileSync(logPath, 'utf8');
  if (!/readme-app\.ts\(\d+,\d+\)/.test(log)) {
    console.error('judge:smoke: the smoke app does not compile against the packed package:');
    console.error(log.trimEnd());
    return;
  }
  const blamed = new Set();
  const explained = log.split('\n').map(line => {
    const m = /^(?:.*\/)?readme-app\.ts\((\d+),(\d+)\): (.*)$/.exec(line);
    if (!m) return line;
    const origin = lines[Number(m[1]) - 1];
    if (!origin) return `readme-app.ts:${m[1]} (wrapper): ${m[3]}`;
    blamed.add(origin.section);
    return `README.md:${origin.line} (section "${origin.section}"): ${m[3]}`;
  });
  const noun = blamed.size > 1 ? 'sections' : 'section';
  const where = blamed.size ? [...blamed].map(s => `"${s}"`).join(' and ') : sections.map(s => `"${s}"`).join(' / ');
  console.error(`judge:smoke: the TypeScript of README ${noun} ${where} does not compile against the packed package:`);
  console.error(explained.filter(l => l.trim()).map(l => `  ${l}`).join('\n'));
}

const [command, ...args] = process.argv.slice(2);
if (command === 'write') write(...args);
else if (command === 'explain') explain(...args);
else fail(`unknown command ${command}; use write README.md out.ts | explain tsc.log map.json`);
