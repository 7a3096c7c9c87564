// The release configuration: projen's release workflow, package.json and the jsii targets must agree, and the README
// shipped in the tarball (npm, Construct Hub) must link only to files in the tarball or to absolute URLs.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';

const ROOT = path.join(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const packageJson = JSON.parse(read('package.json'));
const targets = packageJson.jsii.targets;
const workflow = Yaml.load(path.join(ROOT, '.github/workflows/release.yml'))[0];
// YAML 1.1 (cdk8s' parser) reads the key `on` as the boolean true.
const triggers = workflow.on ?? workflow.true;
const readme = read('README.md');

/** `https://github.com/<owner>/<repo>` of a git URL or a web URL, without `.git`, `#readme` or a trailing path. */
function repoOf(url: string): string {
  const match = /github\.com[/:]([^/]+)\/([^/#.]+)/.exec(url);
  if (!match) throw new Error(`not a GitHub URL: ${url}`);
  return `${match[1]}/${match[2]}`;
}

describe('release workflow', () => {
  test('releases from the default branch on every push, bumping the version from conventional commits', () => {
    expect(triggers.push.branches).toEqual(['main']);
    const steps = workflow.jobs.release.steps.map((step: any) => step.run).filter(Boolean);
    expect(steps).toContain('npx projen release');
    const tasks = JSON.parse(read('.projen/tasks.json')).tasks;
    // The bump task derives the version from the commits since the last tag; the release build runs the tests.
    expect(tasks.bump.steps.map((step: any) => step.builtin)).toEqual(expect.arrayContaining(['release/suggest-version-bump', 'release/apply-version-bump']));
    expect(tasks.release.steps.map((step: any) => step.spawn)).toEqual(expect.arrayContaining(['bump', 'build', 'unbump']));
  });

  test.each([
    ['npm', 'release_npm', 'publib-npm', () => packageJson.name],
    ['PyPI', 'release_pypi', 'publib-pypi', () => targets.python.distName],
    ['Maven Central', 'release_maven', 'publib-maven', () => targets.java.maven.artifactId],
    ['NuGet', 'release_nuget', 'publib-nuget', () => targets.dotnet.packageId],
    ['Go', 'release_golang', 'publib-golang', () => targets.go.moduleName],
  ])('publishes to %s (job %s) what package.json declares', (_registry, job, publisher, declared) => {
    expect(declared()).toBeTruthy();
    const publishSteps = workflow.jobs[job].steps.filter((step: any) => typeof step.run === 'string' && step.run.includes(publisher));
    expect(publishSteps).toHaveLength(1);
    // Every publish job waits for the release job and publishes only a version not tagged before.
    expect(workflow.jobs[job].needs).toContain('release');
    expect(workflow.jobs[job].if).toContain('needs.release.outputs.tag_exists != \'true\'');
  });

  test('the release build can run the judges (cfn-lint) on the Node version CI tests', () => {
    const steps = workflow.jobs.release.steps;
    expect(steps.some((step: any) => /pip install cfn-lint==\d/.test(step.run ?? ''))).toBe(true);
    expect(steps.find((step: any) => step.uses?.startsWith('actions/setup-node')).with['node-version']).toBe('20');
  });

  test('every language publishes from one repository: package.json repository, homepage, bugs and the Go module', () => {
    const repo = repoOf(packageJson.repository.url);
    expect(repoOf(packageJson.homepage)).toBe(repo);
    expect(repoOf(packageJson.bugs.url)).toBe(repo);
    // The Go module lives in a repository of the same owner (jsii publishes Go code to its own repository).
    expect(repoOf(targets.go.moduleName).split('/')[0]).toBe(repo.split('/')[0]);
    expect(targets.python.module).toBe(targets.python.distName.replace(/-/g, '_'));
  });

  test('package.json keeps version 0.0.0 in git (the release sets it) and the licence the LICENSE file holds', () => {
    expect(packageJson.version).toBe('0.0.0');
    expect(packageJson.license).toBe('Apache-2.0');
    expect(read('LICENSE')).toContain('Apache License');
    expect(packageJson.publishConfig).toEqual({ access: 'public' });
  });
});

describe('README', () => {
  test('Install gives the command of every language, with the names package.json publishes', () => {
    const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('## Quick start'));
    expect(install).toContain(`npm install ${packageJson.name} `);
    expect(install).toContain(`pip install ${targets.python.distName}`);
    expect(install).toContain(`import \`${targets.python.module}\``);
    expect(install).toContain(`<groupId>${targets.java.maven.groupId}</groupId><artifactId>${targets.java.maven.artifactId}</artifactId>`);
    expect(install).toContain(`package \`${targets.java.package}\``);
    expect(install).toContain(`dotnet add package ${targets.dotnet.packageId}`);
    expect(install).toContain(`go get ${targets.go.moduleName}/${targets.go.packageName}`);
    for (const peer of Object.keys(packageJson.peerDependencies)) expect(install).toContain(peer);
  });

  test('links only to files in the npm tarball or to absolute URLs (npm and Construct Hub show it alone)', () => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files = new Set<string>(packed[0].files.map((file: { path: string }) => file.path));
    expect(files).toContain('README.md');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map(match => match[1]);
    expect(links.length).toBeGreaterThan(0);
    const broken = links
      .filter(link => !/^(https?:|mailto:|#)/.test(link))
      .filter(link => !files.has(link.split('#')[0].replace(/^\.\//, '')));
    expect(broken).toEqual([]);
  });
});
