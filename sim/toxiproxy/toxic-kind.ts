/**
 * A kind of toxic (`latency`, `bandwidth`…): its attributes as Toxiproxy's Go struct declares
 * them (JSON names, Go types, in the order they are printed), whether it keeps state per
 * connection, and how it runs on a link.
 */
import type { GoStructSpec } from './go-struct-fields.js';
import type { ToxicOutput, ToxicRunner } from './toxic-runner.js';

/** A toxic's attributes by JSON name: every attribute of its kind, zero when not given. */
export type ToxicAttributes = Readonly<Record<string, number>>;

/** A kind of toxic, registered by its `type`. */
export interface ToxicKind {
  /** The `type` clients ask for. */
  readonly type: string;
  /** Its attributes: Go's struct (all integers) in the order Toxiproxy prints them. */
  readonly attributes: GoStructSpec;
  /**
   * State kept per connection and direction across restarts of the toxic (Toxiproxy's
   * `StatefulToxic`: limit_data's count), created when a link starts with the toxic or the
   * toxic is added to a running link.
   */
  newState?(): unknown;
  /** Removing the toxic closes the connection (timeout's `Cleanup`), whether or not its toxicity applied. */
  readonly closesOnRemove?: boolean;
  /** Starts the toxic on one link, writing to `output`. */
  run(attributes: ToxicAttributes, output: ToxicOutput, state: unknown): ToxicRunner;
}
