// Every App the tests create synthesizes into one scratch folder per jest worker, without copying asset files
// (the kubectl and awscli layers are tens of MB each): otherwise each synth leaves a new temp dir with copies,
// gigabytes per run. Templates are unaffected.
import * as os from 'os';
import * as path from 'path';

// The folder is per jest run (the workers' parent process) and worker: two runs at once must not overwrite each
// other's templates mid-read. Stryker's test runners (mutation testing) run side by side, each with JEST_WORKER_ID
// 1: one folder per runner.
const runner = process.env.STRYKER_MUTATOR_WORKER !== undefined ? `stryker-${process.pid}-` : '';
process.env.CDK_OUTDIR = path.join(os.tmpdir(), `cdk-eks-pod-identity-jest-${runner}${process.ppid}-${process.env.JEST_WORKER_ID ?? '0'}`);
// Quiet: GitOps synthesis prints what it wrote on stderr (tests that assert it set the key to false).
process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:disable-asset-staging': true, 'cdk-eks-pod-identity:quiet': true });
