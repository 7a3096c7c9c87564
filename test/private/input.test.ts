// The prop value checks of lib/private/input.ts at their limits: the largest accepted and the smallest rejected value
// of every limit, the parts of each message a user relies on (the value, its length, the suggested fix), and the name
// derivation. The construct tests show the constructs call these checks; here they are called directly, so that each
// case is cheap enough for mutation testing (`npx projen mutation`) to run it for every mutant.
import { Lazy, Token } from 'aws-cdk-lib';
import {
  checkAddonVersion, checkDeploymentName, checkEnvNames, checkImage, checkNamespace, checkNoDuplicateEnvNames, checkPort,
  checkReplicas, checkRoleName, checkServiceAccountName, checkTags, checkTrustPolicyLengthQuota, tagProblems,
  toKubernetesName,
} from '../../lib/private/input';

const UNRESOLVED_STRING = Lazy.string({ produce: () => 'Bad_Value!' });
const UNRESOLVED_NUMBER = Token.asNumber(Lazy.number({ produce: () => -1 }));

/** The message of the error `check` throws (failing the test when it throws none). */
function messageOf(check: () => void): string {
  try {
    check();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the check to throw');
}

function tagsOf(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`key${i}`, 'v']));
}

describe('namespace: a DNS-1123 label of at most 63 characters', () => {
  test.each(['a', '1', 'a1', '1a', 'a-b', 'my--app', 'a'.repeat(63)])('accepts %j', namespace => {
    expect(() => checkNamespace(namespace)).not.toThrow();
  });

  test.each(['', 'A', 'Carts', '-a', 'a-', 'a.b', 'a_b', 'a b', ' a', 'a ', 'é'])('rejects %j', namespace => {
    expect(messageOf(() => checkNamespace(namespace))).toContain(`[cdk-eks-pod-identity:InvalidNamespace] namespace ${JSON.stringify(namespace)} is not a valid Kubernetes namespace name`);
  });

  test('64 characters: rejected, with the length and a name cut to 63 characters', () => {
    const name = 'a'.repeat(64);
    expect(messageOf(() => checkNamespace(name))).toBe(
      `[cdk-eks-pod-identity:InvalidNamespace] namespace "${name}" is not a valid Kubernetes namespace name (a DNS-1123 label: `
      + '1-63 lower-case letters, digits or \'-\', starting and ending with a letter or digit; it has 64 characters). '
      + `Fix: use a name like "${'a'.repeat(63)}"`);
  });

  test('a short invalid name: no length in the message, a suggestion made of the name', () => {
    const message = messageOf(() => checkNamespace('My_Team'));
    expect(message).not.toContain('characters)');
    expect(message).toContain('starting and ending with a letter or digit). Fix: use a name like "my-team"');
  });

  test('an invalid name of 63 characters: no length in the message', () => {
    const message = messageOf(() => checkNamespace(`A${'a'.repeat(62)}`));
    expect(message).not.toContain('it has');
    expect(message).toContain(`starting and ending with a letter or digit). Fix: use a name like "${'a'.repeat(63)}"`);
  });

  test('nothing usable in the name: the suggestion falls back to "my-app"', () => {
    expect(messageOf(() => checkNamespace('__'))).toContain('Fix: use a name like "my-app"');
    expect(messageOf(() => checkNamespace(''))).toContain('Fix: use a name like "my-app"');
  });

  test('an unresolved token is not checked', () => {
    expect(() => checkNamespace(UNRESOLVED_STRING)).not.toThrow();
  });
});

