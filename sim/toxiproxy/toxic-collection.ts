/**
 * A proxy's toxics (Toxiproxy's `ToxicCollection`): one chain per direction, in the order
 * added, and the links of the proxy's open connections, which every change reaches at once —
 * toxics act on connections already open, not only on new ones.
 */
import { mergeAttributes, checkToxicity, parseDirection, ToxicDefinition, zeroAttributes } from './toxic-definition.js';
import type { Direction, ToxicChanges, ToxicInput } from './toxic-definition.js';
import { toxicKind } from './toxic-kinds.js';
import type { ToxicLink } from './toxic-link.js';
import { InvalidToxicTypeError, ToxicExistsError, ToxicNotFoundError } from './toxiproxy-errors.js';

/** A proxy's toxics and the links they act on. */
export class ToxicCollection {
  private readonly chains: Record<Direction, ToxicDefinition[]> = { upstream: [], downstream: [] };
  private readonly links: Record<Direction, Set<ToxicLink>> = { upstream: new Set(), downstream: new Set() };

  /** The toxics of one direction, in chain order. */
  chain(direction: Direction): readonly ToxicDefinition[] {
    return this.chains[direction];
  }

  /** Every toxic: upstream first, then downstream, each in the order added (as Toxiproxy lists them). */
  list(): ToxicDefinition[] {
    return [...this.chains.upstream, ...this.chains.downstream];
  }

  /** The toxic named `name`, in either direction. */
  find(name: string): ToxicDefinition | undefined {
    return this.chains.upstream.find((t) => t.name === name) ?? this.chains.downstream.find((t) => t.name === name);
  }

  /**
   * Adds a toxic at the end of its direction's chain, checked in Toxiproxy's order:
   * toxicity, stream, type, name, attributes.
   *
   * @throws {@link InvalidStreamError}, {@link InvalidToxicTypeError}, {@link ToxicExistsError}
   * (a toxic of that name in either direction), {@link BadRequestBodyError} (attributes)
   */
  add(input: ToxicInput): ToxicDefinition {
    const toxicity = checkToxicity(input.toxicity ?? 1);
    const stream = input.stream ?? 'downstream';
    const direction = parseDirection(stream);
    const name = input.name === undefined || input.name === '' ? `${input.type}_${stream}` : input.name;
    const kind = toxicKind(input.type);
    if (kind === undefined) throw new InvalidToxicTypeError();
    if (this.find(name) !== undefined) throw new ToxicExistsError();
    const attributes = mergeAttributes(kind, zeroAttributes(kind), input.attributes);
    const definition = new ToxicDefinition(name, kind, stream, direction, toxicity, attributes);
    this.chains[direction].push(definition);
    for (const link of [...this.links[direction]]) link.addToxic(definition);
    return definition;
  }

  /**
   * Changes a toxic's attributes (merged) and toxicity (when given); its links restart it.
   *
   * @throws {@link ToxicNotFoundError}, {@link BadRequestBodyError}
   */
  update(name: string, changes: ToxicChanges): ToxicDefinition {
    const definition = this.find(name);
    if (definition === undefined) throw new ToxicNotFoundError();
    const attributes = mergeAttributes(definition.kind, definition.attributes, changes.attributes);
    const toxicity = changes.toxicity === undefined ? definition.toxicity : checkToxicity(changes.toxicity);
    definition.attributes = attributes;
    definition.toxicity = toxicity;
    for (const link of [...this.links[definition.direction]]) link.updateToxic(definition);
    return definition;
  }

  /**
   * Removes a toxic from its chain and from every open connection.
   *
   * @throws {@link ToxicNotFoundError}
   */
  remove(name: string): void {
    const definition = this.find(name);
    if (definition === undefined) throw new ToxicNotFoundError();
    const chain = this.chains[definition.direction];
    chain.splice(chain.indexOf(definition), 1);
    for (const link of [...this.links[definition.direction]]) link.removeToxic(definition);
  }

  /** Removes every toxic, upstream first, each chain from its first toxic on (Toxiproxy's `ResetToxics`). */
  reset(): void {
    for (const direction of ['upstream', 'downstream'] as const) {
      while (this.chains[direction].length > 0) this.remove(this.chains[direction][0].name);
    }
  }

  /** A started link: toxics added, changed or removed from now on reach it. */
  attach(link: ToxicLink): void {
    this.links[link.direction].add(link);
  }

  /** A link whose connection is gone. */
  detach(link: ToxicLink): void {
    this.links[link.direction].delete(link);
  }
}
