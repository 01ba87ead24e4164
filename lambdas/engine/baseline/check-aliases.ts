import { isAlias, isCollection, isMap, isPair, isSeq, visit, type Alias, type Document, type Node } from 'yaml';
import type { BaselineIssueCode } from './baseline-issue.js';

/** What {@link checkAliases} may allow. */
export interface AliasLimits {
  /** Aliases of the document, each counted with the aliases inside what it repeats. */
  readonly aliases: number;
  /** Mappings and lists nested in one another, counting what aliases repeat. */
  readonly depth: number;
  /** Nodes aliases may repeat: what the node limit leaves after the nodes written. */
  readonly repeatedNodes: number;
  /** The node limit itself, for the message. */
  readonly nodes: number;
}

/** A problem at an offset of the document's text. */
export interface DocumentProblem {
  readonly offset: number;
  readonly code: BaselineIssueCode;
  readonly message: string;
}

/** The outcome: the first problem in document order, and the nodes the aliases repeat. */
export interface AliasCheck {
  readonly problem?: DocumentProblem;
  readonly repeatedNodes: number;
}

/** What an anchored node brings wherever an alias repeats it. */
interface Expansion {
  readonly nodes: number;
  readonly aliases: number;
  /** Levels of mappings and lists, the node itself included. */
  readonly height: number;
}

/**
 * Checks, on the composed document and before it becomes data, what aliases could make of it: an alias
 * inside the node its anchor names (the data would contain itself, and every walk over it would
 * recurse forever), more aliases than allowed (each counting the aliases inside what it repeats, so
 * nine levels of ten aliases, a billion repetitions, count as what they are), and the depth and the
 * node count the repetitions produce. The `yaml` package limits alias use only inside its own `toJS`
 * (`maxAliasCount`), and throws there without a position; this locates each problem at its alias.
 *
 * Safe to recurse: the caller has bounded the nesting of what is written (`findTooDeep`), and an
 * anchor's node always precedes its aliases, so measuring what an alias repeats never loops.
 */
export function checkAliases(doc: Document.Parsed, limits: AliasLimits): AliasCheck {
  const anchors = new Map<string, Node>();
  const expansions = new Map<Node, Expansion>();
  let aliases = 0;
  let repeatedNodes = 0;
  let problem: DocumentProblem | undefined;

  const expansionOf = (node: Node | null | undefined): Expansion => {
    if (node === null || node === undefined) return { nodes: 0, aliases: 0, height: 0 };
    const known = expansions.get(node);
    if (known !== undefined) return known;
    let expansion: Expansion;
    if (isAlias(node)) {
      const target = expansionOf(anchors.get(node.source));
      expansion = { nodes: 1 + target.nodes, aliases: 1 + target.aliases, height: target.height };
    } else if (isMap(node) || isSeq(node)) {
      let nodes = 1;
      let inner = 0;
      let height = 0;
      for (const item of node.items as unknown[]) {
        const parts = isPair(item) ? [item.key as Node | null, item.value as Node | null] : [item as Node | null];
        if (isPair(item)) nodes += 1;
        for (const part of parts) {
          const measured = expansionOf(part);
          nodes += measured.nodes;
          inner += measured.aliases;
          height = Math.max(height, measured.height);
        }
      }
      expansion = { nodes, aliases: inner, height: height + 1 };
    } else {
      expansion = { nodes: 1, aliases: 0, height: 0 };
    }
    expansions.set(node, expansion);
    return expansion;
  };

  visit(doc, {
    Node(_key, node, path) {
      const depth = path.filter((ancestor) => isCollection(ancestor)).length;
      if (isCollection(node) && depth + 1 > limits.depth) {
        problem = tooDeep(node, depth + 1, limits.depth);
        return visit.BREAK;
      }
      const anchor = (node as { anchor?: string }).anchor;
      if (anchor !== undefined && anchor !== '') anchors.set(anchor, node);
      if (!isAlias(node)) return undefined;
      const target = anchors.get(node.source);
      // An alias with no anchor before it is a YAML error the parser already reported.
      if (target === undefined) return undefined;
      if (path.includes(target)) {
        problem = at(
          node,
          'recursive-alias',
          `alias *${node.source} is inside the node its anchor &${node.source} names, so the data would contain itself; repeat the values instead`,
        );
        return visit.BREAK;
      }
      const repeated = expansionOf(node);
      aliases += repeated.aliases;
      if (aliases > limits.aliases) {
        problem = at(
          node,
          'limit-exceeded',
          `alias *${node.source} brings this file to ${aliases} aliases (each counted with the aliases inside what it repeats); a baseline file may use at most ${limits.aliases}`,
        );
        return visit.BREAK;
      }
      if (depth + repeated.height > limits.depth) {
        problem = at(
          node,
          'limit-exceeded',
          `alias *${node.source} repeats ${repeated.height} levels of mappings and lists at depth ${depth}, nesting them ${depth + repeated.height} deep; a baseline may nest them at most ${limits.depth} deep`,
        );
        return visit.BREAK;
      }
      repeatedNodes += repeated.nodes - 1;
      if (repeatedNodes > limits.repeatedNodes) {
        problem = at(
          node,
          'limit-exceeded',
          `alias *${node.source} repeats ${repeated.nodes - 1} nodes, taking the baseline past ${limits.nodes.toLocaleString('en')} nodes; a baseline may hold at most ${limits.nodes.toLocaleString('en')}, counting what aliases repeat`,
        );
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return problem === undefined ? { repeatedNodes } : { problem, repeatedNodes };
}

function at(node: Alias | Node, code: BaselineIssueCode, message: string): DocumentProblem {
  return { offset: node.range?.[0] ?? 0, code, message };
}

function tooDeep(node: Node, depth: number, limit: number): DocumentProblem {
  return at(node, 'limit-exceeded', nestingMessage(depth, limit));
}

/** The message of a mapping or list nested past the limit. */
export function nestingMessage(depth: number, limit: number): string {
  return `mappings and lists are nested ${depth} deep here; a baseline may nest them at most ${limit} deep`;
}
