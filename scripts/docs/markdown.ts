// Small Markdown helpers for the generated parts of docs/: padded tables and
// marker-delimited blocks, so hand-written prose can surround generated text.

/** A cell's text with the characters that would break a table row escaped. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A GitHub table, columns padded to their widest cell (what prettier would write). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows].map((r) => r.map(cell));
  const widths = headers.map((_, i) => Math.max(3, ...all.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: readonly string[]) => `| ${r.map((c, i) => c + ' '.repeat((widths[i] ?? 0) - [...c].length)).join(' | ')} |`;
  const [head, ...body] = all;
  return [line(head ?? []), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)].join('\n');
}

export const code = (text: string): string => `\`${text}\``;

const START = (name: string) => `<!-- generated:${name} (npm run schemas; do not edit) -->`;
const END = '<!-- /generated -->';

/**
 * Replaces the text between `<!-- generated:NAME … -->` and `<!-- /generated -->`.
 * A document without the markers is an error: silently appending would hide a
 * hand edit that removed them.
 */
export function replaceBlock(doc: string, name: string, content: string): string {
  const start = doc.search(new RegExp(`<!-- generated:${name}[ >]`));
  if (start < 0) throw new Error(`no <!-- generated:${name} --> block`);
  const end = doc.indexOf(END, start);
  if (end < 0) throw new Error(`the generated:${name} block has no ${END}`);
  return `${doc.slice(0, start)}${START(name)}\n\n${content.trim()}\n\n${doc.slice(end)}`;
}
