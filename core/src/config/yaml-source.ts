import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import { type ConfigIssue, formatPath, type PathSegment } from './config-issue.js';

/**
 * A parsed YAML file that remembers where every value came from, so that
 * validation errors can name file:line instead of a bare JSON path.
 */
export class YamlSource {
  readonly file: string;
  /** The parsed value; replaced once when secret references are resolved. */
  data: unknown;
  /** JSON-encoded paths of values that came from secret references: never echoed in messages. */
  readonly secretPaths = new Set<string>();
  syntaxIssues: readonly ConfigIssue[];
  readonly #doc: ReturnType<typeof parseDocument>;
  readonly #lines: LineCounter;

  constructor(file: string, text: string) {
    this.file = file;
    this.#lines = new LineCounter();
    this.#doc = parseDocument(text, { lineCounter: this.#lines, prettyErrors: false, uniqueKeys: true });
    this.syntaxIssues = this.#doc.errors.map((err) => {
      const pos = this.#lines.linePos(err.pos[0]);
      return {
        file,
        line: pos.line,
        column: pos.col,
        path: '',
        message: `YAML syntax: ${err.message.split('\n')[0]}`,
        fix: 'check indentation, quoting and colons on this line (YAML uses spaces, not tabs)',
      };
    });
    if (this.syntaxIssues.length > 0) return;
    try {
      this.data = this.#doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      // An alias bomb ("billion laughs") or a broken alias: a located issue, never a stack trace (issue 18).
      const pos = this.#lines.linePos(firstAliasOffset(this.#doc));
      this.syntaxIssues = [
        {
          file,
          line: pos.line,
          column: pos.col,
          path: '',
          message: `YAML aliases: ${(e as Error).message}`,
          fix: `use at most ${MAX_ALIAS_COUNT} alias expansions (*name); write repeated settings out, or use the profile's defaults`,
        },
      ];
    }
  }

  /** The issue for `path`, placed at the deepest node of the path that exists. */
  issueAt(path: readonly PathSegment[], message: string, fix: string, keyOf?: string): ConfigIssue {
    const { line, column } = this.positionOf(path, keyOf);
    return { file: this.file, line, column, path: formatPath(keyOf ? [...path, keyOf] : path), message, fix };
  }

  positionOf(path: readonly PathSegment[], keyOf?: string): { line: number; column: number } {
    let node: unknown = this.#doc.contents;
    let offset = rangeStart(node) ?? 0;
    const steps: [PathSegment, boolean][] = path.map((seg) => [seg, false]);
    if (keyOf !== undefined) steps.push([keyOf, true]);
    for (const [seg, wantKey] of steps) {
      const next = childOf(node, seg, wantKey);
      if (next === undefined) break;
      node = next;
      offset = rangeStart(node) ?? offset;
    }
    const pos = this.#lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }
}

/** The yaml library's own default; stated here because it is what bounds an alias bomb. */
const MAX_ALIAS_COUNT = 100;

/** Where the first alias is, to place an alias issue (0 if none). */
function firstAliasOffset(doc: ReturnType<typeof parseDocument>): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

/** For an extra key we point at the key itself rather than at its value. */
function childOf(node: unknown, seg: PathSegment, wantKey: boolean): Node | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
    if (!pair) return undefined;
    return (wantKey ? pair.key : (pair.value ?? pair.key)) as Node;
  }
  if (isSeq(node) && typeof seg === 'number') return node.items[seg] as Node | undefined;
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}
