/** The texts of `faultline --help` and `faultline help <command>`. */

export const MAIN_HELP = `faultline: run a service mesh's policies against faults before production does.

Usage
  faultline run FILE [options]      simulate a scenario (or run it live) and check its thresholds
  faultline validate PATH...        check scenario files, or the folders of them, without running
  faultline fuzz FILE [options]     search for the fault schedule that breaks a scenario's thresholds
  faultline schema                  print the scenario JSON Schema (for editors)
  faultline clean --target FILE     remove the toxics that killed staging runs left behind
  faultline toxiproxy [options]     run a Toxiproxy-compatible fault proxy (HTTP API on 127.0.0.1:8474)
  faultline export k6 FILE          write the scenario's load as a k6 script (TypeScript)
  faultline help [COMMAND]          show help for a command

Examples
  faultline run scenarios/three-tier-shop.yaml
  faultline run scenarios/cascades/retry-storm-naive.yaml --seed 7 --json > report.json
  faultline run scenarios/three-tier-shop.yaml --mode live --duration 30s
  faultline run scenarios/three-tier-shop.yaml --mode staging --target staging.yaml --dry-run
  faultline validate scenarios/

Exit codes
  0  every threshold held          2  bad input (usage, a scenario that does not validate,
  1  a threshold failed               or one too large to run here)
  3  the run could not be carried out
  4  a stop condition (a threshold marked abortOnFail) ended a staging run
  130, 143  stopped by SIGINT, SIGTERM: the report written covers what ran (interrupted)

Environment
  NO_COLOR     no colour in the output (https://no-color.org)
  FORCE_COLOR  colour even when the output is not a terminal

Run 'faultline help run' for the options of a run.`;

export const RUN_HELP = `faultline run FILE [options]

Runs the scenario in FILE (YAML or JSON) and prints a summary: a table per service with
rate, success and latency, and each threshold with ✓ or ✗. The exit code says whether
every threshold held (0) or one failed (1).

Options
  --mode MODE       sim (default): deterministic discrete-event simulation in virtual time.
                    live: the same scenario on real sockets: every instance a server on
                    127.0.0.1 behind a sidecar running the same policies, real load in
                    real time, the faults on the real clock. Takes as long as the load.
                    both: sim, then live, printed side by side with where they disagree;
                    exit 0 only when both hold every threshold
                    staging: the load from this machine against a real staging mesh,
                    the faults through its Toxiproxy APIs (needs --target)
  --target FILE     staging: the target file (entry URLs, allowHosts, Toxiproxy proxies,
                    maxDuration); anything outside allowHosts is refused before the run
  --dry-run         staging: print the plan (every toxic, proxy, time, the load, the stop
                    conditions) and touch nothing
  --state-dir DIR   staging: where run journals are kept (default .faultline, or
                    $FAULTLINE_STATE_DIR); a killed run's toxics are found from them
  --duration D      cut the load to D (30s, 2m, 1m30s); faults after D are reported as
                    skipped
  --warm-up D       live: drive a throwaway copy of the mesh for D first (default 3s), so
                    the run measures the mesh, not the JIT compiling it; 0s for none
  --seed N          random seed, a decimal integer from 0 to 9007199254740991 (default:
                    the scenario's 'seed', else 1). Same scenario and seed give the same
                    report.
  --out DIR         also write DIR/report.json and DIR/summary.txt; DIR (or the folder it
                    would be made in) must be writable, which is checked before the run
  --json            print the report (faultline.report/v1) on stdout and nothing else
  --quiet           print nothing but errors; rely on the exit code
  --allow-large     run a scenario estimated at more than 1e9 events (about 10 minutes);
                    without it such a run is refused (exit 2) with what to change
  -h, --help        this help

A progress bar appears on a terminal when a run takes longer than a second. Ctrl-C (SIGINT)
or SIGTERM stops the run: its report so far is printed or written, marked interrupted, and
the exit code is 130 or 143.`;

export const CLEAN_HELP = `faultline clean --target FILE [--all] [--state-dir DIR] [--json]

Removes, from every Toxiproxy API of the staging target FILE, the toxics of faultline runs
that are over: runs journaled here (in --state-dir, default .faultline) that ended or whose
process is gone — a run killed with SIGKILL — and any run past its deadline (its start plus
the target's maxDuration and 5 minutes, written in each toxic's name). Toxics of runs that
may still be going are listed and left alone; --all removes them too. Every staging run does
this sweep before it starts. Prints what it removed; exit 0.

Example
  faultline clean --target scenarios/staging/shop-staging.yaml`;

export const VALIDATE_HELP = `faultline validate PATH...

Parses and checks each scenario file: YAML syntax, the schema, and references between
services, loads, faults and thresholds. A staging target file (a file with allowHosts) is
checked as one: its schema, and that every URL in it is allowed by its allowHosts. A folder stands for the .yaml, .yml and .json files
below it, at any depth (not *schema.json, hidden entries or node_modules). Prints the
problems with their file, line, column and key path, the first 20 per file. Exit code 0
when every file is valid, 2 otherwise.

Example
  faultline validate scenarios/`;

export const SCHEMA_HELP = `faultline schema

Prints the JSON Schema of scenario files (also shipped as scenarios/schema.json). Point your
editor at it for completion, e.g. in VS Code with the YAML extension:
  # yaml-language-server: $schema=./node_modules/faultline/scenarios/schema.json`;
