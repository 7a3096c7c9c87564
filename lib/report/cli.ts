// `cdk-eks-pod-identity report [cdk.out] [--format markdown|json] [--fail-on warning|error] [--acknowledgements file]`
import { FindingSeverity } from './model';
import { PodIdentityReport } from './report';
import { problemIdOf } from '../private/errors';

const USAGE = `Usage: cdk-eks-pod-identity report [cloud-assembly-dir] [--format markdown|json] [--fail-on warning|error]
                                   [--acknowledgements file.json]

Lists every EKS Pod Identity association of a synthesized cloud assembly (default: cdk.out) with the permissions
its pods get, and findings.

  --format            markdown (default, for a pull-request comment) or json
  --fail-on           exit 1 when a finding of this severity or worse is not acknowledged
  --acknowledgements  a JSON file of acknowledged findings, for assemblies this library did not make:
                      { "acknowledgements": [{ "id": "WildcardResourceOnWrite", "role": "*LoadBalancer*",
                        "reason": "why it is acceptable (10+ characters)" }] }
                      (select with stack, cluster, namespace, serviceAccount, role, resource; * is a wildcard)
  -h, --help          this text

Findings acknowledged in code (PodIdentityReport.acknowledge, presets) or in the file are listed with their reason
and never counted for --fail-on. Exit code 0; 1 when --fail-on is given and an unacknowledged finding of that
severity or worse exists; 2 on a usage error, an unreadable cloud assembly or a malformed acknowledgements file.`;

/** What the CLI writes to. */
export interface CliOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Runs the command line; returns the exit code. */
export function runCli(args: string[], output: CliOutput): number {
  const positional: string[] = [];
  let format = 'markdown';
  let failOn: FindingSeverity | undefined;
  let acknowledgementsFile: string | undefined;
  try {
    for (let i = 0; i < args.length; i++) {
      const [flag, inline] = args[i].startsWith('--') && args[i].includes('=') ? args[i].split(/=(.*)/s) : [args[i], undefined];
      const value = () => {
        const v = inline ?? args[++i];
        if (v === undefined) throw new Error(`${flag} needs a value`);
        return v;
      };
      if (flag === '--help' || flag === '-h') {
        output.out(USAGE + '\n');
        return 0;
      } else if (flag === '--format') {
        format = value();
        if (format !== 'markdown' && format !== 'json') throw new Error(`--format must be markdown or json, not '${format}'`);
      } else if (flag === '--fail-on') {
        const name = value();
        if (name !== 'warning' && name !== 'error') throw new Error(`--fail-on must be warning or error, not '${name}'`);
        failOn = FindingSeverity.of(name);
      } else if (flag === '--acknowledgements') {
        acknowledgementsFile = value();
      } else if (flag.startsWith('-')) {
        throw new Error(`unknown option ${flag}`);
      } else {
        positional.push(flag);
      }
    }
    const [command, directory = 'cdk.out', ...extra] = positional;
    if (command !== 'report') throw new Error(command === undefined ? 'missing command' : `unknown command '${command}'`);
    if (extra.length > 0) throw new Error(`unexpected argument '${extra[0]}'`);

    let report: PodIdentityReport;
    try {
      report = PodIdentityReport.fromCloudAssembly(directory, { acknowledgementsFile });
    } catch (error) {
      // The assembly cannot be read: one line naming the file and what is wrong (no usage, no stack trace).
      const message = problemIdOf(error) !== undefined ? (error as Error).message
        : `[cdk-eks-pod-identity:UnreadableCloudAssembly] cannot read the cloud assembly ${directory}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}. Fix: synthesize again (\`cdk synth\`); if it persists, report this message as a bug of cdk-eks-pod-identity`;
      output.err(`cdk-eks-pod-identity: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
      return 2;
    }
    output.out(format === 'json' ? report.toJson() : report.toMarkdown());
    if (failOn && report.hasFindings(failOn)) {
      output.err(`cdk-eks-pod-identity: unacknowledged findings of severity ${failOn.name} or worse (--fail-on ${failOn.name}); acknowledge one with its reason in code (PodIdentityReport.acknowledge) or with --acknowledgements\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    output.err(`cdk-eks-pod-identity: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
}
