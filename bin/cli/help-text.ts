// The CLI's help texts: the overview and one page per command, each with its exit codes.

/** What the exit codes mean for each command, for its --help. */
const EXIT_CODES = {
  scan: `Exit codes:
  0  every source read, no drift at or above --fail-on
  1  drift at or above --fail-on
  2  usage, baseline or input error: nothing was judged
  3  incomplete audit: a source could not be read, whatever --fail-on says
     (with --allow-partial: 0 or 1 as above, judged on the sources that were read)
  source-error findings (an unread source) are not drift: --fail-on never counts them.
`,
  snapshot: `Exit codes:
  0  every source read and written
  2  usage, baseline or input error, or the snapshot could not be written
  3  a source could not be read: the rest is written, the failure recorded, and the
     sources are listed on stderr (0 with --allow-partial)
`,
  init: `Exit codes:
  0  baseline written (or, with --update, nothing new to add)
  2  usage or input error, or BASELINE_DIR is not empty and --update was not given
`,
  explain: `Exit codes:
  0  explained (in a partially read environment the answer says which sources are unknown)
  2  usage, baseline or input error, an unknown environment, or a key that is neither
     declared nor seen in any source (with the closest known key)
`,
  other: `Exit codes:
  0  done
  2  usage, baseline or input error
`,
} as const;

const LIVE_OPTIONS = `Live options:
  --live                          read SSM and EKS with the standard AWS credential chain
  --profile NAME                  AWS profile (same as AWS_PROFILE)
  --ssm-rps N                     SSM requests per second per region (default: half the quota)
  Endpoints follow the SDK's variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SSM, ...).
`;

/** The CLI's help text, exported so the README and tests can show it. */
export const HELP = `drift-audit: configuration drift between your baseline and what really runs

Usage:
  drift-audit scan [BASELINE_DIR] [--snapshots DIR | --live] [options]
  drift-audit explain KEY --env ENV [--app APP] [BASELINE_DIR] [--snapshots DIR | --live] [--json]
  drift-audit baseline validate [BASELINE_DIR]
  drift-audit baseline accept FINDING_ID... [BASELINE_DIR] [--snapshots DIR | --live] [options]
  drift-audit snapshot --out DIR [BASELINE_DIR] [--allow-partial]
  drift-audit init BASELINE_DIR (--snapshots DIR | --live --env NAME:ssm=/path/,eks=cluster/ns ...) [--update]
  drift-audit history --region REGION [--env ENV] [--key KEY] [--since 30d] [--open | --reminders] [--json]
  drift-audit report [BASELINE_DIR] [--snapshots DIR | --live] [--history FILE... | --region REGION...] [--output FILE]

BASELINE_DIR defaults to ./config. Offline scans read --snapshots DIR, or BASELINE_DIR/snapshots.
drift-audit COMMAND --help shows one command's options and exit codes.

Scan options:
  --json | --markdown | --html    report format (default: terminal text, coloured on a TTY)
  --html FILE                     write the HTML estate report to FILE (same as --html --output FILE)
  --format FORMAT                 terminal, json, markdown or html
  --output FILE                   write the report to FILE instead of stdout
  --fail-on SEVERITY              exit 1 when a drift finding is at least this severe (default: info)
  --allow-partial                 judge an incomplete audit on what was read instead of exiting 3
  --now ISO_TIME                  audit as of this time (exception expiry); default: now
  --no-color                      plain text even on a terminal
  --verbose                       show every provenance entry and both fixes in full
  --open-prs                      open or update one pull request per drift made outside the pipeline,
                                  with its accept edit (token: GITHUB_TOKEN or --github-token-file FILE);
                                  GitHub failures are reported and never change the exit code
  --pr-repo OWNER/NAME            the config repository (with --open-prs)
  --pr-base BRANCH                the branch pull requests target (default: main)
  --pr-baseline-path PATH         the baseline in that repository: a directory of *.yaml or one file
  --github-api-url URL            GitHub Enterprise Server's API root (default: https://api.github.com)

Live options (scan, explain, accept, snapshot):
  --live                          read SSM and EKS with the standard AWS credential chain
  --profile NAME                  AWS profile (same as AWS_PROFILE)
  --ssm-rps N                     SSM requests per second per region (default: half the quota)
  --deadline DURATION             stop the live read after this long (e.g. 90s, 10m); sources not read
                                  by then are reported as source errors and the audit as partial
                                  (default: 5m)
  Endpoints follow the SDK's variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SSM, ...).

Accept options:
  --all                           every finding (narrowed by --env and --type when given)
  --env ENV, --type TYPE          the findings of ENV, of TYPE (each repeatable)
  --dry-run                       print the unified diff of the baseline instead of writing it
  --extend YYYY-MM-DD             exception-expired: extend the exception (default: remove it and
                                  declare the live value)
  --owner EMAIL --reason WHY --expires YYYY-MM-DD
                                  version: the exception that declares the image difference

History options:
  --table NAME                    history table (default: output of the deployed stack)
  --stack NAME                    stack to read the table name from (default: DriftAuditStack)

Exit codes:
  0  clean: every source read, no drift at or above --fail-on (other commands: done)
  1  drift at or above --fail-on (scan)
  2  usage, baseline or input error (every command)
  3  incomplete audit: a source could not be read (scan, snapshot; not with --allow-partial)
`;

