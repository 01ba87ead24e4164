import { isMap, parseDocument, type Document } from 'yaml';
import type { BaselineFile } from '../baseline/baseline-file.js';
import type { Finding, Snapshot } from '../model.js';
import { environmentSpecsOf, reviewFindings, reviewLine } from './adopt-baseline.js';
import type { AdoptedEnvironment } from './adopted-environment.js';
import { proposeBaseline } from './propose-baseline.js';
import { addProposedKeys, environmentNode, REVIEW_HEADER, reviewComment } from './render-adopted-baseline.js';

/** What `init --update` is given: the file it adds to, the baseline's other files, and what runs. */
export interface UpdateAdoptedInput {
  readonly file: BaselineFile;
  readonly others: readonly BaselineFile[];
  readonly environments: readonly AdoptedEnvironment[];
  readonly snapshots: readonly Snapshot[];
  readonly now: Date;
}

/** The updated file's text (the same text when nothing was new) and what was added. */
export interface UpdateAdoptedResult {
  readonly text: string;
  readonly addedEnvironments: readonly string[];
  readonly addedKeys: number;
  readonly review: readonly Finding[];
}

/**
 * Adds to an existing baseline what it does not declare yet: environments, and keys of an application
 * declared in no file (as a setting or an expected difference). Everything people wrote stays as it
 * was, comments included (the yaml Document API edits nodes in place); only init's own review block is
 * rewritten. Nothing new: the text comes back unchanged, byte for byte, so a second run is a no-op.
 */
export function updateAdoptedBaseline(input: UpdateAdoptedInput): UpdateAdoptedResult {
  const doc = parseDocument(input.file.text);
  const docs = [doc, ...input.others.filter((file) => /\.ya?ml$/i.test(file.name)).map((file) => parseDocument(file.text))];
  const declaredEnvironments = new Set(docs.flatMap((each) => keysAt(each, ['environments'])));
  const addedEnvironments: string[] = [];
  for (const env of input.environments) {
    if (declaredEnvironments.has(env.name)) continue;
    doc.setIn(['environments', env.name], environmentNode(doc, env));
    addedEnvironments.push(env.name);
  }
  const proposal = proposeBaseline({ environments: environmentsForProposal(docs, input.environments), snapshots: input.snapshots });
  const declared = (application: string | undefined, key: string): boolean =>
    docs.some((each) => {
      const base = application === undefined ? [] : ['applications', application];
      // A shared declaration (top-level settings or expected_differences) holds for every application.
      return (
        each.hasIn([...base, 'settings', key]) ||
        each.hasIn([...base, 'expected_differences', key]) ||
        each.hasIn(['settings', key]) ||
        each.hasIn(['expected_differences', key])
      );
    });
  const addedKeys = addProposedKeys(doc, proposal, (application, key) => !declared(application, key));
  if (addedEnvironments.length === 0 && addedKeys === 0) return { text: input.file.text, addedEnvironments, addedKeys, review: [] };
  const draft = doc.toString({ lineWidth: 0 });
  const review = reviewFindings(draft, input.snapshots, input.now, input.others);
  replaceReviewBlock(doc, review.map(reviewLine));
  return { text: doc.toString({ lineWidth: 0 }), addedEnvironments, addedKeys, review };
}

function keysAt(doc: Document, path: readonly string[]): string[] {
  const node = doc.getIn(path, true);
  return isMap(node) ? node.items.map((pair) => String((pair.key as { value?: unknown } | null)?.value ?? pair.key)) : [];
}

/** Tiers as the baseline declares them (people may have regrouped what init inferred). */
function environmentsForProposal(docs: readonly Document[], environments: readonly AdoptedEnvironment[]) {
  return environmentSpecsOf(
    environments.map((env) => {
      const tier = docs.map((each) => each.getIn(['environments', env.name, 'tier'])).find((value) => typeof value === 'string');
      return typeof tier === 'string' ? { ...env, tier } : env;
    }),
  );
}

/** Rewrites init's review block at the top of the file; a file without one gets one. */
function replaceReviewBlock(doc: Document, review: readonly string[]): void {
  const existing = doc.commentBefore ?? '';
  const at = existing.indexOf(` ${REVIEW_HEADER}`);
  const kept = at < 0 ? existing : existing.slice(0, at).replace(/\n+$/, '');
  doc.commentBefore = kept === '' ? reviewComment(review) : `${kept}\n\n${reviewComment(review)}`;
}
