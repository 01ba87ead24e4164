/** The part of asl-validator's API the tests use (version 4 ships JavaScript only). */
declare module 'asl-validator' {
  /** One schema or checker complaint about the definition. */
  export interface AslValidationError {
    readonly 'Error code': string;
    readonly Message: string;
  }
  /** Validates an Amazon States Language definition (JSON Schema of the spec plus path and reference checks). */
  export default function aslValidator(definition: unknown): { readonly isValid: boolean; readonly errors: readonly AslValidationError[] };
}
