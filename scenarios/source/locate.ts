/** Finding the place in the file that a key path points at. */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Node } from 'yaml';
import type { IssueDraft } from '../issue-draft.js';
import type { ScenarioIssue } from '../scenario-error.js';
import { issueAt } from './yaml-source.js';
import type { YamlSource } from './yaml-source.js';

/** The node a path reaches, or the deepest one on the way when the path goes further than the file. */
interface Reached {
  node: Node | null;
  /** The key of the last mapping entry passed, when the whole path was walked. */
  key: Node | null;
}

/**
 * Gives a draft its line and column: those of the YAML node at its key path (of the key
 * itself with `atKey`), or of the nearest enclosing node when the path names something the
 * file does not have (a missing key, a default).
 */
export function locateIssue(source: YamlSource, { atKey, ...draft }: IssueDraft): ScenarioIssue {
  const { node, key } = walk(source, draft.path);
  const target = (atKey ? key : node) ?? node ?? key;
  return issueAt(source, target?.range?.[0] ?? 0, draft);
}

function walk(source: YamlSource, path: readonly (string | number)[]): Reached {
  let reached: Reached = { node: source.doc.contents, key: null };
  for (const segment of path) {
    const next = child(source, reached.node, segment);
    if (next === undefined) return { node: reached.node, key: null };
    reached = next;
  }
  return reached;
}

function child(source: YamlSource, parent: Node | null, segment: string | number): Reached | undefined {
  const node = isAlias(parent) ? (parent.resolve(source.doc) ?? null) : parent;
  if (isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
    return pair && { node: (pair.value as Node | null) ?? (pair.key as Node), key: pair.key as Node };
  }
  if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
    return { node: node.items[segment] as Node, key: null };
  }
  return undefined;
}
