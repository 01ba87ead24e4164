import type { RevertTarget } from '../../engine/model.js';
import { shellQuote, shellWord } from '../../engine/analyse/shell-quote.js';
import type { RevertTargetKind } from '../revert-target-kind.js';

type SsmParameterTarget = Extract<RevertTarget, { kind: 'ssm-parameter' }>;

/**
 * An SSM parameter: `aws ssm put-parameter` / `delete-parameter`. A SecureString gets no put command,
 * since its value is never known here. An absent key is created as the first declared prefix plus the key.
 */
export const ssmParameterTarget: RevertTargetKind<SsmParameterTarget> = {
  name: 'ssm-parameter',
  layer: 'ssm',
  describe: (target) => `ssm ${target.name}`,
  command(target, action, context) {
    const region = context.provenance?.region ?? context.region ?? context.environment.region;
    const regionFlag = region === undefined ? '' : ` --region ${shellWord(region)}`;
    if (action.kind === 'delete') return `aws ssm delete-parameter --name ${shellQuote(target.name)}${regionFlag}`;
    if (target.type === 'SecureString') return undefined;
    // `--value=...` keeps a value starting with `-` from being read as an option.
    const value = action.value.startsWith('-') ? `--value=${shellQuote(action.value)}` : `--value ${shellQuote(action.value)}`;
    return `aws ssm put-parameter --name ${shellQuote(target.name)} ${value} --type ${target.type} --overwrite${regionFlag}`;
  },
  templateName: (target) => target.name,
  place(key, { prefix, secret }) {
    if (prefix === undefined) return undefined;
    return {
      target: { kind: 'ssm-parameter', name: `${prefix.path}${key}`, type: secret ? 'SecureString' : 'String' },
      ...(prefix.region === undefined ? {} : { region: prefix.region }),
    };
  },
};
