import type { Provenance } from '../../engine/model.js';

/** How much of a change time to print. */
export type ProvenanceDateStyle =
  /** `2026-08-14`: enough for a terminal line. */
  | 'day'
  /** The ISO timestamp as recorded. */
  | 'iso';

/** Options for {@link formatProvenance}. */
export interface FormatProvenanceOptions {
  /** @default 'day' */
  readonly dateStyle?: ProvenanceDateStyle;
  /**
   * Add the account, region and cluster the value was read in and the snapshot file of every source;
   * without it the file is named only for dotenv and app-config values, whose location means little
   * without it.
   * @default false
   */
  readonly detailed?: boolean;
  /** Wraps what came from the estate (location, principal, file): inline code, say. @default identity */
  readonly literal?: (text: string) => string;
  /** Escapes the words this formatter writes around them. @default identity */
  readonly prose?: (text: string) => string;
  /** Highlights "outside the pipeline". @default identity */
  readonly outOfBand?: (text: string) => string;
}

/** The layer each source kind implies; the layer is printed only when it says something more. */
const IMPLIED_LAYER: Readonly<Record<Provenance['source'], string | undefined>> = {
  ssm: 'ssm',
  dotenv: 'env',
  'app-config': 'file',
  kubernetes: undefined,
};

const same = (text: string): string => text;

/**
 * One human line saying where a value came from and who last changed it, e.g.
 * `ssm /production-us/api/DB_TIMEOUT v7, changed by arn:aws:iam::1:user/bob on 2026-08-14 — outside the pipeline`.
 *
 * Shared by every renderer so the terminal, Markdown and HTML reports tell the same story; the hooks
 * let each format escape and mark up the parts without re-parsing the line.
 */
export function formatProvenance(p: Provenance, options: FormatProvenanceOptions = {}): string {
  const dateStyle = options.dateStyle ?? 'day';
  const literal = options.literal ?? same;
  const prose = options.prose ?? same;
  const parts: string[] = [prose(`${p.source} `), literal(p.location)];
  if (IMPLIED_LAYER[p.source] !== p.layer) parts.push(prose(` [${p.layer}]`));
  if (p.version !== undefined) parts.push(prose(` v${p.version}`));
  if (p.changedBy !== undefined) parts.push(prose(', changed by '), literal(p.changedBy));
  if (p.changedAt !== undefined) {
    const when = dateStyle === 'day' ? p.changedAt.slice(0, 10) : p.changedAt;
    parts.push(prose(p.changedBy !== undefined ? ` on ${when}` : `, changed on ${when}`));
  }
  if (p.outOfBand === true) parts.push(prose(' — '), (options.outOfBand ?? same)(prose('outside the pipeline')));
  const detailed = options.detailed === true;
  if (detailed) {
    const where = [p.account, p.region, p.cluster === undefined ? undefined : `cluster ${p.cluster}`].filter((part): part is string => part !== undefined);
    if (where.length > 0) parts.push(prose(` (${where.join(' ')})`));
  }
  const fileNamed = p.file !== undefined && p.location.includes(p.file);
  if (p.file !== undefined && !fileNamed && (detailed || p.source === 'dotenv' || p.source === 'app-config')) {
    parts.push(prose(' (read from '), literal(p.file), prose(')'));
  }
  return parts.join('');
}
