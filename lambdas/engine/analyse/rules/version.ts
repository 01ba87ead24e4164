import type { ChangeAttribution, Finding, ImageObservation, Severity, ShownValue } from '../../model.js';
import { nothingToAccept } from '../accept-fix.js';
import { attribute } from '../attribution.js';
import { compareText, type EnvironmentContext } from '../environment-context.js';
import { findingId } from '../finding-id.js';
import { mostCommon } from '../most-common.js';
import { shellWord } from '../shell-quote.js';
import { changeSuffix, findingBase } from './key-context.js';

interface Member {
  readonly env: EnvironmentContext;
  readonly image: ImageObservation;
}

/**
 * `version`: the same container (`namespace/workload/container`) runs different image tags across
 * environments (a client library ahead in staging). The reference is the tag most environments run,
 * ties going to the environment declared first; among environments on the reference tag, digests are
 * compared the same way. Each environment off the reference gets one finding, with every
 * environment's image in `comparedWith` and a `kubectl set image` revert to the reference.
 */
export function versionFindings(
  environments: readonly EnvironmentContext[],
  severity: Severity,
  attribution: ChangeAttribution,
): Finding[] {
  const groups = new Map<string, Member[]>();
  for (const env of environments) {
    const chosen = new Map<string, ImageObservation>();
    for (const image of env.images) {
      const group = `${image.namespace}/${image.workload}/${image.container}`;
      const seen = chosen.get(group);
      // Two reports of one container (two sources) resolve to the first by reference, not by read order.
      if (seen === undefined || compareImages(image, seen) < 0) chosen.set(group, image);
    }
    for (const [group, image] of chosen) {
      const members = groups.get(group);
      if (members === undefined) groups.set(group, [{ env, image }]);
      else members.push({ env, image });
    }
  }
  const findings: Finding[] = [];
  for (const [group, members] of groups) {
    if (members.length < 2) continue;
    const referenceTag = mostCommon(members, (m) => m.image.tag ?? '') ?? '';
    const onTag = members.filter((m) => (m.image.tag ?? '') === referenceTag);
    const withDigest = onTag.filter((m) => m.image.digest !== undefined);
    const referenceDigest = withDigest.length === 0 ? undefined : mostCommon(withDigest, (m) => m.image.digest ?? '');
    const deviating = members.filter(
      (m) =>
        (m.image.tag ?? '') !== referenceTag ||
        (referenceDigest !== undefined && m.image.digest !== undefined && m.image.digest !== referenceDigest),
    );
    if (deviating.length === 0) continue;
    const comparedWith: Record<string, ShownValue> = {};
    for (const m of members) comparedWith[m.env.spec.name] = { text: m.image.image, secret: false };
    for (const m of deviating) findings.push(versionFinding(group, m, members, referenceTag, referenceDigest, comparedWith, severity, attribution));
  }
  return findings;
}

function versionFinding(
  group: string,
  member: Member,
  members: readonly Member[],
  referenceTag: string,
  referenceDigest: string | undefined,
  comparedWith: Readonly<Record<string, ShownValue>>,
  severity: Severity,
  attribution: ChangeAttribution,
): Finding {
  const { env, image } = member;
  const byDigest = (image.tag ?? '') === referenceTag;
  const holders = members.filter(
    (m) => (m.image.tag ?? '') === referenceTag && (!byDigest || m.image.digest === referenceDigest),
  );
  const reference = `${image.repository}${referenceTag === '' ? '' : `:${referenceTag}`}${byDigest && referenceDigest !== undefined ? `@${referenceDigest}` : ''}`;
  const provenance = attribute(image.provenance, attribution);
  const key = `${image.workload}/${image.container}`;
  const environment = env.spec.name;
  return {
    ...findingBase('version', env.spec, key, severity, findingId('version', environment, group)),
    expected: { text: reference, secret: false },
    actual: { text: image.image, secret: false },
    message: `${key} in ${image.namespace} runs ${image.image} in ${environment} but ${reference} in ${holders.map((m) => m.env.spec.name).join(', ')}${changeSuffix(provenance)}`,
    provenance: [provenance],
    comparedWith,
    fixes: {
      revert: {
        summary: `Run ${reference} in ${environment} like the other environments (or promote ${image.image} to them through the pipeline)`,
        command: `kubectl -n ${shellWord(image.namespace)} set image ${shellWord(image.workload)} ${shellWord(`${image.container}=${reference}`)}`,
      },
      accept: nothingToAccept('Nothing to accept: image versions are not declared in the baseline; align them through the pipeline'),
    },
  };
}

function compareImages(a: ImageObservation, b: ImageObservation): number {
  return compareText(a.image, b.image) || compareText(a.provenance.location, b.provenance.location);
}
