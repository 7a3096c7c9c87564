// Reads a fleet spec file (JSON, or YAML through cdk8s' bundled parser) into workload options, with an error that
// names the file, the entry and the field for anything that is not what the workload takes.
import * as fs from 'fs';
import * as path from 'path';
import { TextDecoder } from 'util';
import { problem, problemIdOf, quote } from './private/errors';
import { toKubernetesName } from './private/input';
import { PodIdentityBoundWorkloadOptions } from './workload';

/** One entry of a spec file: the workload's construct id and its options. */
export interface FleetSpecEntry {
  readonly id: string;
  readonly options: PodIdentityBoundWorkloadOptions;
  /** `file, entry N (id "x")`, for messages. */
  readonly where: string;
}

type FieldType = 'string' | 'boolean' | 'port' | 'count' | 'string list' | 'string map';

/** The fields an entry may have (the scalar workload options), with their types. */
const FIELDS: { [name: string]: FieldType } = {
  id: 'string',
  namespace: 'string',
  image: 'string',
  serviceAccountName: 'string',
  deploymentName: 'string',
  createNamespace: 'boolean',
  replicas: 'count',
  command: 'string list',
  args: 'string list',
  env: 'string map',
  port: 'port',
  migratingFromIrsa: 'boolean',
};
const REQUIRED = ['id', 'namespace', 'image'];

const FIX = 'see docs/workloads.md (WorkloadFleet spec files) for the fields and their types';

/** The keys a spec file's top-level object may have. */
const TOP_LEVEL_KEYS = ['workloads'];

/** Kubernetes' largest replica count (an int32). */
const MAX_COUNT = 2147483647;

/** Reads and validates a spec file: a list of entries, or an object whose `workloads` is that list. */
export function readFleetSpec(file: string): FleetSpecEntry[] {
  const text = readText(file);
  const document = /\.ya?ml$/i.test(file) ? parseYaml(file, text) : parseJson(file, text);
  const entries = Array.isArray(document) ? document : isObject(document) ? document.workloads : undefined;
  if (isObject(document) && Array.isArray(entries)) {
    for (const key of Object.keys(document).filter(k => !TOP_LEVEL_KEYS.includes(k))) {
      throw problem('InvalidFleetSpec', `fleet spec file ${quote(file)}: top-level key ${quote(key)} is not one a spec file can set (only "workloads")`,
        'write the fleet\'s own options (stackCount...) in code; the file holds only `workloads:` and its list');
    }
  }
  if (!Array.isArray(entries)) {
    const found = !isObject(document) ? `it holds ${show(document)}`
      : 'workloads' in document ? `"workloads" is ${show(entries)}` : `its keys are ${Object.keys(document).map(k => quote(k)).join(', ')}`;
    throw problem('InvalidFleetSpec', `fleet spec file ${quote(file)} holds neither a list of workloads nor an object with a "workloads" list: ${found}`, 'write `workloads:` followed by a list of entries, each with at least id, namespace and image');
  }
  const seen = new Map<string, number>();
  return entries.map((entry: any, index: number) => {
    const where = `${file}, entry ${index + 1}${isObject(entry) && typeof entry.id === 'string' ? ` (id ${quote(entry.id)})` : ''}`;
    if (!isObject(entry)) {
      throw problem('InvalidFleetSpec', `${where} is ${show(entry)}, not an object`, 'write each entry as an object with at least id, namespace and image');
    }
    for (const field of REQUIRED) {
      if (entry[field] === undefined || entry[field] === null) throw problem('InvalidFleetSpec', `${where}: field "${field}" is missing`, `add ${field} (required: ${REQUIRED.join(', ')})`);
    }
    for (const [field, value] of Object.entries(entry)) {
      // (Own keys only: "constructor" or "__proto__" must not find Object.prototype's members.)
      const type = Object.prototype.hasOwnProperty.call(FIELDS, field) ? FIELDS[field] : undefined;
      if (!type) {
        throw problem('InvalidFleetSpec', `${where}: field ${quote(field)} is not a workload option a spec file can set`, `use only ${Object.keys(FIELDS).join(', ')}; set other options in code with fleet.addWorkload()`);
      }
      if (!hasType(value, type)) {
        throw problem('InvalidFleetSpec', `${where}: field "${field}" is ${show(value)}, expected ${describe(type)}`, FIX);
      }
    }
    const id: string = entry.id;
    if (id.trim() === '') {
      throw problem('InvalidFleetSpec', `${where}: field "id" is empty`, 'give the entry an id: it is the workload\'s construct id and default service account name (e.g. "carts")');
    }
    // Ids that differ only in case (or in characters a Kubernetes name cannot hold) give the same default service
    // account and Deployment name: one fleet, two workloads claiming one name.
    const key = toKubernetesName(id) || id;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const earlierId: string = entries[earlier].id;
      throw problem('InvalidFleetSpec', earlierId === id
        ? `${where}: id ${quote(id)} is used again (first at entry ${earlier + 1})`
        : `${where}: id ${quote(id)} gives the same Kubernetes name ${quote(key)} as id ${quote(earlierId)} of entry ${earlier + 1} (ids differing only in case or punctuation name one service account and Deployment)`,
      'give every workload of the fleet its own id');
    }
    seen.set(key, index);
    const { id: _, ...options } = entry;
    return { id, options: options as PodIdentityBoundWorkloadOptions, where };
  });
}