describe('service account and Deployment names: DNS-1123 subdomains of at most 253 characters', () => {
  const checks: Array<[string, (name: string) => void, string, string]> = [
    ['service account', checkServiceAccountName, 'InvalidServiceAccountName', 'service account name'],
    ['Deployment', checkDeploymentName, 'InvalidDeploymentName', 'Deployment name'],
  ];

  describe.each(checks)('%s name', (_kind, check, id, what) => {
    test.each(['a', '1', 'a-b', 'a.b', 'a1.b2.c-3', 'a'.repeat(253), `${'a'.repeat(63)}.${'b'.repeat(63)}`])('accepts %j', name => {
      expect(() => check(name)).not.toThrow();
    });

    test.each(['', 'A', '-a', 'a-', '.a', 'a.', 'a..b', 'a.-b', 'a-.b', 'a_b', 'a b', 'a/b'])('rejects %j', name => {
      expect(messageOf(() => check(name))).toContain(`[cdk-eks-pod-identity:${id}] ${what} ${JSON.stringify(name)} is not a valid Kubernetes name`);
    });

    test('254 characters: rejected, with the length and a name cut to 253 characters', () => {
      const name = 'a'.repeat(254);
      expect(messageOf(() => check(name))).toBe(
        `[cdk-eks-pod-identity:${id}] ${what} "${name}" is not a valid Kubernetes name (a DNS-1123 subdomain: `
        + '1-253 lower-case letters, digits, \'-\' or \'.\', starting and ending with a letter or digit; it has 254 characters). '
        + `Fix: use a name like "${'a'.repeat(253)}"`);
    });

    test('a short invalid name: no length in the message, a suggestion made of the name', () => {
      const message = messageOf(() => check('Cart_Service'));
      expect(message).not.toContain('characters)');
      expect(message).toContain('starting and ending with a letter or digit). Fix: use a name like "cart-service"');
      expect(messageOf(() => check('.'))).toContain('Fix: use a name like "my-app"');
    });

    test('an invalid name of 253 characters: no length in the message', () => {
      const message = messageOf(() => check(`A${'a'.repeat(252)}`));
      expect(message).not.toContain('it has');
      expect(message).toContain(`Fix: use a name like "${'a'.repeat(253)}"`);
    });

    test('an unresolved token is not checked', () => {
      expect(() => check(UNRESOLVED_STRING)).not.toThrow();
    });
  });
});

describe('IAM role name: 1-64 characters of letters, digits and +=,.@_-', () => {
  test.each(['r', 'a'.repeat(64), 'Az09+=,.@_-'])('accepts %j', name => {
    expect(() => checkRoleName(name)).not.toThrow();
  });

  test('no role name (CloudFormation generates one) and an unresolved token are not checked', () => {
    expect(() => checkRoleName(undefined)).not.toThrow();
    expect(() => checkRoleName(UNRESOLVED_STRING)).not.toThrow();
  });

  test('65 characters: rejected with the length', () => {
    const name = 'a'.repeat(65);
    expect(messageOf(() => checkRoleName(name))).toBe(
      `[cdk-eks-pod-identity:InvalidRoleName] roleName "${name}" is not a valid IAM role name (1-64 characters of letters, digits and +=,.@_-; it has 65). `
      + 'Fix: shorten it or remove the other characters, or omit roleName and let CloudFormation generate a unique name');
  });

  test.each([['', 0], ['carts role', 10], ['carts/role', 10], ['carts:role', 10], ['röle', 4]])('rejects %j (it has %d)', (name, length) => {
    expect(messageOf(() => checkRoleName(name as string))).toContain(`roleName ${JSON.stringify(name)} is not a valid IAM role name (1-64 characters of letters, digits and +=,.@_-; it has ${length})`);
  });
});