/** Help for one command: what it does, its options and its exit codes. */
export const COMMAND_HELP: Readonly<Record<'scan' | 'explain' | 'baseline' | 'snapshot' | 'init' | 'history', string>> = {
  scan: `Usage: drift-audit scan [BASELINE_DIR] [--snapshots DIR | --live] [options]

Audits the estate against the baseline and prints the report.

Options:
  --snapshots DIR                 exported state to audit (default: BASELINE_DIR/snapshots)
  --json | --markdown | --html    report format (default: terminal text, coloured on a TTY)
  --html FILE                     write the HTML estate report to FILE (same as --html --output FILE)
  --format FORMAT                 terminal, json, markdown or html
  --output FILE                   write the report to FILE instead of stdout
  --fail-on SEVERITY              exit 1 when a drift finding is at least this severe:
                                  info (default), low, medium, high or critical
  --allow-partial                 judge an incomplete audit on what was read instead of exiting 3
  --now ISO_TIME                  audit as of this time (exception expiry); default: now
  --no-color                      plain text even on a terminal
  --verbose                       show every provenance entry and both fixes in full
  --open-prs                      open or update one pull request per drift made outside the pipeline,
                                  with its accept edit (token: GITHUB_TOKEN or --github-token-file FILE);
                                  GitHub failures are reported and never change the exit code
  --pr-repo OWNER/NAME            the config repository (with --open-prs)
  --pr-base BRANCH                the branch pull requests target (default: main)
  --pr-baseline-path PATH         the baseline in that repository: a directory of *.yaml or one file
  --github-api-url URL            GitHub Enterprise Server's API root (default: https://api.github.com)

${LIVE_OPTIONS}
${EXIT_CODES.scan}`,
  explain: `Usage: drift-audit explain KEY --env ENV [BASELINE_DIR] [--snapshots DIR | --live] [--json]

Every source's value for KEY in ENV, the precedence, the effective value, what the baseline
expects and the findings about it.

Options:
  --env ENV, -e ENV               the environment to explain the key in
  --snapshots DIR                 exported state (default: BASELINE_DIR/snapshots)
  --json                          the explanation as JSON
  --now ISO_TIME                  as of this time (exception expiry); default: now
  --no-color                      plain text even on a terminal

${LIVE_OPTIONS}
${EXIT_CODES.explain}`,
  baseline: `Usage:
  drift-audit baseline validate [BASELINE_DIR] [--now ISO_TIME]
  drift-audit baseline accept FINDING_ID... [BASELINE_DIR] [--snapshots DIR | --live] [options]

validate checks every file of the baseline and lists expired and expiring exceptions.
accept declares the live state of findings in the baseline YAML in place, keeping comments,
where it lives (the environment, or its tier when the whole tier holds it), and writes nothing
unless a scan of the same estate then shows them gone and no new finding.

Options:
  --now ISO_TIME                  as of this time (exception expiry); default: now
  --snapshots DIR                 accept: exported state (default: BASELINE_DIR/snapshots)
  --all                           accept: every finding (narrowed by --env and --type when given)
  --env ENV, --type TYPE          accept: the findings of ENV, of TYPE (each repeatable)
  --dry-run                       accept: print the unified diff instead of writing
  --extend YYYY-MM-DD             accept, exception-expired: extend the exception (default:
                                  remove it and declare the live value)
  --owner EMAIL --reason WHY --expires YYYY-MM-DD
                                  accept, version: the exception that declares the image difference

${LIVE_OPTIONS}
${EXIT_CODES.other}`,
  snapshot: `Usage: drift-audit snapshot --out DIR [BASELINE_DIR] [--allow-partial]

Reads the live estate and writes it as files \`scan --snapshots DIR\` reads.

Options:
  --out DIR                       where to write the snapshot
  --allow-partial                 exit 0 even when a source could not be read
  --profile NAME                  AWS profile (same as AWS_PROFILE)
  --ssm-rps N                     SSM requests per second per region (default: half the quota)

${EXIT_CODES.snapshot}`,
  init: `Usage: drift-audit init BASELINE_DIR (--snapshots DIR | --live --env SPEC...) [--update]

Writes a commented baseline from what runs: a shared value where every environment agrees,
expected_differences where tiers differ, secrets as secret: true with no value, workload shape and
image parity. Environments that disagree with their tier are listed for review, not declared: a scan
right after init reports exactly them.

Options:
  --snapshots DIR                 exported state, one directory per environment (tiers from the names)
  --live                          read the environments given with --env (SSM and EKS, AWS credentials)
  --env SPEC                      NAME[:tier=T,region=R,ssm=/path/,eks=cluster/namespace] (repeatable;
                                  tier inferred from names like staging-*, production-*, prod-*)
  --key-style env|relative        how SSM names become keys (default: env, /app/db/timeout -> DB_TIMEOUT)
  --update                        add new keys and environments to the baseline in BASELINE_DIR,
                                  keeping everything written there; a second run changes nothing
  --now ISO_TIME                  audit the review list as of this time
  --profile NAME                  AWS profile (same as AWS_PROFILE)

${EXIT_CODES.init}`,
  history: `Usage: drift-audit history --region REGION [--env ENV] [--key KEY] [--since 30d] [--open | --reminders] [--json]

When each drift of a region opened, changed and resolved, from the deployed history table.

Options:
  --region REGION                 the region whose history to show
  --env ENV                       only this environment
  --key KEY                       only this key
  --since DURATION                how far back (default: 30d)
  --open                          only findings open now
  --reminders                     the reminders sent, by day (digests of long-open drift, expiring exceptions)
  --json                          as JSON
  --table NAME                    history table (default: output of the deployed stack)
  --stack NAME                    stack to read the table name from (default: DriftAuditStack)
  --profile NAME                  AWS profile (same as AWS_PROFILE)

${EXIT_CODES.other}`,
};
