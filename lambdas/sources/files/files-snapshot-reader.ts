import type { Observation } from '../../engine/model.js';
import type { SnapshotFormat, SnapshotReader } from '../source-kind.js';
import { parseAppConfig } from './parse-app-config.js';
import { parseDotenv } from './parse-dotenv.js';

/** Labels a file's observations with the application that reads the file. */
function withApplication(observations: Observation[], application: string | undefined): Observation[] {
  return application === undefined ? observations : observations.map((observation) => ({ ...observation, application }));
}

function labelsOf(file: string, layer: Observation['provenance']['layer'] | undefined, context: { region?: string; account?: string }) {
  return {
    file,
    ...(layer === undefined ? {} : { layer }),
    ...(context.region === undefined ? {} : { region: context.region }),
    ...(context.account === undefined ? {} : { account: context.account }),
  };
}

/** `KEY=value` lines. */
const dotenvFormat: SnapshotFormat = {
  name: 'dotenv',
  layers: ['env'],
  layerOverride: true,
  load: (text) => text,
  observations(file, spec, context) {
    // `content` is what load above returned: the file's text.
    const { observations, warnings } = parseDotenv(file.content as string, labelsOf(file.file, spec.layer, context));
    const labelled = withApplication(observations, spec.application ?? context.defaultApplication);
    return { observations: labelled, images: [], warnings, itemCount: observations.length };
  },
};

/** YAML or JSON application config; nested keys are flattened with `.`. */
const appConfigFormat: SnapshotFormat = {
  name: 'app-config',
  layers: ['file'],
  layerOverride: true,
  load: (text) => text,
  observations(file, spec, context) {
    // `content` is what load above returned: the file's text.
    const { observations, warnings } = parseAppConfig(file.content as string, { ...labelsOf(file.file, spec.layer, context), keyStyle: spec.keyStyle });
    const labelled = withApplication(observations, spec.application ?? context.defaultApplication);
    return { observations: labelled, images: [], warnings, itemCount: observations.length };
  },
};

/**
 * The team's own files: dotenv (recognised by its syntax, before any other format) and application
 * config, which is what any other YAML or JSON mapping is, so it is asked last.
 */
export const filesSnapshotReader: SnapshotReader = {
  formats: [dotenvFormat, appConfigFormat],
  contentRank: Number.POSITIVE_INFINITY,
  detectDocuments: () => 'app-config',
  nameRank: Number.POSITIVE_INFINITY,
  detectName: () => 'app-config',
};