describe('association tags: at most 50, keys of 1-128 and values of 0-256 characters, no aws: prefix', () => {
  test('no tags, and exactly 50 tags, are accepted', () => {
    expect(() => checkTags(undefined)).not.toThrow();
    expect(() => checkTags({})).not.toThrow();
    expect(() => checkTags(tagsOf(50))).not.toThrow();
  });

  test('51 tags: rejected with the count and the limit', () => {
    expect(messageOf(() => checkTags(tagsOf(51)))).toBe(
      '[cdk-eks-pod-identity:TooManyTags] 51 tags were given for the association; EKS allows at most 50. '
      + 'Fix: drop tags, or move shared ones to the stack with Tags.of(stack) only if the stack has room');
  });

  test('a key of 128 characters and a value of 256 (or none) are accepted', () => {
    expect(() => checkTags({ ['k'.repeat(128)]: 'v'.repeat(256), empty: '', k: 'v' })).not.toThrow();
  });

  test('a key of 129 characters: rejected with its length', () => {
    const key = 'k'.repeat(129);
    expect(messageOf(() => checkTags({ [key]: 'v' }))).toBe(
      `[cdk-eks-pod-identity:InvalidTag] tag key "${key}" is invalid (1-128 characters, not starting with "aws:"; it has 129). Fix: shorten or rename the key`);
  });

  test('an empty key is rejected', () => {
    expect(messageOf(() => checkTags({ '': 'v' }))).toContain('tag key "" is invalid (1-128 characters, not starting with "aws:"; it has 0)');
  });

  test.each(['aws:team', 'AWS:team', 'Aws:'])('the reserved prefix in %j is rejected in any case', key => {
    expect(messageOf(() => checkTags({ team: 'a', [key]: 'v' }))).toContain(`[cdk-eks-pod-identity:InvalidTag] tag key ${JSON.stringify(key)} is invalid`);
  });

  test('"aws" elsewhere in the key is fine', () => {
    expect(() => checkTags({ 'team:aws:x': 'v', 'aws-team': 'v', 'aws': 'v' })).not.toThrow();
  });

  test('a value of 257 characters: rejected, naming the key, with the length and the limit', () => {
    expect(messageOf(() => checkTags({ ok: 'v', team: 'v'.repeat(257) }))).toBe(
      '[cdk-eks-pod-identity:InvalidTag] the value of tag "team" has 257 characters; EKS allows at most 256. Fix: shorten the value');
  });

  test('unresolved keys and values are not checked, and do not stop the check of the others', () => {
    expect(() => checkTags({ [UNRESOLVED_STRING]: UNRESOLVED_STRING, team: UNRESOLVED_STRING })).not.toThrow();
    expect(messageOf(() => checkTags({ [UNRESOLVED_STRING]: 'v', ['k'.repeat(129)]: 'v' }))).toContain('it has 129');
    expect(messageOf(() => checkTags({ team: UNRESOLVED_STRING, other: 'v'.repeat(257) }))).toContain('the value of tag "other" has 257 characters');
  });
});

describe('tag characters: letters, digits and spaces of any script, and + - = . _ : / @', () => {
  test('letters, spaces and digits of other scripts and every allowed sign are accepted', () => {
    expect(tagProblems({ 'Kostenstelle/Straße_1': 'Ünïcode ½ ٣\u00a0a+b-c=d.e_f:g/h@i', 'k': '' })).toEqual([]);
  });

  test('a value with other characters: the key named, the characters found and a replacement', () => {
    expect(tagProblems({ 'cost center': 'R&D 2 (EU)' }).map(e => e.message)).toEqual([
      '[cdk-eks-pod-identity:InvalidTag] tag value "R&D 2 (EU)" of tag "cost center" has characters AWS tags do not allow ("&()"); '
      + 'allowed are letters, digits, spaces and + - = . _ : / @. Fix: replace them, e.g. "R-D 2 -EU-"',
    ]);
  });

  test('a key with other characters: its own message, without "of tag"', () => {
    expect(tagProblems({ 'team#1 é': 'v' }).map(e => e.message)).toEqual([
      '[cdk-eks-pod-identity:InvalidTag] tag key "team#1 é" has characters AWS tags do not allow ("#"); '
      + 'allowed are letters, digits, spaces and + - = . _ : / @. Fix: replace them, e.g. "team-1 é"',
    ]);
  });

  test('every problem of every tag is reported, in order', () => {
    expect(tagProblems({ 'aws:x!': 'a!', 'ok': 'v'.repeat(257) }).map(e => e.message.replace(/\. Fix: .*/, ''))).toEqual([
      '[cdk-eks-pod-identity:InvalidTag] tag key "aws:x!" has characters AWS tags do not allow ("!"); allowed are letters, digits, spaces and + - = . _ : / @',
      '[cdk-eks-pod-identity:InvalidTag] tag value "a!" of tag "aws:x!" has characters AWS tags do not allow ("!"); allowed are letters, digits, spaces and + - = . _ : / @',
      '[cdk-eks-pod-identity:InvalidTag] tag key "aws:x!" is invalid (1-128 characters, not starting with "aws:"; it has 6)',
      '[cdk-eks-pod-identity:InvalidTag] the value of tag "ok" has 257 characters; EKS allows at most 256',
    ]);
  });

  test('checkTags throws the first of them', () => {
    expect(messageOf(() => checkTags({ a: 'ok', b: 'x*y' }))).toContain('tag value "x*y" of tag "b" has characters AWS tags do not allow ("*")');
  });
});

