/**
 * Reading a scenario's text as YAML (JSON is YAML too): one document, well-formed, keys
 * unique and strings, aliases bounded. Every failure is a {@link ScenarioError}.
 */
import { isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { YAMLError } from 'yaml';
import { ScenarioError } from '../scenario-error.js';
import type { ScenarioIssue } from '../scenario-error.js';
import { structureIssues } from './yaml-structure.js';
import { issueAt } from './yaml-source.js';
import type { YamlSource } from './yaml-source.js';

/** Most alias expansions a document may need: far above any real scenario, far below a "billion laughs". */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses `text` as one YAML document and converts it to a plain value.
 *
 * @throws {@link ScenarioError} `FL_SCENARIO_SYNTAX` for malformed YAML (warnings included),
 * duplicate keys, several documents, bad aliases; `FL_SCENARIO_SCHEMA` for a key that is
 * not a string
 */
export function readYaml(text: string, file: string): { source: YamlSource; value: unknown } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, resolveKnownTags: false });
  const source: YamlSource = { text, file, doc, lines };
  const syntax = [...doc.errors, ...doc.warnings].map((error) => syntaxIssue(source, error));
  if (syntax.length > 0) throw new ScenarioError(syntax, text);
  const structure = structureIssues(source);
  if (structure.length > 0) throw new ScenarioError(structure, text);
  return { source, value: plainValue(source) };
}

function syntaxIssue(source: YamlSource, error: YAMLError): ScenarioIssue {
  return issueAt(source, error.pos[0], { code: 'FL_SCENARIO_SYNTAX', path: [], message: syntaxMessage(source, error) });
}

function syntaxMessage(source: YamlSource, error: YAMLError): string {
  if (error.code === 'MULTIPLE_DOCS') return 'a second YAML document; a scenario file holds exactly one';
  if (error.code !== 'DUPLICATE_KEY') return error.message;
  const key = keyAt(source, error.pos[0]);
  return key === undefined ? 'duplicate key' : `duplicate key ${JSON.stringify(key)}`;
}

/** The mapping key (a scalar) that starts at `offset`. */
function keyAt(source: YamlSource, offset: number): string | undefined {
  let key: string | undefined;
  visit(source.doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.range?.[0] !== offset) return undefined;
      key = String(pair.key.value);
      return visit.BREAK;
    },
  });
  return key;
}

function plainValue(source: YamlSource): unknown {
  try {
    return source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = `aliases expand to too much data: ${(error as Error).message}`;
    throw new ScenarioError([issueAt(source, firstAliasOffset(source), { code: 'FL_SCENARIO_SYNTAX', path: [], message })], source.text);
  }
}

function firstAliasOffset(source: YamlSource): number {
  let offset = 0;
  visit(source.doc, {
    Alias(_, alias) {
      offset = alias.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}
