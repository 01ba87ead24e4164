import type { ExceptionSpec, Finding, SettingSpec, Severity } from '../../model.js';
import { acceptExpiredException } from '../accept-fix.js';
import { findingId } from '../finding-id.js';
import { atLeast } from '../severity.js';

/**
 * `exception-expired`: a deviation an exception allowed is still live after the exception's expiry
 * (DEBUG logging left on). Takes the deviation finding it replaces (`changed`, `parity`, `missing`,
 * `unmanaged`), keeps its values, provenance and revert, and names owner, reason and expiry date.
 * At least `medium`: an owned promise was broken, whatever the setting's own severity. The accept
 * removes (or extends) the exception and declares the live state as the deviation's own accept does.
 *
 * `_setting` is no longer read: the deviation's accept was built with it.
 */
export function expiredExceptionFinding(deviation: Finding, exception: ExceptionSpec, severity: Severity, _setting: SettingSpec | undefined): Finding {
  const { key, environment, actual } = deviation;
  const id = findingId('exception-expired', environment, key, deviation.application);
  const what = actual === undefined ? `${key} being absent` : actual.secret ? `${key} being set` : `${key}=${actual.text}`;
  return {
    ...deviation,
    id,
    type: 'exception-expired',
    severity: atLeast(severity, 'medium'),
    message: `${what} in ${environment} was allowed until ${exception.expires} (owner ${exception.owner}, ${exception.reason})`,
    fixes: {
      ...(deviation.fixes.revert === undefined ? {} : { revert: deviation.fixes.revert }),
      accept: acceptExpiredException(id, key, exception, deviation.fixes.accept),
    },
  };
}
