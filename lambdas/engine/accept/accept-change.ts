import type { AcceptScope } from '../analyse/accept-target.js';
import type { ExceptionSpec, Finding } from '../model.js';

/** A declaration of a key's live state: its value, or `null` for "absent here". */
export interface DeclareChange {
  readonly kind: 'declare';
  readonly key: string;
  /** The application whose key it is; undefined for a key of no application. */
  readonly application: string | undefined;
  readonly environment: string;
  readonly tier: string | undefined;
  /** The live value as read (never a secret's: those are never held), or null when the key is absent. */
  readonly state: string | null;
  readonly scope: Extract<AcceptScope, 'environment' | 'tier'>;
}

/** Declares an undeclared secret-looking key `secret: true`: presence is all the baseline may know of it. */
export interface DeclareSecretChange {
  readonly kind: 'declare-secret';
  readonly key: string;
  readonly application: string | undefined;
  readonly environment: string;
}

/** Removes an expired exception. */
export interface RemoveExceptionChange {
  readonly kind: 'remove-exception';
  readonly exception: ExceptionSpec;
  /** Other open findings the exception still speaks for: it is kept unless they are accepted too. */
  readonly alsoCovers: readonly string[];
}

/** Moves an exception's end date. */
export interface ExtendExceptionChange {
  readonly kind: 'extend-exception';
  readonly exception: ExceptionSpec;
  readonly expires: string;
}

/** Appends an exception (how an image version difference is declared). */
export interface AddExceptionChange {
  readonly kind: 'add-exception';
  readonly key: string;
  readonly environment: string;
  readonly value: string;
  readonly owner: string;
  readonly reason: string;
  readonly expires: string;
}

/** One change to the baseline, said in terms of what it declares rather than where it is written. */
export type AcceptChange = DeclareChange | DeclareSecretChange | RemoveExceptionChange | ExtendExceptionChange | AddExceptionChange;

/** A finding and the changes that accept it. */
export interface PlannedAccept {
  readonly finding: Finding;
  readonly changes: readonly AcceptChange[];
}

/** A finding that cannot be accepted, and why (a sentence that says what to do instead). */
export interface AcceptRefusal {
  readonly finding: Finding;
  readonly reason: string;
}

/** One line a person reads: `declare API_TIMEOUT as 120 in production-us`. Never holds a secret. */
export function describeChange(change: AcceptChange): string {
  switch (change.kind) {
    case 'declare': {
      const where = change.scope === 'tier' ? `every ${change.tier ?? ''} environment` : change.environment;
      const key = keyOf(change);
      return change.state === null ? `declare ${key} absent in ${where}` : `declare ${key} as ${change.state} in ${where}`;
    }
    case 'declare-secret':
      return `declare ${keyOf(change)} secret (audited by presence only)`;
    case 'remove-exception':
      return `remove the expired exception for ${change.exception.key} (${scopeOf(change.exception)}, owner ${change.exception.owner}, ended ${change.exception.expires})`;
    case 'extend-exception':
      return `extend the exception for ${change.exception.key} (${scopeOf(change.exception)}, owner ${change.exception.owner}) to ${change.expires}`;
    case 'add-exception':
      return `add an exception for ${change.key} in ${change.environment}: ${change.value} until ${change.expires} (owner ${change.owner})`;
  }
}

/** `DB_TIMEOUT`, or `DB_TIMEOUT of api` for a key of an application. */
function keyOf(change: { readonly key: string; readonly application: string | undefined }): string {
  return change.application === undefined ? change.key : `${change.key} of ${change.application}`;
}

function scopeOf(exception: ExceptionSpec): string {
  return exception.environment ?? (exception.tier === undefined ? 'every environment' : `tier ${exception.tier}`);
}
