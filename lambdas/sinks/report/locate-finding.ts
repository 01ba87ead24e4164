/**
 * Where in the baseline a finding belongs, so SARIF results annotate the line a reviewer would edit:
 * the environment's expected value when the baseline declares one (a values file's line, or
 * `settings.KEY.environments.ENV` / `expected_differences.KEY.ENV` / their tier forms), else the
 * setting's declaration, else the expired exception, else the environment's declaration, else the top
 * of the first baseline file. Pure: it reads the file texts it is given.
 */
import { settingFor } from '../../engine/analyse/setting-for.js';
import { locate, nodeAt, readBaselineDocument, type BaselineDocument, type DocumentPath } from '../../engine/baseline/baseline-document.js';
import type { BaselineFile } from '../../engine/baseline/baseline-file.js';
import type { Baseline, DeclarationLocation, Finding } from '../../engine/model.js';

/** A place in a baseline file; `line` and `column` are 1-based. */
export interface FindingLocation {
  /** The file's name as the baseline names it (relative to the baseline directory). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Locates findings in one baseline: the YAML files are parsed once, with their positions kept. */
export class FindingLocator {
  private readonly documents: readonly BaselineDocument[];

  /**
   * @param baseline the parsed baseline (settings with their declaration and values-file locations)
   * @param files the baseline's YAML files as `parseBaseline` read them; values files may be among them
   */
  constructor(
    private readonly baseline: Baseline,
    files: readonly BaselineFile[],
  ) {
    this.documents = files
      .filter((file) => /\.ya?ml$/i.test(file.name))
      .map((file) => readBaselineDocument(file))
      .filter((document) => document.readable);
  }

  /** The best place for `finding` (see the module comment); never undefined while the baseline has a file. */
  locate(finding: Finding): FindingLocation | undefined {
    const setting = settingFor(this.baseline, finding.key, finding.application);
    const valuesOrigin = setting?.valuesOrigins?.[finding.environment];
    if (valuesOrigin !== undefined) return at(valuesOrigin);
    if (finding.type === 'exception-expired') {
      const exception = this.baseline.exceptions.find(
        (candidate) =>
          candidate.key === finding.key &&
          (candidate.environment === undefined || candidate.environment === finding.environment) &&
          (candidate.application === undefined || candidate.application === finding.application),
      );
      if (exception?.location !== undefined) return at(exception.location);
    }
    const edit = finding.fixes.accept?.baselineEdit;
    const declared =
      (edit === undefined ? undefined : this.find(edit.path, edit.file)) ??
      this.first(expectedValuePaths(finding, setting?.application)) ??
      (setting?.location === undefined ? undefined : at(setting.location)) ??
      this.find(['environments', finding.environment]);
    if (declared !== undefined) return declared;
    const [top] = this.documents;
    return top === undefined ? undefined : { file: top.name, line: 1, column: 1 };
  }

  private first(paths: readonly DocumentPath[]): FindingLocation | undefined {
    for (const path of paths) {
      const found = this.find(path);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** The key of `path` in `file` (or the first file holding it): the line the declaration starts on. */
  private find(path: DocumentPath, file?: string): FindingLocation | undefined {
    const document = this.documents.find((candidate) => (file === undefined || candidate.name === file) && nodeAt(candidate, path) !== undefined);
    return document === undefined ? undefined : at(locate(document, path, 'key'));
  }
}

/** Where an environment's expected value of the finding's key can be declared, most specific first. */
function expectedValuePaths(finding: Finding, application: string | undefined): DocumentPath[] {
  const bases: DocumentPath[] = application === undefined ? [[]] : [['applications', application], []];
  const paths: DocumentPath[] = [];
  for (const base of bases) {
    paths.push([...base, 'settings', finding.key, 'environments', finding.environment]);
    paths.push([...base, 'expected_differences', finding.key, finding.environment]);
    if (finding.tier !== undefined) {
      paths.push([...base, 'settings', finding.key, 'tiers', finding.tier]);
      paths.push([...base, 'expected_differences', finding.key, finding.tier]);
    }
  }
  return paths;
}

function at(location: DeclarationLocation): FindingLocation {
  return { file: location.file, line: location.line, column: location.column };
}
