// The error-id tables (docs/errors.md, docs/report.md) are complete: every id the library can raise (a throw, an annotation, a report CLI
// error) has a row `| \`Id\` | ...`, and every row names an id the library still raises.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

/** Ids passed as a literal to the reporting functions, or written into a message as `[cdk-eks-pod-identity:Id]`. */
function idsRaisedByTheLibrary(): Map<string, string> {
  const ids = new Map<string, string>();
  const patterns = [
    /\b(?:problem|formatProblem)\(\s*'([A-Z][A-Za-z]+)'/g,
    /\b(?:annotateError|annotateWarning)\(\s*[^,()]+(?:\([^()]*\))?,\s*'([A-Z][A-Za-z]+)'/g,
    /\[cdk-eks-pod-identity:([A-Z][A-Za-z]+)\]/g,
  ];
  for (const file of sourceFiles(path.join(ROOT, 'lib'))) {
    if (file.endsWith(path.join('private', 'errors.ts'))) continue; // the format itself (`[cdk-eks-pod-identity:Id]`)
    const source = fs.readFileSync(file, 'utf8');
    for (const pattern of patterns) {
      for (const match of source.matchAll(pattern)) if (match[1] !== 'Id') ids.set(match[1], path.relative(ROOT, file));
    }
  }
  return ids;
}

function idsInReadmeTables(): Set<string> {
  // The error-id tables: docs/errors.md (constructs, checks, report CLI), docs/report.md (report findings) and
  // docs/presets.md (preset inputs).
  const tables = ['docs/errors.md', 'docs/report.md', 'docs/presets.md'].map(file => fs.readFileSync(path.join(ROOT, file), 'utf8')).join('\n');
  const ids = new Set<string>();
  for (const line of tables.split('\n')) {
    // Rows of the error tables: the id, then its kind (throw, error, warning, exit code...).
    const match = /^\| `([A-Z][A-Za-z]+)`(?: \/ `([A-Z][A-Za-z]+)`)? \| (?:throw|error|warning|report)/.exec(line);
    if (match) [match[1], match[2]].filter(Boolean).forEach(id => ids.add(id));
  }
  return ids;
}

test('the scan finds the ids raised in each way (so an empty result cannot pass)', () => {
  const raised = idsRaisedByTheLibrary();
  expect(raised.get('InvalidNamespace')).toBeDefined(); // problem('InvalidNamespace', ...)
  expect(raised.get('NamespaceNotCreated')).toBeDefined(); // annotateWarning(association, 'NamespaceNotCreated', ...)
  expect(raised.get('AwsCdkInternalChanged')).toBeDefined(); // written into a message
});

test('every id the library raises has a row', () => {
  const documented = idsInReadmeTables();
  const missing = [...idsRaisedByTheLibrary()].filter(([id]) => !documented.has(id)).map(([id, file]) => `${id} (${file})`);
  expect(missing).toEqual([]);
});

test('every row names an id the library raises', () => {
  const raised = idsRaisedByTheLibrary();
  const sources = sourceFiles(path.join(ROOT, 'lib')).map(file => fs.readFileSync(file, 'utf8')).join('\n');
  // Ids held in a variable (e.g. TooManyTags / InvalidTag chosen by the tag check) still appear as a quoted literal.
  const stale = [...idsInReadmeTables()].filter(id => !raised.has(id) && !sources.includes(`'${id}'`));
  expect(stale).toEqual([]);
});
