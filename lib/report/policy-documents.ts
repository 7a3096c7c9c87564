// Policy documents as the report reads them: a JSON string parsed, `Statement` always a list of statement objects,
// checked (malformed documents are the library's MalformedCloudAssembly error) and rendered.
import { CloudAssembly } from './assembly';
import { alternatives, isIntrinsic, items } from './intrinsics';
import { MalformedValue, expectObject } from './malformed';
import { Json, Template, isObject, markMayNotApply } from './template';
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
    // A statement read from one branch of an `Fn::If` (of the document, its Statement, or within the statement) may
    // not apply: each branch is read, so an Allow over-states access; a Deny must not be counted on.
    const written = [document.Statement].flat();
    const checked = statements.filter(s => s.value !== undefined).flatMap(({ value: statement, path: at }) => {
      expectObject(statement, at);
      const chosen = alternative !== value || !written.includes(statement) || hasChoice(statement);
      return principalAlternatives(statement, at).map(choice => {
        const copy: Json = { ...choice };
        for (const key of STATEMENT_LISTS) {
          if (isListOrChoice(copy[key])) copy[key] = listValues(copy[key], `${at}.${key}`);
        }
        const rendered = renderedStatement(assembly, copy, at, template, placeholders);
        if (chosen) markMayNotApply(rendered);
        return rendered;
      });
    });
    const { Statement: _statement, ...rest } = document;
    return { ...assembly.renderDeep(rest, template, placeholders), Statement: checked };
  });
  return documents.length === 1 ? documents[0] : { ...documents[0], Statement: documents.flatMap(d => d.Statement) };
}

/** Whether a value holds an `Fn::If` anywhere. */
function hasChoice(value: Json): boolean {
  if (Array.isArray(value)) return value.some(hasChoice);
  return isObject(value) && Object.entries(value).some(([key, inner]) => key === 'Fn::If' || hasChoice(inner));
}

function isListOrChoice(value: Json): boolean {
  return Array.isArray(value) || (isObject(value) && value['Fn::If'] !== undefined);
}

/**
 * The values of a statement list (or of one type of principal): each `Fn::If` taken with both branches, a branch that
 * is one string (or one intrinsic) one value, as IAM takes a single value for a list.
 */
function listValues(value: Json, path: string): Json[] {
  return alternatives(value).flatMap(choice => (typeof choice === 'string' || isIntrinsic(choice) ? [choice] : items(choice, path, false).map(item => item.value)));
}

/**
 * A statement once per value its `Principal` (or `NotPrincipal`) may take: an `Fn::If` of whole principals gives one
 * statement per branch, an `Fn::If` among one type's values both branches, so no branch (`"*"`, say) is hidden.
 */
function principalAlternatives(statement: Json, at: string): Json[] {
  return ['Principal', 'NotPrincipal'].reduce((copies: Json[], key) => copies.flatMap(copy => {
    // `Fn::If` with `AWS::NoValue` on both sides: the statement has no such key.
    const choices = alternatives(copy[key]);
    if (choices.length === 0) return [replaced(copy, key, undefined)];
    return choices.map(principal => replaced(copy, key, !isObject(principal) || isIntrinsic(principal) ? principal
      : Object.fromEntries(Object.entries(principal).map(([type, values]) =>
        [type, isListOrChoice(values) ? listValues(values, `${at}.${key}.${type}`) : values]))));
  }), [statement]);
}

/** `object` with `key`'s value replaced in place (keys keep their order), or left out when `value` is undefined. */
function replaced(object: Json, key: string, value: Json): Json {
  return Object.fromEntries(Object.entries(object).flatMap(([k, v]) => (k !== key ? [[k, v]] : value === undefined ? [] : [[k, value]])));
}

function renderedStatement(assembly: CloudAssembly, statement: Json, at: string, template: Template, placeholders: Map<string, Json>): Json {
  const rendered = assembly.renderDeep(statement, template, placeholders);
  if (rendered.Effect !== 'Allow' && rendered.Effect !== 'Deny') {
    throw new MalformedValue(`is ${JSON.stringify(rendered.Effect ?? null)}, not "Allow" or "Deny"`, `${at}.Effect`);
  }
  return rendered;
}

/** The statements of a policy document, as an array. */
export function statementsOf(document: Json): Json[] {
  if (!isObject(document)) return [];
  return [document.Statement ?? []].flat().filter(isObject);
}
