import { z } from "zod";
import { badField } from "./input.ts";

export const MAX_PAGE_SIZE = 100;

/** Position in a (timestamp desc, id desc) ordering. */
export interface Cursor {
  at: Date;
  id: string;
}

const ZCursor = z.tuple([z.iso.datetime(), z.uuid()]);

// Opaque to clients (base64url of JSON) so the ordering can change without
// breaking the contract; decoding validates strictly, as it is client input.
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at.toISOString(), cursor.id])).toString("base64url");
}

export function decodeCursor(value: string | null | undefined): Cursor | null {
  if (value === null || value === undefined) return null;
  try {
    const parsed = ZCursor.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    if (parsed.success) return { at: new Date(parsed.data[0]), id: parsed.data[1] };
  } catch {
    // fall through to the same error as a well-formed but wrong cursor
  }
  throw badField("after", "is not a valid cursor");
}

/** `first` defaults per operation, is capped at MAX_PAGE_SIZE and must not be negative. */
export function pageSize(first: number | null | undefined, fallback: number): number {
  const size = first ?? fallback;
  if (size < 0) throw badField("first", "must not be negative");
  return Math.min(size, MAX_PAGE_SIZE);
}

/**
 * Prisma `where` for rows strictly after the cursor in (at desc, id desc)
 * order; `field` names the timestamp column.
 */
export function afterCursor<F extends string>(field: F, cursor: Cursor | null) {
  if (cursor === null) return {};
  return {
    OR: [
      { [field]: { lt: cursor.at } } as Record<F, { lt: Date }>,
      { [field]: cursor.at, id: { lt: cursor.id } } as Record<F, Date> & { id: { lt: string } },
    ],
  };
}

/** Slices a `take: size + 1` result into a page. */
export function toPage<T>(rows: T[], size: number, cursorOf: (row: T) => Cursor) {
  const nodes = rows.slice(0, size);
  const last = nodes.at(-1);
  return {
    edges: nodes.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node })),
    pageInfo: { hasNextPage: rows.length > size, endCursor: last ? encodeCursor(cursorOf(last)) : null },
  };
}
