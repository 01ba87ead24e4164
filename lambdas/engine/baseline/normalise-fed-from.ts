import type { FedFrom } from '../model.js';
import { locate, type BaselineDocument, type DocumentPath } from './baseline-document.js';
import type { FedFromInput } from './fed-from-schema.js';

/**
 * A setting's `fed_from` as the engine holds it: the name as written (it is resolved per environment,
 * against that environment's SSM tree, by `fedParameterIn`) and where it is written, so a name that
 * resolves nowhere is reported at its line.
 */
export function normaliseFedFrom(input: FedFromInput | undefined, document: BaselineDocument | undefined, path: DocumentPath): FedFrom | undefined {
  if (input === undefined) return undefined;
  return document === undefined ? { ssm: input.ssm } : { ssm: input.ssm, location: locate(document, [...path, 'ssm'], 'value') };
}
