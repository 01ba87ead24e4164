import { locate, type BaselineDocument, type DocumentPath } from './baseline-document.js';
import type { BaselineIssue } from './baseline-issue.js';
import { formatLocation, issueAt } from './issue-at.js';

/** One entry of a merged section and where it was written. */
export interface Declared {
  /** The entry's key (`DB_TIMEOUT`), or its index in its file's list. */
  readonly name: string;
  readonly value: unknown;
  readonly document: BaselineDocument;
  /** Path of the entry in its document: `['settings', 'DB_TIMEOUT']`, `['exceptions', 2]`. */
  readonly path: DocumentPath;
}

/** Map sections: their entries merge by key, and a key may be declared in one file only. */
export const MAP_SECTIONS = ['defaults', 'attribution', 'images', 'environments', 'applications', 'settings', 'expected_differences'] as const;
/** List sections: their items are concatenated in file order. */
export const LIST_SECTIONS = ['ignore', 'exceptions'] as const;

/** Every file's sections put together, each entry remembering its file. Values are as written. */
export interface MergedBaseline {
  readonly defaults: ReadonlyMap<string, Declared>;
  readonly attribution: ReadonlyMap<string, Declared>;
  readonly images: ReadonlyMap<string, Declared>;
  /** In declaration order, files in the order given. */
  readonly environments: ReadonlyMap<string, Declared>;
  /** In declaration order. */
  readonly applications: ReadonlyMap<string, Declared>;
  readonly settings: ReadonlyMap<string, Declared>;
  readonly expected_differences: ReadonlyMap<string, Declared>;
  readonly ignore: readonly Declared[];
  readonly exceptions: readonly Declared[];
}

/**
 * Merges the sections of every readable file. Entries of the wrong shape are skipped here: the schema
 * reports them, and skipping keeps one broken section from hiding the cross-file checks of the rest.
 */
export function mergeBaselineFiles(documents: readonly BaselineDocument[]): {
  readonly merged: MergedBaseline;
  readonly issues: BaselineIssue[];
} {
  const issues: BaselineIssue[] = [];
  const maps = Object.fromEntries(MAP_SECTIONS.map((section) => [section, new Map<string, Declared>()])) as Record<
    (typeof MAP_SECTIONS)[number],
    Map<string, Declared>
  >;
  const lists = Object.fromEntries(LIST_SECTIONS.map((section) => [section, [] as Declared[]])) as Record<(typeof LIST_SECTIONS)[number], Declared[]>;

  for (const document of documents) {
    if (!document.readable || !isRecord(document.data)) continue;
    for (const section of MAP_SECTIONS) {
      const entries = document.data[section];
      if (!isRecord(entries)) continue;
      for (const [name, value] of Object.entries(entries)) {
        const entry: Declared = { name, value, document, path: [section, name] };
        const first = maps[section].get(name);
        if (first !== undefined) {
          const firstLocation = locate(first.document, first.path, 'key');
          issues.push(
            issueAt(
              document,
              entry.path,
              'duplicate-key',
              `${section}.${name} is already declared at ${formatLocation(firstLocation)}; declare it in one file only`,
              { target: 'key', related: [firstLocation] },
            ),
          );
          continue;
        }
        maps[section].set(name, entry);
      }
    }
    for (const section of LIST_SECTIONS) {
      const items = document.data[section];
      if (!Array.isArray(items)) continue;
      items.forEach((value: unknown, index) => {
        lists[section].push({ name: String(index), value, document, path: [section, index] });
      });
    }
  }
  return { merged: { ...maps, ...lists }, issues };
}

/** A plain mapping (not a list, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * One section (`settings` or `expected_differences`) of a declared application, each entry located
 * at `applications.<name>.<section>.<key>`, as the merged top-level sections are.
 */
export function applicationSection(application: Declared, section: 'settings' | 'expected_differences'): Map<string, Declared> {
  const values = isRecord(application.value) ? application.value[section] : undefined;
  const out = new Map<string, Declared>();
  if (!isRecord(values)) return out;
  for (const [key, value] of Object.entries(values)) {
    out.set(key, { name: key, value, document: application.document, path: [...application.path, section, key] });
  }
  return out;
}
