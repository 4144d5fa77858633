/** A scenario that validates but asks for something live mode cannot do yet: refused before the run (exit 2). */
export class LiveUnsupportedError extends Error {
  /** Stable code. */
  readonly code = 'FL_LIVE_UNSUPPORTED';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file} cannot run live as written:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'LiveUnsupportedError';
  }
}
