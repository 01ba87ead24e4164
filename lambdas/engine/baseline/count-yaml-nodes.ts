import { CST, Lexer } from 'yaml';

/** How many nodes a text holds, up to a budget. */
export interface YamlNodeCount {
  /** Nodes counted; stops one past the budget. */
  readonly nodes: number;
  /** Offset of the first node past the budget, when the text holds more than the budget allows. */
  readonly overAt?: number;
}

/** Lexer tokens that are not in the source text: markers the lexer adds for the parser. */
const MARKERS: ReadonlySet<string> = new Set([CST.DOCUMENT, CST.SCALAR, CST.FLOW_END]);

/**
 * Counts the nodes of a YAML text with the `yaml` package's lexer, which streams tokens without building
 * anything, so the cost of a hostile file is known before the parser allocates a tree for it. A node is
 * what the composed document holds one object for: a scalar (plain, quoted or block), an alias, a flow
 * collection, a list item (`-`), a mapping entry (`:`) or an explicit key (`?`). Stops at the first node
 * past `budget`.
 */
export function countYamlNodes(text: string, budget: number): YamlNodeCount {
  let nodes = 0;
  let offset = 0;
  // The token after a SCALAR marker is the scalar's own text, which may start with any character.
  let scalarText = false;
  for (const token of new Lexer().lex(text)) {
    if (!scalarText && isNode(token)) {
      nodes += 1;
      if (nodes > budget) return { nodes, overAt: offset };
    }
    scalarText = token === CST.SCALAR;
    if (!MARKERS.has(token)) offset += token.length;
  }
  return { nodes };
}

function isNode(token: string): boolean {
  switch (token[0]) {
    case CST.SCALAR: // a plain scalar, or the body of a block scalar, follows
    case "'":
    case '"':
    case '*':
    case '[':
    case '{':
      return true;
    case '-':
    case '?':
    case ':':
      // Indicators are one-character tokens (`---` is a document start).
      return token.length === 1;
    default:
      return false;
  }
}
