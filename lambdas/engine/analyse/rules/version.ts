import type { Baseline, ChangeAttribution, Finding, Fix, ImageObservation, Severity, ShownValue } from '../../model.js';
import { attribute } from '../attribution.js';
import { compareText, type EnvironmentContext } from '../environment-context.js';
import { judgeException, type ExceptionIndex } from '../exception-index.js';
import { findingId } from '../finding-id.js';
import type { IgnoreMatcher } from '../ignore-matcher.js';
import { mostCommon } from '../most-common.js';
import { shellWord } from '../shell-quote.js';
import { acceptExpiredException } from '../accept-fix.js';
import { expiredExceptionFinding } from './exception-expired.js';
import { changeSuffix, findingBase } from './key-context.js';

interface Member {
  readonly env: EnvironmentContext;
  readonly image: ImageObservation;
}

/** Which environments must run the same tag; `all` when the baseline does not say. */
export type ImageParity = NonNullable<Baseline['images']>['parity'];

/** What {@link versionFindings} compares and what it may leave unsaid. */
export interface VersionAudit {
  readonly environments: readonly EnvironmentContext[];
  readonly severity: Severity;
  readonly attribution: ChangeAttribution;
  /** `all` (default), `tier` (only environments of the same tier are compared), `none`. */
  readonly parity?: ImageParity;
  /** Matched against the finding key `<workload>/<container>` (`deployment/api-server/pgbouncer`). */
  readonly ignore?: IgnoreMatcher;
  /** Exceptions by key, the key being `<workload>/<container>`; a value matches the tag or the image. */
  readonly exceptions?: ExceptionIndex;
}

/**
 * `version`: the same container (`namespace/workload/container`) runs different image tags across
 * environments that must agree (a client library ahead in staging). Which environments must agree is
 * the baseline's `images.parity`: all of them (the default), those of the same tier (staging may run
 * ahead during a release, production regions may not disagree), or none.
 *
 * The reference is the tag most of the group runs. On a tie, as for a setting's parity, the side whose
 * image was changed outside the pipeline (`kubectl set image`) is the one off the reference when it is
 * the only side so changed; otherwise the tie goes to the environment declared first. Among environments on the reference tag, digests are compared the same way. Each environment off
 * the reference gets one finding, with every group member's image in `comparedWith` and a
 * `kubectl set image` revert to the reference. A difference is declared as expected the way any key's
 * is: an `ignore` pattern or an exception on the key `<workload>/<container>`, whose value (when it
 * has one) is the tag (or the full image reference) allowed; an expired one that still matches
 * gives `exception-expired`.
 */
export function versionFindings(audit: VersionAudit): Finding[] {
  const parity = audit.parity ?? 'all';
  if (parity === 'none') return [];
  const groups = new Map<string, Member[]>();
  for (const env of audit.environments) {
    const chosen = new Map<string, ImageObservation>();
    for (const image of env.images) {
      const group = `${image.namespace}/${image.workload}/${image.container}`;
      const seen = chosen.get(group);
      // Two reports of one container (two sources) resolve to the first by reference, not by read order.
      if (seen === undefined || compareImages(image, seen) < 0) chosen.set(group, image);
    }
    for (const [group, image] of chosen) {
      // Tiers never share a group under `tier`; `\u0000` cannot be part of a tier or a name.
      const scoped = parity === 'tier' ? `${env.spec.tier}\u0000${group}` : group;
      const members = groups.get(scoped);
      if (members === undefined) groups.set(scoped, [{ env, image }]);
      else members.push({ env, image });
    }
  }
  const findings: Finding[] = [];
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const first = (members[0] as Member).image;
    if (audit.ignore?.ignores(keyOf(first)) === true) continue;
    const referenceTag = referenceTagOf(members, audit.attribution);
    const onTag = members.filter((m) => (m.image.tag ?? '') === referenceTag);
    const withDigest = onTag.filter((m) => m.image.digest !== undefined);
    const referenceDigest = withDigest.length === 0 ? undefined : mostCommon(withDigest, (m) => m.image.digest ?? '');
    const deviating = members.filter(
      (m) => (m.image.tag ?? '') !== referenceTag || (referenceDigest !== undefined && m.image.digest !== undefined && m.image.digest !== referenceDigest),
    );
    if (deviating.length === 0) continue;
    const comparedWith: Record<string, ShownValue> = {};
    for (const m of members) comparedWith[m.env.spec.name] = { text: m.image.image, secret: false };
    const scope = parity === 'tier' ? `${(members[0] as Member).env.spec.tier} environments` : 'environments';
    for (const m of deviating) {
      const verdict =
        audit.exceptions === undefined || audit.exceptions.size === 0
          ? undefined
          : judgeException(audit.exceptions, keyOf(m.image), m.env.spec, (allowed) => imageMatches(m.image, allowed));
      if (verdict?.kind === 'allowed') continue;
      const finding = versionFinding(m, members, referenceTag, referenceDigest, comparedWith, scope, audit);
      findings.push(verdict === undefined ? finding : expiredVersionFinding(finding, m, verdict.exception.spec, audit.severity));
    }
  }
  return findings;
}

