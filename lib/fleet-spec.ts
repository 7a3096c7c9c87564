// Reads a fleet spec file (JSON, or YAML through cdk8s' bundled parser) into workload options, with an error that
// names the file, the entry and the field for anything that is not what the workload takes.
import * as fs from 'fs';
import { Yaml } from 'cdk8s';
import { problem, quote } from './private/errors';
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

const FIX = 'see the README (WorkloadFleet spec files) for the fields and their types';

/** Reads and validates a spec file: a list of entries, or an object whose `workloads` is that list. */
export function readFleetSpec(file: string): FleetSpecEntry[] {
  if (!fs.existsSync(file)) {
    throw problem('InvalidFleetSpec', `fleet spec file ${quote(file)} does not exist`, 'pass the path of a .json, .yaml or .yml file (relative paths are relative to the working directory of `cdk synth`)');
  }
  let document: unknown;
  try {
    if (/\.ya?ml$/i.test(file)) {
      const documents = Yaml.load(file);
      document = documents.length === 1 ? documents[0] : documents;
    } else {
      document = JSON.parse(fs.readFileSync(file, 'utf-8'));
    }
  } catch (e) {
    throw problem('InvalidFleetSpec', `fleet spec file ${quote(file)} cannot be parsed: ${(e as Error).message}`, 'fix the syntax (JSON for .json, YAML for .yaml/.yml)');
  }
  const entries = Array.isArray(document) ? document : (document as any)?.workloads;
  if (!Array.isArray(entries)) {
    throw problem('InvalidFleetSpec', `fleet spec file ${quote(file)} holds neither a list of workloads nor an object with a "workloads" list`, 'write `workloads:` followed by a list of entries, each with at least id, namespace and image');
  }
  const seen = new Map<string, number>();
  return entries.map((entry, index) => {
    const where = `${file}, entry ${index + 1}${typeof entry?.id === 'string' ? ` (id ${quote(entry.id)})` : ''}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw problem('InvalidFleetSpec', `${where} is ${quote(entry)}, not an object`, 'write each entry as an object with at least id, namespace and image');
    }
    for (const field of REQUIRED) {
      if (entry[field] === undefined) throw problem('InvalidFleetSpec', `${where}: field "${field}" is missing`, `add ${field} (required: ${REQUIRED.join(', ')})`);
    }
    for (const [field, value] of Object.entries(entry)) {
      const type = FIELDS[field];
      if (!type) {
        throw problem('InvalidFleetSpec', `${where}: field ${quote(field)} is not a workload option a spec file can set`, `use only ${Object.keys(FIELDS).join(', ')}; set other options in code with fleet.addWorkload()`);
      }
      if (!hasType(value, type)) {
        throw problem('InvalidFleetSpec', `${where}: field "${field}" is ${quote(value)}, expected ${describe(type)}`, FIX);
      }
    }
    const earlier = seen.get(entry.id);
    if (earlier !== undefined) {
      throw problem('InvalidFleetSpec', `${where}: id ${quote(entry.id)} is used again (first at entry ${earlier + 1})`, 'give every workload of the fleet its own id');
    }
    seen.set(entry.id, index);
    const { id, ...options } = entry;
    return { id, options: options as PodIdentityBoundWorkloadOptions, where };
  });
}

function hasType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'boolean': return typeof value === 'boolean';
    case 'count': return Number.isInteger(value) && (value as number) >= 0;
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
    case 'count': return 'a whole number >= 0';
    case 'port': return 'a port number (1-65535)';
    case 'string list': return 'a list of strings';
    case 'string map': return 'a map of names to string values (quote numbers in YAML)';
  }
}
