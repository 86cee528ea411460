import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
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
  readonly syntaxIssues: readonly ConfigIssue[];
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
    this.data = this.syntaxIssues.length === 0 ? this.#doc.toJS() : undefined;
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
