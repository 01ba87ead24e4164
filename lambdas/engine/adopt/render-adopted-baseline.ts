import { Document, type YAMLMap } from 'yaml';
import type { AdoptedEnvironment } from './adopted-environment.js';
import type { BaselineProposal, KeyProposal } from './propose-baseline.js';

/** The first line of the review block `init` writes and rewrites; what follows it is `init`'s own. */
export const REVIEW_HEADER = 'drift-audit init: for review';

/**
 * Renders a proposal as one commented baseline file. Outliers are listed in the review block at the
 * top and declared nowhere, so a scan keeps reporting them until someone decides.
 */
export function renderAdoptedBaseline(environments: readonly AdoptedEnvironment[], proposal: BaselineProposal, review: readonly string[]): string {
  const doc = new Document({});
  doc.set('version', 1);
  const defaults = doc.createNode({ unmanaged: 'report' });
  defaults.commentBefore = ' Keys nobody declared are reported: a key that appears after init is new configuration.';
  doc.set('defaults', defaults);
  const images = doc.createNode({ parity: proposal.imageParity });
  images.commentBefore =
    proposal.imageParity === 'tier'
      ? ' Images differed between tiers when init ran: compared within each tier.'
      : ' Every environment ran the same images when init ran: compared across all of them.';
  doc.set('images', images);
  doc.set('environments', environmentsNode(doc, environments));
  addProposedKeys(doc, proposal, () => true);
  doc.commentBefore = reviewComment(review);
  return doc.toString({ lineWidth: 0 });
}

/** Adds the proposal's keys for which `wanted(application, key)` holds; returns how many. */
export function addProposedKeys(doc: Document, proposal: BaselineProposal, wanted: (application: string | undefined, key: string) => boolean): number {
  let added = 0;
  for (const [application, keys] of proposal.applications) {
    for (const { key, proposal: proposed } of keys) {
      if (!wanted(application, key)) continue;
      const base = application === undefined ? [] : ['applications', application];
      if (proposed.kind === 'tiers') doc.setIn([...base, 'expected_differences', key], doc.createNode(proposed.tiers));
      else doc.setIn([...base, 'settings', key], settingNode(doc, proposed));
      added += 1;
    }
  }
  return added;
}

/** Adds an environment's declaration. */
export function environmentNode(doc: Document, env: AdoptedEnvironment): YAMLMap {
  const node = doc.createNode({
    tier: env.tier,
    ...(env.region === undefined ? {} : { region: env.region }),
    sources: {
      ...(env.ssm.length === 0 ? {} : { ssm: env.ssm.map((ssm) => ({ path: ssm.path, key_style: ssm.keyStyle })) }),
      ...(env.eks.length === 0 ? {} : { eks: env.eks.map((eks) => ({ cluster: eks.cluster, namespaces: [...eks.namespaces] })) }),
    },
  }) as YAMLMap;
  if (env.tierInferred) {
    node.commentBefore = ` tier ${env.tier}: inferred from the name; change it if the environment belongs elsewhere.`;
  }
  return node;
}

function environmentsNode(doc: Document, environments: readonly AdoptedEnvironment[]): YAMLMap {
  const map = doc.createNode({}) as YAMLMap;
  for (const env of environments) map.set(env.name, environmentNode(doc, env));
  return map;
}

function settingNode(doc: Document, proposal: Exclude<KeyProposal, { kind: 'tiers' }>): unknown {
  switch (proposal.kind) {
    case 'shared':
      return doc.createNode(proposal.value);
    case 'secret': {
      const node = doc.createNode({ secret: true });
      node.comment = ' audited by presence and version; the value is never read into the baseline';
      return node;
    }
    case 'parity': {
      const node = doc.createNode({ parity: 'tier', ...(Object.keys(proposal.tiers).length === 0 ? {} : { tiers: proposal.tiers }) });
      node.comment = ' a tier disagreed with itself: see the review list above';
      return node;
    }
  }
}

/** The review block: what a scan right after init reports, one line each. */
export function reviewComment(review: readonly string[]): string {
  const lines = [
    ` ${REVIEW_HEADER} (written by drift-audit init; it rewrites this block, and only this block, on --update)`,
    review.length === 0
      ? ' Every environment agreed with its tier: nothing to review.'
      : ' Environments that disagree with their tier, and what else a scan reports now. None of it is declared, so',
    ...(review.length === 0 ? [] : [' each stays a finding until someone decides (fix the estate, or declare the value):']),
    ...review.map((line) => `   - ${line}`),
  ];
  return lines.join('\n');
}
