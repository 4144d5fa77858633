/**
 * How deeply a YAML text nests, measured on its concrete syntax tree before the document is
 * built: the yaml package builds documents recursively, so a file nested thousands of
 * levels deep would exhaust the stack there, with no key path to show for it.
 */
import { CST } from 'yaml';

type Key = string | number;

/** The first collection nested deeper than allowed: where it starts and its key path. */
export interface TooDeep {
  offset: number;
  path: Key[];
}

interface Pending {
  token: CST.Token;
  /** Collections around the token. */
  depth: number;
  path: Key[];
}

/**
 * The first mapping or list (in document order) that is nested more than `maxDepth`
 * collections deep, or undefined when none is. Walks with its own stack, so the text's
 * depth does not matter.
 */
export function tooDeep(tokens: readonly CST.Token[], maxDepth: number): TooDeep | undefined {
  const stack: Pending[] = tokens.map((token) => ({ token, depth: 0, path: [] as Key[] })).reverse();
  while (stack.length > 0) {
    const { token, depth, path } = stack.pop()!;
    if (token.type === 'document') {
      if (token.value) stack.push({ token: token.value, depth, path });
      continue;
    }
    if (!isCollection(token)) continue;
    if (depth + 1 > maxDepth) return { offset: token.offset, path };
    const inside = children(token, depth + 1, path);
    for (let i = inside.length - 1; i >= 0; i--) stack.push(inside[i]);
  }
  return undefined;
}

type Collection = CST.BlockMap | CST.BlockSequence | CST.FlowCollection;

function isCollection(token: CST.Token): token is Collection {
  return token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
}

/** The keys and values inside a collection, with their key paths (keys that are collections keep the collection's path). */
function children(collection: Collection, depth: number, path: Key[]): Pending[] {
  const isList = collection.type === 'block-seq' || (collection.type === 'flow-collection' && collection.start.source === '[');
  const out: Pending[] = [];
  let index = 0;
  for (const item of collection.items) {
    const { key, value } = item as CST.CollectionItem;
    if (key) out.push({ token: key, depth, path });
    if (value) out.push({ token: value, depth, path: [...path, isList && !key ? index : keyText(key)] });
    if (key || value) index++;
  }
  return out;
}

/** A key's text for the path; a malformed key (reported by the parser later) and a collection key read as `?`. */
function keyText(key: CST.Token | null | undefined): string {
  const scalar = key ? CST.resolveAsScalar(key, false, () => {}) : null;
  return scalar ? scalar.value : '?';
}
