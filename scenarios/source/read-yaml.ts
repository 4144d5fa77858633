/**
 * Reading a scenario's text as YAML (JSON is YAML too): one document, well-formed, nested
 * at most {@link MAX_NESTING_DEPTH} deep, keys unique and strings, aliases bounded. Every
 * failure is a {@link ScenarioError}.
 */
import { Composer, LineCounter, Parser, visit, YAMLParseError } from 'yaml';
import type { CST, Document, YAMLError } from 'yaml';
import { MAX_NESTING_DEPTH } from '../limits.js';
import { ScenarioError } from '../scenario-error.js';
import type { ScenarioIssue } from '../scenario-error.js';
import { tooDeep } from './nesting-depth.js';
import { structureIssues } from './yaml-structure.js';
import { issueAt } from './yaml-source.js';
import type { YamlSource } from './yaml-source.js';

/** Most alias expansions a document may need: far above any real scenario, far below a "billion laughs". */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses `text` as one YAML document and converts it to a plain value. A carriage return
 * alone ends a line, as YAML says (the yaml package reads only LF and CRLF).
 *
 * @throws {@link ScenarioError} `FL_SCENARIO_LIMIT` for a text nested too deeply;
 * `FL_SCENARIO_SYNTAX` for malformed YAML (warnings included), duplicate keys, several
 * documents, bad aliases; `FL_SCENARIO_SCHEMA` for a key that is not a string
 */
export function readYaml(text: string, file: string): { source: YamlSource; value: unknown } {
  const normalised = text.replace(/\r(?!\n)/g, '\n');
  const lines = new LineCounter();
  const tokens = [...new Parser(lines.addNewLine).parse(normalised)];
  checkDepth(tokens, normalised, file, lines);
  const doc = composeOne(tokens, normalised);
  const source: YamlSource = { text: normalised, file, doc, lines };
  const syntax = [...doc.errors, ...doc.warnings].map((error) => syntaxIssue(source, error));
  if (syntax.length > 0) throw new ScenarioError(syntax, normalised);
  const structure = structureIssues(source);
  if (structure.length > 0) throw new ScenarioError(structure, normalised);
  return { source, value: plainValue(source) };
}

function checkDepth(tokens: readonly CST.Token[], text: string, file: string, lines: LineCounter): void {
  const deep = tooDeep(tokens, MAX_NESTING_DEPTH);
  if (deep === undefined) return;
  const { line, col } = lines.linePos(deep.offset);
  const issue: ScenarioIssue = {
    code: 'FL_SCENARIO_LIMIT',
    file,
    line: Math.max(1, line),
    column: Math.max(1, col),
    path: deep.path,
    message: `mappings and lists nested more than ${MAX_NESTING_DEPTH} deep`,
    expected: `at most ${MAX_NESTING_DEPTH} levels (faultline's files need about 10)`,
  };
  throw new ScenarioError([issue], text);
}

/**
 * The first document of the token stream, with an error for any second one (as the yaml
 * package's parseDocument does). Keys are not checked for uniqueness here: the package does
 * that in time quadratic in a mapping's size; {@link structureIssues} does it in one pass.
 */
function composeOne(tokens: readonly CST.Token[], text: string): Document.Parsed {
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, resolveKnownTags: false });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (doc === undefined) {
      doc = next;
      continue;
    }
    doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'a second YAML document'));
    break;
  }
  return doc!;
}

function syntaxIssue(source: YamlSource, error: YAMLError): ScenarioIssue {
  const message = error.code === 'MULTIPLE_DOCS' ? 'a second YAML document; the file must hold exactly one' : error.message;
  return issueAt(source, error.pos[0], { code: 'FL_SCENARIO_SYNTAX', path: [], message });
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