/** The tag the group should run: see {@link versionFindings}. */
function referenceTagOf(members: readonly Member[], attribution: ChangeAttribution): string {
  const tagOf = (m: Member) => m.image.tag ?? '';
  const counts = new Map<string, number>();
  for (const m of members) counts.set(tagOf(m), (counts.get(tagOf(m)) ?? 0) + 1);
  const [top, second] = [...counts.values()].sort((a, b) => b - a);
  const declaredFirst = mostCommon(members, tagOf) ?? '';
  if (second === undefined || (top ?? 0) > second) return declaredFirst;
  const byHand = new Set(members.filter((m) => attribute(m.image.provenance, attribution).outOfBand === true).map(tagOf));
  if (byHand.size !== 1) return declaredFirst;
  const rest = members.filter((m) => !byHand.has(tagOf(m)));
  const restTags = new Set(rest.map(tagOf));
  return restTags.size === 1 ? tagOf(rest[0] as Member) : declaredFirst;
}

function versionFinding(
  member: Member,
  members: readonly Member[],
  referenceTag: string,
  referenceDigest: string | undefined,
  comparedWith: Readonly<Record<string, ShownValue>>,
  scope: string,
  audit: VersionAudit,
): Finding {
  const { env, image } = member;
  const byDigest = (image.tag ?? '') === referenceTag;
  const holders = members.filter((m) => (m.image.tag ?? '') === referenceTag && (!byDigest || m.image.digest === referenceDigest));
  const reference = `${image.repository}${referenceTag === '' ? '' : `:${referenceTag}`}${byDigest && referenceDigest !== undefined ? `@${referenceDigest}` : ''}`;
  const provenance = attribute(image.provenance, audit.attribution);
  const key = keyOf(image);
  const environment = env.spec.name;
  return {
    ...findingBase('version', env.spec, key, audit.severity, undefined, findingId('version', environment, groupOf(image))),
    expected: { text: reference, secret: false },
    actual: { text: image.image, secret: false },
    message: `${key} in ${image.namespace} runs ${image.image} in ${environment} but ${reference} in ${holders.map((m) => m.env.spec.name).join(', ')}${changeSuffix(provenance)}`,
    provenance: [provenance],
    comparedWith,
    fixes: {
      revert: {
        summary: `Run ${reference} in ${environment} like the other ${scope} (or promote ${image.image} to them through the pipeline)`,
        command: `kubectl -n ${shellWord(image.namespace)} set image ${shellWord(image.workload)} ${shellWord(`${image.container}=${reference}`)}`,
      },
      accept: acceptImage(findingId('version', environment, groupOf(image)), key, environment, image, audit.parity ?? 'all'),
    },
  };
}

/** An expired exception whose image is still live: `exception-expired`, keeping the version finding's revert. */
function expiredVersionFinding(deviation: Finding, member: Member, exception: Parameters<typeof expiredExceptionFinding>[1], severity: Severity): Finding {
  const expired = expiredExceptionFinding(deviation, exception, severity, undefined);
  // The version id's scope: a workload of the same name in another namespace is another finding.
  const id = findingId('exception-expired', deviation.environment, groupOf(member.image));
  return {
    ...expired,
    id,
    fixes: {
      ...(deviation.fixes.revert === undefined ? {} : { revert: deviation.fixes.revert }),
      // Only an exception can allow an image difference, so extending it is the accept.
      accept: acceptExpiredException(id, deviation.key, exception, undefined),
    },
  };
}

/**
 * How to declare an image difference: an exception needs an owner, a reason and an end date only a
 * person can give, so the fix names the command that writes it with them rather than an edit.
 * `images.parity: tier` is offered only where it would change something: under `tier` already (as
 * `init` writes it) the difference is within a tier, and only an exception declares it.
 */
function acceptImage(id: string, key: string, environment: string, image: ImageObservation, parity: ImageParity): Fix {
  const value = image.tag ?? image.image;
  const exception =
    `Declare the difference with an exception (key: ${key}, environment: ${environment}, value: ${value}): ` +
    `drift-audit baseline accept ${id} --owner EMAIL --reason WHY --expires YYYY-MM-DD`;
  return { summary: parity === 'all' ? `${exception}; or set images.parity: tier in the baseline to compare tags within a tier only` : exception };
}

/** An exception value allows an image when it is its tag, its digest, or its reference with or without the registry path. */
function imageMatches(image: ImageObservation, allowed: string): boolean {
  if (allowed === image.image || allowed === image.tag || allowed === image.digest) return true;
  return image.tag !== undefined && allowed === `${image.repository}:${image.tag}`;
}

function keyOf(image: ImageObservation): string {
  return `${image.workload}/${image.container}`;
}

function groupOf(image: ImageObservation): string {
  return `${image.namespace}/${image.workload}/${image.container}`;
}

function compareImages(a: ImageObservation, b: ImageObservation): number {
  return compareText(a.image, b.image) || compareText(a.provenance.location, b.provenance.location);
}
