import type { BaselineEdit } from '../../engine/model.js';

/**
 * One change request to open or bring up to date: the accept edit of one out-of-band drift, keyed by
 * its finding id. Built when the run is recorded (so it is stored in the outbox lane as JSON) and
 * applied to the baseline as it is on the base branch at delivery.
 */
export interface UpsertChangeRequest {
  readonly kind: 'upsert';
  readonly findingId: string;
  readonly title: string;
  /** Markdown: expected vs actual (secrets masked), who changed it and when, the revert, the report. */
  readonly body: string;
  readonly labels: readonly string[];
  /** The accept fix's edit, applied to the baseline file read from the base branch. */
  readonly edit: BaselineEdit;
  /** The commit message of the edit. */
  readonly commitMessage: string;
}

/** The drift of `findingId` resolved live: its change request, when one is open, is closed with `comment`. */
export interface CloseChangeRequest {
  readonly kind: 'close';
  readonly findingId: string;
  readonly comment: string;
}

/** What a run asks of the change-request system. */
export type ChangeRequestAction = UpsertChangeRequest | CloseChangeRequest;

/** What an upsert or a close did, for logs and tests. */
export type ChangeRequestResult =
  | { readonly kind: 'opened' | 'updated' | 'closed'; readonly findingId: string; readonly number: number }
  /** Nothing to do: no open request to close, or the base branch already holds the edit. */
  | { readonly kind: 'skipped'; readonly findingId: string; readonly reason: string };

/**
 * A system that reviews baseline changes: GitHub pull requests today; a GitLab merge request or a
 * ticket can follow. Both operations are idempotent by finding id (one request per finding, found
 * again by the provider's own key, a head branch for GitHub), so a redelivered entry updates rather
 * than duplicates. A throw leaves the outbox entry for the next run.
 */
export interface ChangeRequestProvider {
  /** Names the system and repository in errors and logs (`github:acme/config`). */
  readonly destination: string;
  upsert(request: UpsertChangeRequest): Promise<ChangeRequestResult>;
  close(request: CloseChangeRequest): Promise<ChangeRequestResult>;
}
