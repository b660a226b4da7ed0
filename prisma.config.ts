// Prisma 7 reads the connection URL from here, not from schema.prisma.
// Only `prisma generate`/`validate`/`format` run through the CLI on these
// machines (the CLI cannot download its schema engine); migrations are
// created and applied by packages/db/src/migrate.ts with the wasm engine.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    // A placeholder keeps `generate` working without a database; commands
    // that connect need DATABASE_URL (the admin/migrator URL).
    url: process.env.DATABASE_URL ?? "postgresql://postgres:postgres@127.0.0.1:5432/weft",
  },
});
