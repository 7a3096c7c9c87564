// CredentialEnvOverridesPodIdentity: the whole message, each variable, and the variables it must not report.
import * as kplus from 'cdk8s-plus-28';
import { messagesOf, withId, workload } from './helpers';
import { cartsWorkload, expectAnnotation, warningsOf } from '../helpers/stack-messages';

describe('CredentialEnvOverridesPodIdentity', () => {
  test('every overriding variable is named, in the SDKs\' order', () => {
    const { app } = workload({ env: { AWS_ROLE_ARN: 'x', AWS_REGION: 'us-east-1', AWS_PROFILE: 'dev' } });
    const warnings = withId(messagesOf(app), 'CredentialEnvOverridesPodIdentity');
    expect(warnings.map(w => [w.level, w.path])).toEqual([['warning', '/Stack/Carts']]);
    expect(warnings[0].text).toContain('[cdk-eks-pod-identity:CredentialEnvOverridesPodIdentity] the Deployment sets AWS_PROFILE, AWS_ROLE_ARN, which the AWS SDKs read before Pod Identity\'s container credentials, so the pods would not use the role Stack/Carts/Role. '
      + 'Fix: remove AWS_PROFILE, AWS_ROLE_ARN from the container environment');
  });

  test.each(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN'])('%s alone', name => {
    const { app } = workload({ env: { [name]: 'x' } });
    expect(withId(messagesOf(app), 'CredentialEnvOverridesPodIdentity').map(m => m.text.match(/the Deployment sets (\S+), which/)?.[1])).toEqual([name]);
  });

  test('other AWS variables are fine', () => {
    const { app } = workload({ env: { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' } });
    expect(messagesOf(app)).toEqual([]);
  });

  test.each(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN'])('env sets %s: one warning naming it', (name) => {
    const { app, stack } = cartsWorkload({ env: { [name]: 'x' } });
    app.synth();
    expectAnnotation(warningsOf(stack), 'CredentialEnvOverridesPodIdentity', name);
  });

  test('also when added to the container after construction', () => {
    const { app, stack, workload: w } = cartsWorkload();
    w.deployment.containers[0].env.addVariable('AWS_PROFILE', kplus.EnvValue.fromValue('dev'));
    app.synth();
    expectAnnotation(warningsOf(stack), 'CredentialEnvOverridesPodIdentity', 'AWS_PROFILE');
  });
});
