// Synthesis is deterministic: the same app synthesized by two separate Node processes gives byte-identical cloud
// assemblies (templates, manifest, tree). Two processes, because token numbers, construct ids of generated objects
// and Map iteration order all start afresh in each: one process synthesizing twice could hide a difference.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const APP = path.join(__dirname, 'fixtures', 'determinism-app.ts');

function synthesizeInNewProcess(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'determinism-'));
  execFileSync(process.execPath, ['-r', 'ts-node/register', APP], {
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:disable-asset-staging': true }),
      TS_NODE_TRANSPILE_ONLY: 'true',
      TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json'),
    },
    stdio: 'pipe',
  });
  return outdir;
}

function filesOf(dir: string): Record<string, Buffer> {
  return Object.fromEntries(fs.readdirSync(dir).filter(name => name.endsWith('.json')).sort()
    .map(name => [name, fs.readFileSync(path.join(dir, name))]));
}

test('two processes synthesizing the same app write byte-identical cloud assemblies', () => {
  const first = filesOf(synthesizeInNewProcess());
  const second = filesOf(synthesizeInNewProcess());
  expect(Object.keys(first)).toEqual(expect.arrayContaining(['manifest.json', 'tree.json', 'Stack-eks-v2.template.json', 'Stack-imported-eks.template.json']));
  expect(Object.keys(second)).toEqual(Object.keys(first));
  for (const name of Object.keys(first)) {
    expect({ name, equal: second[name].equals(first[name]) }).toEqual({ name, equal: true });
  }
  // The assembly holds what the app is about, so an empty or failed synthesis cannot pass.
  expect(first['Stack-eks-v2.template.json'].toString()).toContain('AWS::EKS::PodIdentityAssociation');
  expect(first['Stack-eks-v2.template.json'].toString()).toContain('Custom::AWSCDK-EKS-KubernetesResource');
});
