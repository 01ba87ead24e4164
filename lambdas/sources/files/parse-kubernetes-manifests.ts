import { detectFileSyntax } from './detect-file-format.js';
import { parseJsonText, parseYamlDocuments } from './parse-structured-text.js';

/**
 * Reads Kubernetes objects from `kubectl get -o json` output or YAML manifests (multi-document).
 *
 * Returns the documents as they are (a `List` stays a List, a YAML sequence of objects is spread):
 * telling workloads from other objects is `kubernetesObjectsToObservations`'s job.
 * @throws SnapshotFileError `parse-error`, located by line and column
 */
export function parseKubernetesManifests(text: string, file: string): unknown[] {
  const documents = detectFileSyntax(file, text) === 'json' ? [parseJsonText(text, file)] : parseYamlDocuments(text, file);
  return documents.flatMap((document) => (Array.isArray(document) ? (document as unknown[]) : [document]));
}
