import { z } from 'zod';
import type { DocumentPath } from './baseline-document.js';

/**
 * Every schema that may validate the node at `path`, with optional, nullable and union wrappers
 * opened. Used to read what the format allows at a position (keys for "did you mean", value kinds
 * for edits) from the one schema that validates, so the two can never disagree.
 */
export function schemasAt(schema: z.ZodType, path: DocumentPath): z.ZodType[] {
  let current = unwrap(schema);
  for (const segment of path) {
    current = current.flatMap((node) => step(node, segment)).flatMap(unwrap);
  }
  return current;
}

function unwrap(node: z.ZodType): z.ZodType[] {
  if (node instanceof z.ZodOptional || node instanceof z.ZodNullable) {
    return [...(node instanceof z.ZodNullable ? [z.null()] : []), ...unwrap(node.unwrap() as z.ZodType)];
  }
  if (node instanceof z.ZodUnion) return (node.options as readonly z.ZodType[]).flatMap(unwrap);
  return [node];
}

function step(node: z.ZodType, segment: string | number): z.ZodType[] {
  if (node instanceof z.ZodObject) {
    const child = (node.shape as Record<string, z.ZodType>)[String(segment)];
    return child === undefined ? [] : [child];
  }
  if (node instanceof z.ZodRecord) return [node.valueType as z.ZodType];
  if (node instanceof z.ZodArray) return [node.element as z.ZodType];
  return [];
}