describe('trust policy length quota: a whole number from 2048 to 8192', () => {
  test.each([2048, 2049, 4096, 8191, 8192, undefined, UNRESOLVED_NUMBER])('accepts %p', quota => {
    expect(() => checkTrustPolicyLengthQuota(quota)).not.toThrow();
  });

  test.each([2047, 8193, 0, -1, 2048.5, NaN])('rejects %p, with the range and where to raise the quota', quota => {
    expect(messageOf(() => checkTrustPolicyLengthQuota(quota))).toBe(
      `[cdk-eks-pod-identity:InvalidTrustPolicyLengthQuota] trustPolicyLengthQuota ${JSON.stringify(quota)} is not a quota IAM grants `
      + '(a whole number from 2048, the default, to 8192). '
      + 'Fix: set the account\'s "Role trust policy length" quota from Service Quotas, at most 8192');
  });
});

describe('EKS add-on version: vX.Y.Z-eksbuild.N', () => {
  test.each(['v1.2.3-eksbuild.1', 'v12.34.567-eksbuild.89', 'v0.0.0-eksbuild.0', undefined, UNRESOLVED_STRING])('accepts %j', version => {
    expect(() => checkAddonVersion('InvalidAddonVersion', 'coredns', version, 'v1.11.1-eksbuild.9')).not.toThrow();
  });

  test.each([
    '1.2.3-eksbuild.1', 'xv1.2.3-eksbuild.1', 'v1.2.3-eksbuild.1x', 'v1.2.3-eksbuild.', 'v1.2-eksbuild.1', 'v1.2.3',
    'v1.2.3-eksbuild.1\n', 'va.2.3-eksbuild.1', 'v1x2.3-eksbuild.1', 'V1.2.3-eksbuild.1', '',
  ])('rejects %j, naming the add-on and an example', version => {
    expect(messageOf(() => checkAddonVersion('InvalidAgentAddonVersion', 'eks-pod-identity-agent', version, 'v1.3.4-eksbuild.1'))).toBe(
      `[cdk-eks-pod-identity:InvalidAgentAddonVersion] addonVersion ${JSON.stringify(version)} is not an EKS add-on version of the form vX.Y.Z-eksbuild.N. `
      + 'Fix: use a version listed by `aws eks describe-addon-versions --addon-name eks-pod-identity-agent`, e.g. "v1.3.4-eksbuild.1", or omit it for the default');
  });
});

describe('replicas: a non-negative integer', () => {
  test.each([0, 1, 2, 100])('accepts %d', replicas => {
    expect(() => checkReplicas(replicas)).not.toThrow();
  });

  test('undefined (the default) and an unresolved token are not checked', () => {
    expect(() => checkReplicas(undefined)).not.toThrow();
    expect(() => checkReplicas(UNRESOLVED_NUMBER)).not.toThrow();
  });

  test.each([-1, 0.5, 1.5, NaN, Infinity])('rejects %d', replicas => {
    expect(messageOf(() => checkReplicas(replicas))).toBe(
      `[cdk-eks-pod-identity:InvalidReplicas] replicas ${JSON.stringify(replicas)} is not a non-negative integer. `
      + 'Fix: use a whole number such as 1 or 2 (0 scales the Deployment down)');
  });
});

describe('container port: an integer from 1 to 65535', () => {
  test.each([1, 80, 65535])('accepts %d', port => {
    expect(() => checkPort(port)).not.toThrow();
  });

  test('undefined (no port) and an unresolved token are not checked', () => {
    expect(() => checkPort(undefined)).not.toThrow();
    expect(() => checkPort(UNRESOLVED_NUMBER)).not.toThrow();
  });

  test.each([0, -1, 65536, 80.5])('rejects %d', port => {
    expect(messageOf(() => checkPort(port))).toBe(
      `[cdk-eks-pod-identity:InvalidPort] port ${port} is outside 1..65535. Fix: use the port the container listens on, an integer from 1 to 65535`);
  });
});

