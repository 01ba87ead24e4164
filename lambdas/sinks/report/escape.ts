/** Characters HTML gives a meaning to, as entities. */
const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for HTML element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/** Characters GitHub Markdown gives a meaning to wherever they stand, and their escapes. */
const MARKDOWN_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '\\': '\\\\',
  '`': '\\`',
  '*': '\\*',
  '[': '\\[',
  ']': '\\]',
  '|': '\\|',
  '~': '\\~',
  '#': '\\#',
  $: '\\$',
};

function escapeToken(token: string): string {
  return (
    token
      .replace(/[&<>\\`*[\]|~#$]/g, (c) => MARKDOWN_ESCAPES[c] ?? c)
      // `_` only emphasises at a word edge, so `DB_TIMEOUT` stays readable.
      .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
      // An entity, not a backslash, stops GitHub's URL autolinker.
      .replace(/:(?=\/\/)/g, '&#58;')
  );
}

/**
 * Escape untrusted text for one line of GitHub Markdown (running text, a table cell, or the inside of
 * `<code>`): no HTML, link, image, emphasis, table break, math, heading or list survives, and no line
 * break, so a value cannot end a table row. Backslash escapes where Markdown allows them keep the
 * source readable. A word holding `@` is set as `<code>`, where GitHub never makes a mention, so an
 * SSO session name like `bob@example.com` cannot notify anyone.
 */
export function escapeMarkdown(text: string): string {
  const oneLine = text.replace(/\r\n?|\n/g, ' ');
  const escaped = oneLine
    .split(/( +)/)
    .map((token) => (token.includes('@') ? `<code>${escapeToken(token)}</code>` : escapeToken(token)))
    .join('');
  // A paragraph opening with these would become a list, a heading underline or a rule.
  return escaped.replace(/^([-+=])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Untrusted text as inline code in Markdown (`<code>` with escaped content; see {@link escapeMarkdown}). */
export function markdownCode(text: string): string {
  const inner = escapeMarkdown(text).replace(/<\/?code>/g, '');
  return `<code>${inner}</code>`;
}

/**
 * A fenced Markdown code block whose fence is longer than any backtick run inside, so the content
 * (a command holding a hostile value, say) cannot close the block early.
 */
export function markdownFence(content: string, info = ''): string {
  const longestRun = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${info}\n${content}\n${fence}`;
}
