import path from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (this file lives in packages/db/src). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const SCHEMA_PATH = path.join(REPO_ROOT, "prisma", "schema.prisma");
export const MIGRATIONS_DIR = path.join(REPO_ROOT, "prisma", "migrations");
export const GENERATED_DIR = path.join(REPO_ROOT, "packages", "db", "src", "generated");
