/**
 * Stable graph checksum: SHA-256 over a canonical JSON form (sorted keys, canvas positions
 * dropped), so moving a node on the canvas or reordering keys does not look like an edit.
 *
 * Why @noble/hashes: audited, dependency-free pure JS that runs unchanged in browsers, Node and
 * Temporal's workflow sandbox — unlike `node:crypto` (Node only) and WebCrypto (async, and not
 * available in the workflow sandbox). A hand-rolled FNV hash would be shorter but collides
 * easily, and this value is used to tell published versions apart.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { Graph } from "./graph.ts";
import { isPlainObject } from "./templates.ts";

/** JSON with object keys sorted at every level; undefined members dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  if (isPlainObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function graphChecksum(graph: Graph): string {
  const { nodes, ...rest } = graph;
  const withoutPositions = {
    ...rest,
    nodes: nodes.map(({ position: _position, ...node }) => node),
  };
  return bytesToHex(sha256(utf8(canonicalJson(withoutPositions))));
}

/** TextEncoder is not guaranteed inside the workflow sandbox, so encode UTF-8 by hand. */
function utf8(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text) {
    let cp = char.codePointAt(0) ?? 0;
    // Lone surrogates become U+FFFD, as TextEncoder does.
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return Uint8Array.from(bytes);
}
