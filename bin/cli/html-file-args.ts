/**
 * `scan --html FILE` (or `--html=FILE`) writes the HTML estate report to FILE: rewritten to
 * `--html --output FILE` before parsing, so `--html` alone still prints the page. A bare `--html` is
 * followed by a FILE only when the next word ends in `.html` or `.htm`, so `scan --html config` keeps
 * reading `config` as the BASELINE_DIR. Other commands' arguments pass through untouched.
 */
export function htmlFileArgs(argv: readonly string[]): string[] {
  if (argv[0] !== 'scan') return [...argv];
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (arg.startsWith('--html=')) out.push('--html', '--output', arg.slice('--html='.length));
    else if (arg === '--html' && next !== undefined && /\.html?$/i.test(next)) {
      out.push('--html', '--output', next);
      i += 1;
    } else out.push(arg);
  }
  return out;
}
