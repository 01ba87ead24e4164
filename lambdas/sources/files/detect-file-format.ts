import { basename, extname } from 'node:path';
import type { FileFormat } from '../../engine/model.js';
import { snapshotReaders } from '../registry.js';
import { parseJsonText, parseYamlDocuments } from './parse-structured-text.js';

/** How a file's text is parsed before its format-specific reading. */
export type FileSyntax = 'json' | 'yaml' | 'dotenv';

/** `.env`, `.env.production`, `production.env`. */
export function isDotenvName(fileName: string): boolean {
  const name = basename(fileName).toLowerCase();
  return name === '.env' || name.startsWith('.env.') || name.endsWith('.env');
}

/**
 * The syntax a file is written in, from its name; for other extensions, from its first character.
 */
export function detectFileSyntax(fileName: string, content?: string): FileSyntax {
  if (isDotenvName(fileName)) return 'dotenv';
  const extension = extname(fileName).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  const start = content?.replace(/^\uFEFF/, '').trimStart()[0];
  if (start === '{' || start === '[') return 'json';
  if (content !== undefined && looksLikeDotenv(content)) return 'dotenv';
  return 'yaml';
}

/**
 * Infers a snapshot file's format from its name and, when given, its content.
 *
 * Content decides when it parses (each kind's reader recognises its own: `{"Parameters": [...]}` with
 * `Value`s is an SSM export, without them describe-parameters output; objects with `apiVersion`/`kind`
 * (or a `List`) are Kubernetes; any other mapping is application config). When the content does not
 * parse, the name decides
 * (`*describe*.json`, `*ssm*.json`, `*kube*`/`*k8s*`), so the parse error is reported by the reader
 * of the right format rather than hidden here. Undefined when neither gives an answer.
 */
export function detectFileFormat(fileName: string, content?: string): FileFormat | undefined {
  const syntax = detectFileSyntax(fileName, content);
  if (syntax === 'dotenv') return 'dotenv';
  if (content !== undefined) {
    try {
      const documents = syntax === 'json' ? [parseJsonText(content, fileName)] : parseYamlDocuments(content, fileName);
      return detectFormatFromDocuments(fileName, documents);
    } catch {
      // Unparseable: fall back to the name; the format's reader reports the located error.
    }
  }
  return detectFormatFromName(fileName);
}

/** Infers the format of already parsed documents (see {@link detectFileFormat}): the first kind's reader, by `contentRank`, that recognises them. */
export function detectFormatFromDocuments(fileName: string, documents: readonly unknown[]): FileFormat {
  for (const reader of [...snapshotReaders()].sort((a, b) => a.contentRank - b.contentRank)) {
    const format = reader.detectDocuments(fileName, documents);
    // A registered format's name.
    if (format !== undefined) return format as FileFormat;
  }
  throw new TypeError(`no snapshot reader recognises ${fileName}; the file kind's reader recognises any document, so none is registered`);
}

/** A guess from the name alone, for files that cannot be read or parsed. */
export function detectFormatFromName(fileName: string): FileFormat | undefined {
  const name = basename(fileName).toLowerCase();
  if (isDotenvName(name)) return 'dotenv';
  if (!/\.(json|ya?ml)$/.test(name)) return undefined;
  for (const reader of [...snapshotReaders()].sort((a, b) => a.nameRank - b.nameRank)) {
    const format = reader.detectName(name);
    // A registered format's name.
    if (format !== undefined) return format as FileFormat;
  }
  return undefined;
}

/** Every line blank, a comment or `KEY=...`: how a dotenv file without the usual name still looks. */
function looksLikeDotenv(content: string): boolean {
  const lines = content.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  return lines.length > 0 && lines.every((line) => /^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=/.test(line));
}
