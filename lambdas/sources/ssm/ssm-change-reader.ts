import type { EnvironmentSpec, SourceStatus, SsmSourceSpec } from '../../engine/model.js';
import { abortedReadMessage } from '../read-failure.js';
import { NOT_READ_CODE, type ChangeReader, type TargetedLiveRead } from '../change-reader.js';
import type { LiveReadContext } from '../source-kind.js';
import { normaliseSsmPrefix, ssmParametersToObservations, toLogicalKey, type SsmParameterRecord } from './ssm-observations.js';
import { ssmSourceId } from './ssm-source-id.js';

/**
 * Change events for SSM trees: a `Parameter Store Change` touches the tree whose region, account and
 * path prefix hold the parameter; a targeted read fetches only the changed names (see
 * `readSsmParametersByName`) and merges them into the tree's previous records; a replay rebuilds the
 * tree's observations from those records without a call.
 */
export const ssmChangeReader: ChangeReader<SsmSourceSpec> = {
  touches(spec, environment, change) {
    if (change.origin !== 'parameter-store') return undefined;
    if ((spec.region ?? environment.region) !== change.region) return undefined;
    // An environment that names no account is read with the auditor's own credentials: any account the
    // event bus accepted may be it, so only a declared account narrows the match.
    if (environment.account !== undefined && environment.account !== change.account) return undefined;
    const prefix = normaliseSsmPrefix(spec.path);
    return change.name.startsWith(prefix) && change.name.length > prefix.length ? change.name : undefined;
  },

  planTargeted(spec, context, names) {
    const region = spec.region ?? context.environment.region;
    if (region === undefined) return undefined;
    const id = ssmSourceId(region, spec.path);
    const previous = context.previous?.[id] as readonly SsmParameterRecord[] | undefined;
    if (previous === undefined) return undefined;
    const keys = [...new Set(names.map((name) => keyOf(spec, name)))].sort();
    return {
      id,
      async read(): Promise<TargetedLiveRead> {
        const { readSsmParametersByName, mergeNamedRecords } = await import('./ssm-named-read.js');
        const { AwsReadError } = await import('../aws/aws-read-error.js');
        const { environment, options } = context;
        const client = options.factory.ssm({ region, ...(environment.roleArn === undefined ? {} : { roleArn: environment.roleArn }) });
        try {
          const read = await readSsmParametersByName(client, names, region, options.signal);
          const records = mergeNamedRecords(previous, names, read.records);
          return { result: resultOf(spec, environment, region, id, records), state: records, keys };
        } catch (error) {
          const failure = error instanceof AwsReadError ? error : new AwsReadError(`read SSM parameters under ${spec.path}`, region, error);
          const aborted = options.signal?.aborted === true;
          const message = aborted ? `cannot read SSM parameters under ${spec.path} in ${region}: ${abortedReadMessage(options.signal)}` : failure.message;
          return {
            result: {
              observations: [],
              images: [],
              status: { ...status(id, 0), status: 'error', error: { code: aborted ? 'aborted' : failure.code, message } },
            },
            keys,
          };
        }
      },
    };
  },

  replay(spec, context: LiveReadContext) {
    const region = spec.region ?? context.environment.region;
    const id = ssmSourceId(region ?? '?', spec.path);
    const previous = context.previous?.[id] as readonly SsmParameterRecord[] | undefined;
    if (region === undefined || previous === undefined) {
      const message = `SSM parameters under ${spec.path} were not read by this change-driven run and no earlier read is kept`;
      return { result: { observations: [], images: [], status: { ...status(id, 0), status: 'error', error: { code: NOT_READ_CODE, message } } } };
    }
    return { result: resultOf(spec, context.environment, region, id, previous), state: previous };
  },
};

/** The logical key of a parameter of the tree. */
function keyOf(spec: SsmSourceSpec, name: string): string {
  return toLogicalKey(name.slice(normaliseSsmPrefix(spec.path).length), spec.keyStyle);
}

function resultOf(spec: SsmSourceSpec, environment: EnvironmentSpec, region: string, id: string, records: readonly SsmParameterRecord[]) {
  const observations = ssmParametersToObservations(records, {
    prefix: spec.path,
    keyStyle: spec.keyStyle,
    ...(spec.application === undefined ? {} : { application: spec.application }),
    region,
    ...(environment.account === undefined ? {} : { account: environment.account }),
  });
  return { observations, images: [], status: status(id, observations.length) };
}

function status(id: string, itemCount: number): SourceStatus {
  return { id, kind: 'ssm', layers: ['ssm'], status: 'ok', itemCount };
}
