/**
 * A threshold key or expression that does not parse, or does not fit its metric. Bad input:
 * the CLI exits with code 2. `code` is stable.
 */
export class ThresholdSyntaxError extends Error {
  readonly code = 'FL_THRESHOLD_SYNTAX';
  override readonly name = 'ThresholdSyntaxError';

  /**
   * @param input - the key or expression as written
   * @param reason - what was expected, and what was found
   */
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`threshold ${JSON.stringify(input)}: ${reason}`);
  }
}
