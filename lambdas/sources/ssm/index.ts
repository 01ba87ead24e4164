/** SSM Parameter Store: the live source and the record-to-observation mapping it shares with the file source. */
export {
  normaliseSsmPrefix,
  ssmParametersToObservations,
  toLogicalKey,
  type SsmObservationOptions,
  type SsmParameterRecord,
} from './ssm-observations.js';
export {
  SsmSource,
  createSsmSource,
  ssmSourceId,
  type SsmReadStats,
  type SsmSourceOptions,
  type SsmSourceReadResult,
} from './ssm-source.js';
