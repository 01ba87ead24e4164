import { z } from 'zod';
import type { DocumentPath } from './baseline-document.js';
import { schemasAt } from './schemas-at.js';

/**
 * The keys the schema allows in the mapping at `path`, in the schema's order, read from the schema
 * itself so "did you mean" and "expected one of" never drift from what is validated.
 */
export function allowedKeysAt(schema: z.ZodType, path: DocumentPath): string[] {
  const keys = schemasAt(schema, path)
    .filter((node): node is z.ZodObject => node instanceof z.ZodObject)
    .flatMap((object) => Object.keys(object.shape));
  return [...new Set(keys)];
}
