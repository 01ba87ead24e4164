import type { RevertTarget } from '../../engine/model.js';
import type { RevertTargetKind } from '../revert-target-kind.js';

type FileKeyTarget = Extract<RevertTarget, { kind: 'file-key' }>;

/** A key of a config file: editing a file is not a command we can know, so the fix is a sentence. */
export const fileKeyTarget: RevertTargetKind<FileKeyTarget> = {
  name: 'file-key',
  layer: 'file',
  describe: (target) => `${target.file} at ${target.path}`,
  command: () => undefined,
  manualSummary(target, action, context) {
    const verb = action.kind === 'set' ? `set ${target.path} to ${action.value}` : `remove ${target.path}`;
    return `Edit ${target.file} for ${context.environment.name}: ${verb}, then redeploy`;
  },
  templateName: (target) => target.file,
  place: (key, { template }) => (template === undefined ? undefined : { target: { ...template, path: key } }),
};
