// Writing and deleting the files of a GitOps directory, only inside it: never through a symbolic link, never a file
// that is not a file inside the directory any more; unchanged files are left alone.
import * as fs from 'fs';
import * as path from 'path';
import { problem, problemIdOf, quote } from './errors';

/** Whether a listed file is still a file inside the directory (not reached through a link out of it). */
export function isFileInside(directory: string, file: string): boolean {
  const full = path.join(directory, ...file.split('/'));
  try {
    return fs.lstatSync(full).isFile() && isInside(fs.realpathSync(directory), fs.realpathSync(path.dirname(full)));
  } catch {
    return false;
  }
}

function isInside(realDirectory: string, realPath: string): boolean {
  return realPath === realDirectory || realPath.startsWith(realDirectory + path.sep);
}

/**
 * Writes `file` (relative, forward slashes) inside `directory`, creating its folders, unless its content is already
 * that. Refuses to write through a symbolic link: a file that is a link, or a folder that leads out of the directory.
 */
export function writeInside(directory: string, file: string, content: string): boolean {
  const segments = file.split('/');
  const full = path.join(directory, ...segments);
  const refuse = (link: string, what: string) => problem('InvalidGitOpsDirectory',
    `GitOps delivery does not write ${quote(file)} in directory ${quote(directory)}: ${quote(link)} ${what}, and writing through it would change a file the library does not own`,
    'replace the link with a real folder or file inside the directory (or delete it): the library writes only inside its directory, never through links');
  try {
    const realDirectory = fs.realpathSync(directory);
    let folder = directory;
    for (const segment of segments.slice(0, -1)) {
      folder = path.join(folder, segment);
      if (!fs.existsSync(folder)) {
        if (fs.lstatSync(folder, { throwIfNoEntry: false })?.isSymbolicLink()) throw refuse(folder, 'is a symbolic link to nothing');
        fs.mkdirSync(folder);
      } else if (!isInside(realDirectory, fs.realpathSync(folder))) {
        throw refuse(folder, `is a symbolic link to ${quote(fs.realpathSync(folder))}, outside the directory`);
      }
    }
    const stat = fs.lstatSync(full, { throwIfNoEntry: false });
    if (stat?.isSymbolicLink()) throw refuse(full, 'is a symbolic link');
    // Unchanged files are left alone, so their timestamps do not make build tools think something changed.
    if (stat?.isFile() && fs.readFileSync(full, 'utf8') === content) return false;
    fs.writeFileSync(full, content);
    return true;
  } catch (e) {
    if (problemIdOf(e) !== undefined) throw e;
    throw problem('InvalidGitOpsDirectory', `GitOps delivery cannot write ${quote(file)} in directory ${quote(directory)}: ${(e as Error).message}`,
      'make the directory writable, and remove whatever folder or file stands where the library writes this file');
  }
}

/**
 * Deletes a listed file if it is still a file inside the directory (not through a link out of it), then empty
 * folders; whether it deleted it.
 */
export function deleteListed(directory: string, file: string): boolean {
  const full = path.join(directory, ...file.split('/'));
  const parent = path.dirname(full);
  if (!fs.existsSync(parent)) return false;
  const realDirectory = fs.realpathSync(directory);
  const realParent = fs.realpathSync(parent);
  if (realParent !== realDirectory && !realParent.startsWith(realDirectory + path.sep)) return false;
  const stat = fs.lstatSync(full, { throwIfNoEntry: false });
  if (!stat?.isFile()) return false;
  fs.unlinkSync(full);
  // Folders the deletion leaves empty go too (Git keeps no empty folders anyway), up to the directory itself.
  for (let folder = parent; folder !== directory && folder.startsWith(directory + path.sep); folder = path.dirname(folder)) {
    if (fs.lstatSync(folder).isSymbolicLink() || fs.readdirSync(folder).length > 0) break;
    fs.rmdirSync(folder);
  }
  return true;
}
