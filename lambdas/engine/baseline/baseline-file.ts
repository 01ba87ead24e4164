/**
 * One baseline file: its name relative to the baseline directory and its text. The engine gets files as
 * text so it never touches the filesystem; the Lambda reads them from S3 and the CLI from disk.
 */
export interface BaselineFile {
  readonly name: string;
  readonly text: string;
}