describe('container image: named', () => {
  test('a name and an unresolved token are accepted', () => {
    expect(() => checkImage('cart:1')).not.toThrow();
    expect(() => checkImage(UNRESOLVED_STRING)).not.toThrow();
  });

  test.each(['', '  ', '\t'])('rejects %j', image => {
    expect(messageOf(() => checkImage(image))).toBe(
      `[cdk-eks-pod-identity:EmptyImage] image ${JSON.stringify(image)} is empty. `
      + 'Fix: set image to a container image reference such as "public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0"');
  });

  test('a missing image (from a language without required-prop checks) is rejected too', () => {
    expect(messageOf(() => checkImage(undefined as unknown as string))).toContain('[cdk-eks-pod-identity:EmptyImage] image undefined is empty');
  });
});

describe('environment variable names: what the Kubernetes API server accepts', () => {
  test('letters, digits, _, - and ., not starting with a digit, are accepted', () => {
    expect(() => checkEnvNames(['A', 'a', '_', '-a', '.a', 'TABLE_NAME', 'my-var.x_1', 'Z9'])).not.toThrow();
  });

  test.each([
    ['1BAD', '_1BAD'],
    ['MY VAR', 'MY_VAR'],
    ['A$B', 'A_B'],
    ['9 LIVES!', '_9_LIVES_'],
    ['MY VAR2', 'MY_VAR2'],
    ['', 'NAME'],
  ])('rejects %j and suggests %j', (name, suggestion) => {
    expect(messageOf(() => checkEnvNames(['GOOD', name]))).toBe(
      `[cdk-eks-pod-identity:InvalidEnvName] environment variable name ${JSON.stringify(name)} is invalid `
      + `(letters, digits, '_', '-' or '.', not starting with a digit). Fix: rename it, e.g. "${suggestion}"`);
  });

  test('an unresolved name is skipped and the next ones are still checked', () => {
    expect(() => checkEnvNames([UNRESOLVED_STRING])).not.toThrow();
    expect(messageOf(() => checkEnvNames([UNRESOLVED_STRING, '1BAD']))).toContain('"1BAD"');
  });
});

describe('an env var set both in env and in containerOptions.envVariables', () => {
  test('distinct names are fine', () => {
    expect(() => checkNoDuplicateEnvNames(['A', 'B'], ['C'])).not.toThrow();
    expect(() => checkNoDuplicateEnvNames([], [])).not.toThrow();
  });

  test('one name set twice is named', () => {
    expect(messageOf(() => checkNoDuplicateEnvNames(['A', 'TABLE'], ['TABLE', 'B']))).toBe(
      '[cdk-eks-pod-identity:DuplicateEnvName] environment variable "TABLE" set both in env and in containerOptions.envVariables. '
      + 'Fix: set each variable in one place only');
  });

  test('every name set twice is listed', () => {
    expect(messageOf(() => checkNoDuplicateEnvNames(['A', 'B', 'C'], ['C', 'A']))).toContain(
      'environment variables "A", "C" set both in env and in containerOptions.envVariables');
  });
});

describe('toKubernetesName: the nearest DNS-1123 label', () => {
  test.each([
    ['MyService_v2', 'myservice-v2'],
    ['carts', 'carts'],
    ['Cart Service', 'cart-service'],
    ['a__b..c', 'a-b-c'],
    ['--Carts--', 'carts'],
    ['_carts_', 'carts'],
    ['a-b', 'a-b'],
    ['a--b', 'a--b'],
    ['__', ''],
    ['', ''],
  ])('%j -> %j', (name, expected) => {
    expect(toKubernetesName(name)).toBe(expected);
  });

  test('cut to 63 characters by default, then trailing dashes trimmed', () => {
    expect(toKubernetesName('a'.repeat(70))).toBe('a'.repeat(63));
    expect(toKubernetesName(`${'a'.repeat(62)}_b`)).toBe('a'.repeat(62));
    expect(toKubernetesName(`--${'a'.repeat(63)}`)).toBe('a'.repeat(63));
  });

  test('cut to the given length', () => {
    expect(toKubernetesName('abcdefgh', 5)).toBe('abcde');
    expect(toKubernetesName('abcd-efgh', 5)).toBe('abcd');
  });

  test('every result is a valid namespace or empty', () => {
    for (const name of ['MyService_v2', 'Ω-x', '1.2.3', 'A'.repeat(100), '-_-']) {
      const derived = toKubernetesName(name);
      if (derived !== '') expect(() => checkNamespace(derived)).not.toThrow();
    }
  });
});
