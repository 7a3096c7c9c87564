// Every cdk-nag acknowledgement in the examples must be needed: with acknowledgements turned off, each one must
// match a finding on the construct it was made on (or below it), and every finding must be acknowledged.
import { App, Stack } from 'aws-cdk-lib';
import { EXISTING_CLUSTER_CONTEXT } from './example-helpers';
import { CartsExampleStack } from '../../examples/carts-stack';
import { NagAcknowledgement } from '../../examples/nag-acknowledgements';
import { PlatformExampleStack } from '../../examples/platform-stack';
import { S3DemoExampleStack } from '../../examples/s3-demo-stack';
import { awsSolutionsFindings } from '../judges/cdk-nag';

const mockRecorded: Array<{ path: string; id: string; reason: string }> = [];

jest.mock('../../examples/nag-acknowledgements', () => ({
  ...jest.requireActual('../../examples/nag-acknowledgements'),
  acknowledgeNag: (scope: any, ...acknowledgements: NagAcknowledgement[]) => {
    for (const { id, reason } of acknowledgements) mockRecorded.push({ path: scope.node.path, id, reason });
  },
}));

const cases: Array<[string, (app: App) => Stack, Record<string, string>]> = [
  ['carts, new cluster', app => new CartsExampleStack(app, 'Carts'), {}],
  ['carts, existing cluster', app => new CartsExampleStack(app, 'Carts'), EXISTING_CLUSTER_CONTEXT],
  ['platform, new cluster', app => new PlatformExampleStack(app, 'Platform'), {}],
  ['platform, existing cluster', app => new PlatformExampleStack(app, 'Platform'), EXISTING_CLUSTER_CONTEXT],
  ['s3 demo, new cluster', app => new S3DemoExampleStack(app, 'S3Demo'), {}],
  ['s3 demo, existing cluster', app => new S3DemoExampleStack(app, 'S3Demo'), EXISTING_CLUSTER_CONTEXT],
];

test.each(cases)('%s: each acknowledgement matches a finding, each finding is acknowledged', (_name, build, context) => {
  mockRecorded.length = 0;
  const stack = build(new App({ context }));
  const findings = awsSolutionsFindings(stack);
  const covers = (ack: { path: string; id: string }, finding: { path: string; rule: string }) =>
    ack.id === finding.rule && (finding.path === ack.path || finding.path.startsWith(ack.path + '/'));

  const unused = mockRecorded.filter(ack => !findings.some(finding => covers(ack, finding)));
  const unacknowledged = findings.filter(finding => !mockRecorded.some(ack => covers(ack, finding)));

  expect(unused.map(ack => `${ack.id} at ${ack.path}`)).toEqual([]);
  expect(unacknowledged.map(finding => `${finding.rule} at ${finding.path}`)).toEqual([]);
  expect(mockRecorded.every(ack => ack.reason.length >= 40)).toBe(true);
});

test('no acknowledgement covers a resource cdk-eks-pod-identity creates except the examples\' own grants', () => {
  mockRecorded.length = 0;
  new CartsExampleStack(new App(), 'Carts');
  new S3DemoExampleStack(new App(), 'S3Demo');
  new PlatformExampleStack(new App(), 'Platform');
  const onLibraryConstructs = mockRecorded.filter(ack => /\/(Carts|Demo|DemoRole|Reader|EbsCsiDriver|ExternalDns|LoadBalancerController)(\/|$)/.test(ack.path));
  // Only finding-level acknowledgements of the examples' deliberate choices: grants and the walkthrough's policy.
  // (The platform's add-on and presets acknowledge their own findings, with the library's reasons.)
  expect(onLibraryConstructs.map(ack => `${ack.path} ${ack.id}`).sort()).toEqual([
    'Carts/Carts/Role AwsSolutions-IAM5[Resource::<TableCD117FA1.Arn>/index/*]',
    'S3Demo/DemoRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonS3ReadOnlyAccess]',
    'S3Demo/Reader/Role AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'S3Demo/Reader/Role AwsSolutions-IAM5[Action::s3:GetObject*]',
    'S3Demo/Reader/Role AwsSolutions-IAM5[Action::s3:List*]',
    'S3Demo/Reader/Role AwsSolutions-IAM5[Resource::<DemoBucketD2908035.Arn>/*]',
  ]);
});
