import { CheckContext } from './check';
import { annotateWarning } from '../private/errors';

// Earlier entries of the SDKs' default credential chain than container credentials: when set they win.
const CREDENTIAL_ENV_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN'];

/** `CredentialEnvOverridesPodIdentity`: container env that the SDKs read before Pod Identity's credentials. */
export function checkCredentialEnvOverridesPodIdentity({ registry, facts }: CheckContext) {
  for (const workload of registry.workloads) {
    const deployment = facts.deploymentOf(workload);
    const names: string[] = deployment.spec.template.spec.containers
      .flatMap((container: any) => (container.env ?? []).map((variable: any) => variable.name));
    const overriding = CREDENTIAL_ENV_VARS.filter(name => names.includes(name));
    if (overriding.length > 0) {
      annotateWarning(workload, 'CredentialEnvOverridesPodIdentity',
        `the Deployment sets ${overriding.join(', ')}, which the AWS SDKs read before Pod Identity's container credentials, so the pods would not use the role ${workload.association.role.node.path}`,
        `remove ${overriding.join(', ')} from the container environment`);
    }
  }
}
