import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export type PathSegment = string | number;
/** The 1-based line of the value at `path` in the source, or of its nearest ancestor that exists. */
export type LineOf = (path: readonly PathSegment[]) => number | null;

const keyText = (key: unknown): string | null => (isScalar(key) ? String(key.value) : typeof key === 'string' || typeof key === 'number' ? String(key) : null);

/**
 * Maps paths to lines over a parsed document. A map step may span several segments, because
 * paths reported as dotted strings (`values.visitor.name`) cannot tell a key that holds a dot
 * from two nested keys; the longest key that exists wins.
 */
export function lineMapper(doc: Document, counter: LineCounter): LineOf {
  const lineAt = (node: Node | null | undefined): number | null => (node?.range ? counter.linePos(node.range[0]).line : null);

  return (path) => {
    let node: unknown = doc.contents;
    let line = lineAt(doc.contents) ?? 1;
    let i = 0;
    while (i < path.length) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const map = node;
        let found = false;
        for (let end = path.length; end > i && !found; end--) {
          const key = path.slice(i, end).join('.');
          const pair = map.items.find((p) => keyText(p.key) === key);
          if (pair) {
            line = lineAt(pair.key as Node) ?? lineAt(pair.value as Node) ?? line;
            node = pair.value;
            i = end;
            found = true;
          }
        }
        if (!found) return line;
      } else if (isSeq(node)) {
        const item: unknown = node.items[Number(path[i])];
        if (item === undefined) return line;
        line = lineAt(item as Node) ?? line;
        node = item;
        i++;
      } else {
        return line;
      }
    }
    return line;
  };
}

/**
 * Lines over a stored bot file's text (YAML or JSON; the parser reads both). A check that runs on
 * the validated bot, later than the upload (publishing against the connected service), points at
 * the file with it as the upload's checks do.
 */
export function sourceLines(text: string): LineOf {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  return lineMapper(doc, counter);
}
