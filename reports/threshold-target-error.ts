/**
 * A threshold key that parses but names a service, edge or request class the run does not
 * have. Bad input, like a syntax error: the CLI exits with code 2. `code` is stable.
 */
export class ThresholdTargetError extends Error {
  readonly code = 'FL_THRESHOLD_TARGET';
  override readonly name = 'ThresholdTargetError';

  /**
   * @param key - the threshold key as written
   * @param tag - the tag naming the unknown target (`service`, `edge` or `class`)
   * @param value - the unknown name
   */
  constructor(
    readonly key: string,
    readonly tag: string,
    readonly value: string,
  ) {
    super(`threshold ${JSON.stringify(key)}: the run has no ${tag} named ${JSON.stringify(value)}`);
  }
}
