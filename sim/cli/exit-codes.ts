/** The CLI's exit codes (README.md, "Running scenarios"): what CI gates on. */
export const ExitCode = {
  /** Every threshold held. */
  Ok: 0,
  /** A threshold failed. */
  ThresholdFailed: 1,
  /** Bad input: usage, or a scenario that does not parse or validate. */
  BadInput: 2,
  /** The run itself could not be carried out. */
  RunFailed: 3,
  /** A stop condition (a threshold marked abortOnFail) failed while the run went: it was ended, its faults removed. */
  StoppedByCondition: 4,
  /** Stopped by SIGINT (Ctrl-C): 128 + 2, as shells report it; the partial report is written. */
  Interrupted: 130,
  /** Stopped by SIGTERM: 128 + 15, as shells report it; the partial report is written. */
  Terminated: 143,
} as const;

/** A bad command line (exit code 2). */
export class UsageError extends Error {
  readonly code = 'FL_USAGE';
}

/** A run that could not be carried out (exit code 3), e.g. an output folder that cannot be written. */
export class RunError extends Error {
  readonly code = 'FL_RUN';
}