/** The file's text: it must be a readable file of UTF-8 text with something in it. */
function readText(file: string): string {
  if (!fs.existsSync(file)) {
    throw problem('InvalidFleetSpec', `fleet spec file ${quote(file)} does not exist`, 'pass the path of a .json, .yaml or .yml file (relative paths are relative to the working directory of `cdk synth`)');
  }
  let bytes: Buffer;
  try {
    if (fs.statSync(file).isDirectory()) {
      throw problem('InvalidFleetSpec', `fleet spec file ${quote(file)} is a directory, not a file`, 'pass the path of the spec file itself, e.g. \'fleet/workloads.yaml\'');
    }
    bytes = fs.readFileSync(file);
  } catch (e) {
    if (problemIdOf(e) !== undefined) throw e;
    throw problem('InvalidFleetSpec', `fleet spec file ${quote(file)} cannot be read: ${(e as Error).message}`, 'check the path and the file\'s permissions');
  }
  let text: string;
  try {
    // (A UTF-8 byte order mark is dropped.)
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw problem('InvalidFleetSpec', `fleet spec file ${quote(file)} is not UTF-8 text${bytes[0] === 0xff || bytes[0] === 0xfe ? ' (it starts like UTF-16, which some Windows tools write)' : ''}`,
      'save it as UTF-8');
  }
  return text;
}

function parseJson(file: string, text: string): unknown {
  if (text.trim() === '') throw emptyFile(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw problem('InvalidFleetSpec', `fleet spec file ${quote(file)} cannot be parsed as JSON: ${(e as Error).message}`, 'fix the syntax (JSON for .json, YAML for .yaml/.yml)');
  }
}

/**
 * One YAML document, parsed with the YAML library cdk8s bundles (cdk8s' own `Yaml.load` drops syntax errors and
 * duplicate keys silently) and its limit on aliases (no "billion laughs").
 */
function parseYaml(file: string, text: string): unknown {
  const cannotParse = (why: string) => problem('InvalidFleetSpec', `fleet spec file ${quote(file)} cannot be parsed as YAML: ${why}`, 'fix the syntax (JSON for .json, YAML for .yaml/.yml)');
  const documents: unknown[] = [];
  for (const document of yamlLibrary().parseAllDocuments(text, { version: '1.1' })) {
    const error = document.errors[0];
    if (error) throw cannotParse(String(error.message).split('\n')[0]);
    let value: unknown;
    try {
      value = document.toJSON();
    } catch (e) {
      throw cannotParse((e as Error).message);
    }
    if (value !== null && value !== undefined) documents.push(value);
  }
  if (documents.length === 0) throw emptyFile(file);
  if (documents.length > 1) {
    throw problem('InvalidFleetSpec', `fleet spec file ${quote(file)} holds ${documents.length} YAML documents (separated by ---), but a spec file is one document: a list of workloads, or an object with a "workloads" list`,
      'put every entry in one list (remove the --- lines between them), or use one spec file per document');
  }
  return documents[0];
}

function emptyFile(file: string): Error {
  return problem('InvalidFleetSpec', `fleet spec file ${quote(file)} is empty`, 'write `workloads:` followed by a list of entries, each with at least id, namespace and image (`workloads: []` for none yet)');
}

/** The `yaml` package bundled with cdk8s (a bundled dependency: always inside cdk8s' own node_modules). */
interface YamlDocument {
  readonly errors: Array<{ message: string }>;
  toJSON(): unknown;
}

function yamlLibrary(): { parseAllDocuments: (text: string, options: object) => YamlDocument[] } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s'))] }));
  } catch (e) {
    throw problem('InvalidFleetSpec', `YAML spec files cannot be read: the yaml package that cdk8s bundles was not found (${(e as Error).message})`,
      'reinstall cdk8s (npm ci), or write the spec file as JSON');
  }
}

function isObject(value: unknown): value is { [key: string]: any } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value for a message: JSON, except numbers JSON cannot show (`1e400` is Infinity, not `null`). */
function show(value: unknown): string {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : quote(value);
}

function hasType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'boolean': return typeof value === 'boolean';
    case 'count': return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_COUNT;
    case 'port': return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;
    case 'string list': return Array.isArray(value) && value.every(item => typeof item === 'string');
    case 'string map': return typeof value === 'object' && value !== null && !Array.isArray(value)
      && Object.values(value).every(item => typeof item === 'string');
  }
}

function describe(type: FieldType): string {
  switch (type) {
    case 'string': return 'a string';
    case 'boolean': return 'true or false';
    case 'count': return `a whole number from 0 to ${MAX_COUNT}`;
    case 'port': return 'a port number (1-65535)';
    case 'string list': return 'a list of strings';
    case 'string map': return 'a map of names to string values (quote numbers in YAML)';
  }
}
