import type { Finding, SourceStatus } from '../../model.js';
import { nothingToAccept } from '../accept-fix.js';
import type { EnvironmentContext } from '../environment-context.js';
import { findingId } from '../finding-id.js';
import { findingBase } from './key-context.js';

/**
 * `source-error`: one declared source could not be read. Always `high`: while it lasts the
 * environment is audited partially (no `missing`, nothing judged that the source could override).
 * The message is the source's own error message, which never holds a value.
 */
export function sourceErrorFinding(env: EnvironmentContext, status: SourceStatus): Finding {
  const environment = env.spec.name;
  const reason = status.error === undefined ? `${status.id} could not be read` : status.error.message;
  const code = status.error?.code;
  return {
    ...findingBase('source-error', env.spec, status.id, 'high', undefined, findingId('source-error', environment, status.id)),
    message: reason,
    provenance: [],
    fixes: {
      revert: {
        summary: `Make ${status.id} readable${code === undefined ? '' : ` (${code})`} and run the audit again; until then ${environment} is audited partially`,
      },
      accept: nothingToAccept('Nothing to accept: a source that could not be read is not drift'),
    },
  };
}
