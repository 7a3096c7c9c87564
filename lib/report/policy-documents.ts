// Policy documents as the report reads them: a JSON string parsed, `Statement` always a list of statement objects,
// checked (malformed documents are the library's MalformedCloudAssembly error) and rendered.
import { CloudAssembly } from './assembly';
import { alternatives, isIntrinsic, items } from './intrinsics';
import { MalformedValue, expectObject } from './malformed';
import { Json, Template, isObject } from './template';
import { kindOf } from '../private/errors';

const STATEMENT_LISTS = ['Action', 'NotAction', 'Resource', 'NotResource'];

/**
 * A policy document, checked and rendered: a JSON string parsed, `Statement` always a list of statement objects,
 * `Fn::If` in statement lists taken with both branches, every other intrinsic rendered as a placeholder.
 */
export function renderedDocument(assembly: CloudAssembly, value: Json, path: string, template: Template, placeholders: Map<string, Json>): Json {
  if (value === undefined || value === null) throw new MalformedValue(value === null ? 'is null' : 'is missing', path);
  const documents = alternatives(value).map(alternative => {
    let document = alternative;
    if (isIntrinsic(document)) document = assembly.render(document, template, placeholders);
    if (typeof document === 'string') {
      try {
        document = JSON.parse(document);
      } catch {
        throw new MalformedValue('is a string that is not a JSON policy document', path);
      }
    }
    if (!isObject(document)) throw new MalformedValue(`is ${kindOf(document)}, not a policy document`, path);
    // `Statement` is a list or one statement; an `Fn::If` may choose between lists or between single statements.
    const statements = alternatives(document.Statement).flatMap(statement => (Array.isArray(statement) || isIntrinsic(statement)
      ? items(statement, `${path}.Statement`, false) : [{ value: statement, path: `${path}.Statement` }]));
    const checked = statements.filter(s => s.value !== undefined).map(({ value: statement, path: at }) => {
      expectObject(statement, at);
      const copy: Json = { ...statement };
      for (const key of STATEMENT_LISTS) {
        if (Array.isArray(copy[key]) || (isObject(copy[key]) && copy[key]['Fn::If'] !== undefined)) {
          copy[key] = items(copy[key], `${at}.${key}`, false).map(item => item.value);
        }
      }
      const rendered = assembly.renderDeep(copy, template, placeholders);
      if (rendered.Effect !== 'Allow' && rendered.Effect !== 'Deny') {
        throw new MalformedValue(`is ${JSON.stringify(rendered.Effect ?? null)}, not "Allow" or "Deny"`, `${at}.Effect`);
      }
      return rendered;
    });
    const { Statement: _statement, ...rest } = document;
    return { ...assembly.renderDeep(rest, template, placeholders), Statement: checked };
  });
  return documents.length === 1 ? documents[0] : { ...documents[0], Statement: documents.flatMap(d => d.Statement) };
}

/** The statements of a policy document, as an array. */
export function statementsOf(document: Json): Json[] {
  if (!isObject(document)) return [];
  return [document.Statement ?? []].flat().filter(isObject);
}
