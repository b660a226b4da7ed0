/**
 * Where each value sits in a JSON text, keyed by its path ("nodes.1.config.prompt"), so
 * validation issues (which carry paths) become editor markers on the right line. A small
 * tolerant scanner: it only runs on text that JSON.parse already accepted.
 */
export interface Span {
  start: number;
  end: number;
}

export function pathKey(path: readonly (string | number)[]): string {
  return path.map(String).join("\u0000");
}

export function locateJsonPaths(text: string): Map<string, Span> {
  const spans = new Map<string, Span>();
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i += 1;
  };
  const str = (): string => {
    const start = i;
    i += 1;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i += 1;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: (string | number)[]) => {
    ws();
    const start = i;
    const ch = text[i];
    if (ch === "{") {
      i += 1;
      ws();
      while (i < text.length && text[i] !== "}") {
        ws();
        const keyStart = i;
        const key = str();
        ws();
        i += 1; // :
        value([...path, key]);
        // An unknown/required key is best shown on its key, not its value.
        const span = spans.get(pathKey([...path, key]));
        if (span) spans.set(pathKey([...path, key]), { start: keyStart, end: span.end });
        ws();
        if (text[i] === ",") i += 1;
        ws();
      }
      i += 1;
    } else if (ch === "[") {
      i += 1;
      let index = 0;
      ws();
      while (i < text.length && text[i] !== "]") {
        value([...path, index]);
        index += 1;
        ws();
        if (text[i] === ",") i += 1;
        ws();
      }
      i += 1;
    } else if (ch === '"') {
      str();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i += 1;
    }
    spans.set(pathKey(path), { start, end: i });
  };
  try {
    value([]);
  } catch {
    // Partial map is still useful.
  }
  return spans;
}

/** The span of the longest prefix of `path` that exists in the text. */
export function spanFor(spans: Map<string, Span>, path: readonly (string | number)[]): Span | undefined {
  for (let n = path.length; n >= 0; n -= 1) {
    const span = spans.get(pathKey(path.slice(0, n)));
    if (span) return span;
  }
  return undefined;
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    if (text[i] === "\n") {
      line += 1;
      last = i;
    }
  }
  return { line, column: offset - last };
}
