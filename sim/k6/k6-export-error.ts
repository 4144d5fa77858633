/** A scenario whose load k6 cannot express as written: refused before a script is written (exit 2). */
export class K6ExportError extends Error {
  /** Stable code. */
  readonly code = 'FL_K6_UNSUPPORTED';

  /**
   * @param file - the scenario file
   * @param problems - one sentence each, starting with the key path of what k6 cannot express
   */
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file} cannot be exported to k6 as written:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'K6ExportError';
  }
}
