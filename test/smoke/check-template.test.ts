// The packed-tarball smoke judge (.ci/smoke) ends with check-template.js: it must reject a template that lacks what
// the smoke app should synthesize, listing every mismatch.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const CHECK = path.join(__dirname, '..', '..', '.ci', 'smoke', 'check-template.js');

function check(template: Record<string, any>) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-check-')), 'template.json');
  fs.writeFileSync(file, JSON.stringify(template));
  return spawnSync(process.execPath, [CHECK, file], { encoding: 'utf-8' });
}

test('an empty template fails with the missing resources listed', () => {
  const result = check({ Resources: {} });
  expect(result.status).not.toBe(0);
  expect(result.stderr + result.stdout).toMatch(/expected 1 AWS::EKS::Addon, found 0/);
  expect(result.stderr + result.stdout).toMatch(/expected 2 AWS::EKS::PodIdentityAssociation, found 0/);
});

test('a role trusted by pods.eks without sts:TagSession is named', () => {
  const role = (id: string) => [id, {
    Type: 'AWS::IAM::Role',
    Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }] } },
  }];
  const result = check({ Resources: Object.fromEntries([role('RoleA'), role('RoleB')]) });
  expect(result.status).not.toBe(0);
  expect(result.stderr + result.stdout).toMatch(/role RoleA trust lacks sts:TagSession/);
});
