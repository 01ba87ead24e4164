// What help says beyond the options: commander writes each command's usage and options from their
// definitions; these are the notes and exit codes printed after them.

/** What the exit codes mean for each command, after its options in `--help`. */
const EXIT_CODES = {
  scan: `Exit codes:
  0  every source read, no drift at or above --fail-on
  1  drift at or above --fail-on
  2  usage, baseline or input error: nothing was judged
  3  incomplete audit: a source could not be read, whatever --fail-on says
     (with --allow-partial: 0 or 1 as above, judged on the sources that were read)
  source-error findings (an unread source) are not drift: --fail-on never counts them.
  With --env, --severity or --type the code judges the findings shown; an unread source of an
  environment --env leaves out does not make the audit incomplete.`,
  snapshot: `Exit codes:
  0  every source read and written
  2  usage, baseline or input error, or the snapshot could not be written
  3  a source could not be read: the rest is written, the failure recorded, and the
     sources are listed on stderr (0 with --allow-partial)`,
  init: `Exit codes:
  0  baseline written (or, with --update, nothing new to add)
  2  usage or input error, or BASELINE_DIR is not empty and --update was not given
  3  a source could not be read: the baseline is written from what was read and the
     sources are listed on stderr (0 with --allow-partial)`,
  explain: `Exit codes:
  0  explained (in a partially read environment the answer says which sources are unknown)
  2  usage, baseline or input error, an unknown environment, or a key that is neither
     declared nor seen in any source (with the closest known key)`,
  other: `Exit codes:
  0  done
  2  usage, baseline or input error`,
} as const;

const ENDPOINTS = 'Live reads use the standard AWS credential chain; endpoints follow the SDK variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SSM, ...).';

/** The notes after each command's options, by command. */
export const COMMAND_EPILOGUES = {
  scan: `BASELINE_DIR defaults to ./config; offline scans read --snapshots DIR, or BASELINE_DIR/snapshots.
The terminal report wraps to the terminal's width (COLUMNS overrides it; 100 when not a terminal).
${ENDPOINTS}

Examples:
  drift-audit scan config --snapshots config/snapshots --compact
  drift-audit scan config --live --env production-eu --severity high --fail-on high
  drift-audit scan config --live --format markdown --output drift.md

${EXIT_CODES.scan}
`,
  explain: `${ENDPOINTS}

Example:
  drift-audit explain DB_TIMEOUT --env production-us

${EXIT_CODES.explain}
`,
  accept: `Finding ids hold a colon (type:environment:key); the one argument without one is BASELINE_DIR.
A finding named by id that cannot be accepted fails the command and nothing is written; one caught
by --all, --env or --type is listed as not accepted and the rest go ahead.

Example:
  drift-audit baseline accept changed:production-us:DB_TIMEOUT --dry-run

${EXIT_CODES.other}
`,
  snapshot: `${ENDPOINTS}

${EXIT_CODES.snapshot}
`,
  init: `Writes a commented baseline from what runs: a shared value where every environment agrees,
expected_differences where tiers differ, secrets as secret: true with no value. Environments that
disagree with their tier are listed for review, not declared: a scan right after init reports them.

${EXIT_CODES.init}
`,
  history: `Shows what is open now, whatever its age, then the transitions of the --since window.
The table is read in the region of your AWS configuration (AWS_REGION or the profile), where the
stack is deployed; --region only filters. --key reads every region (one Query on the key's index).

Examples:
  drift-audit history --region eu-west-1
  drift-audit history --key DB_TIMEOUT --since 90d --json
  drift-audit history --open

${EXIT_CODES.other}
`,
  other: `${EXIT_CODES.other}
`,
} as const;

/** The notes after the command list of `drift-audit --help`. */
export const PROGRAM_EPILOGUE = `
drift-audit help COMMAND (or COMMAND --help) shows one command's options and exit codes.

Exit codes:
  0  clean: every source read, no drift at or above --fail-on (other commands: done)
  1  drift at or above --fail-on (scan)
  2  usage, baseline or input error (every command)
  3  incomplete audit: a source could not be read (scan, snapshot, init; not with --allow-partial)

Environment: AWS_PROFILE, AWS_REGION and the SDK's AWS_ENDPOINT_URL_* (live reads, history),
GITHUB_TOKEN (scan --open-prs), NO_COLOR / FORCE_COLOR, COLUMNS (report width).
`;
