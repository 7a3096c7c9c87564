// Scratch folders for tests that write files (GitOps output, cloud assemblies): never inside the repository,
// removed after the test file.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

/** A fresh, empty folder under the OS temp dir, removed after the test file. */
export function tempDir(prefix = 'cdk-eks-pod-identity-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Relative path (forward slashes) of every file under `directory`, sorted. */
export function filesUnder(directory: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      else found.push(`${prefix}${entry.name}`);
    }
  };
  walk(directory, '');
  return found.sort();
}
