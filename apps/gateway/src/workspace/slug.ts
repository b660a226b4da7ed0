import { randomBytes } from "node:crypto";

/** "Acme Ops — EU" → "acme-ops-eu"; never empty, at most 40 characters. */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  return slug || "workspace";
}

/**
 * Candidates in order: the plain slug, then with random suffixes. Slugs are
 * unique across all tenants but RLS hides other tenants' rows, so the unique
 * index decides and the caller retries with the next candidate.
 */
export function slugCandidates(name: string, attempts = 6): string[] {
  const base = slugify(name);
  return [base, ...Array.from({ length: attempts - 1 }, () => `${base}-${randomBytes(3).toString("hex")}`)];
}
