/** Finding the place in the file that a key path points at. */
import { isAlias, isMap, isScalar, isSeq, visit } from 'yaml';
import type { Alias, Document, Node, Pair, YAMLMap } from 'yaml';
import type { IssueDraft } from '../issue-draft.js';
import { MAX_REPORTED_ISSUES } from '../limits.js';
import { byPosition } from '../scenario-error.js';
import type { LocatedIssue } from '../scenario-error.js';
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
 * file does not have (a missing key, a default). A draft's `suggest` is left to the caller.
 */
export function locateIssue<C extends string>(source: YamlSource, { atKey, suggest: _later, ...draft }: IssueDraft<C>): LocatedIssue<C> {
  const { node, key } = walk(source, draft.path);
  const target = (atKey ? key : node) ?? node ?? key;
  return issueAt<C>(source, target?.range?.[0] ?? 0, draft);
}

/**
 * Locates every draft and sorts them by position; the suggestions of those that will be
 * reported (the first {@link MAX_REPORTED_ISSUES}) are worked out, the others' never are.
 */
export function locateDrafts<C extends string>(source: YamlSource, drafts: readonly IssueDraft<C>[]): LocatedIssue<C>[] {
  const located = drafts.map((draft) => ({ draft, issue: locateIssue(source, draft) })).sort((a, b) => byPosition(a.issue, b.issue));
  return located.map(({ draft, issue }, i) => (draft.suggest && i < MAX_REPORTED_ISSUES ? { ...issue, suggestion: draft.suggest() } : issue));
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
  const node = isAlias(parent) ? aliasTarget(source, parent) : parent;
  if (isMap(node)) {
    const pair = keyIndex(node).get(String(segment));
    return pair && { node: (pair.value as Node | null) ?? (pair.key as Node), key: pair.key as Node };
  }
  if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
    return { node: node.items[segment] as Node, key: null };
  }
  return undefined;
}

/** Each mapping's first pair per key, built once per mapping: locating many issues in a wide mapping stays linear. */
const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();

function keyIndex(map: YAMLMap): Map<string, Pair> {
  let index = indexes.get(map);
  if (index === undefined) {
    index = new Map();
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (!index.has(key)) index.set(key, pair as Pair);
    }
    indexes.set(map, index);
  }
  return index;
}

/** Each document's aliases with the nodes they name, found in one walk (the yaml package walks the document per alias). */
const aliasTargets = new WeakMap<Document, Map<Alias, Node>>();

/** The node an alias names: the last node before it with its anchor, as YAML resolves aliases. */
function aliasTarget(source: YamlSource, alias: Alias): Node | null {
  let targets = aliasTargets.get(source.doc);
  if (targets === undefined) {
    const found = new Map<Alias, Node>();
    const anchors = new Map<string, Node>();
    visit(source.doc, {
      Node(_, node) {
        if (isAlias(node)) {
          const target = anchors.get(node.source);
          if (target) found.set(node, target);
        } else if (node.anchor) anchors.set(node.anchor, node);
      },
    });
    aliasTargets.set(source.doc, (targets = found));
  }
  return targets.get(alias) ?? null;
}
