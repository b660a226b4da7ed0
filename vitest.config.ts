import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (`main`) and ESM (`module`) builds without an exports map. Vite would
    // pick the ESM build for our files while Node loads the CJS one for type-graphql and Apollo:
    // two copies, and every `instanceof GraphQLError` fails. Pin the build Node itself uses.
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    include: [
      "{apps,packages}/*/src/**/*.test.ts",
      "apps/web/lib/**/*.test.ts",
      "scripts/**/*.test.ts",
      "drills/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**", "e2e/**", "**/.next/**"],
    // Starts throw-away PostgreSQL + Temporal unless the orchestrator already provides them.
    globalSetup: ["./vitest.global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two cores: integration files each clone their own database, so two at a time is plenty.
    maxWorkers: 2,
  },
});
