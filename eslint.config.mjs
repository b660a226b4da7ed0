import js from "@eslint/js";
import tseslint from "typescript-eslint";

const nodeBuiltins = [
  "assert",
  "async_hooks",
  "buffer",
  "child_process",
  "cluster",
  "crypto",
  "dgram",
  "dns",
  "events",
  "fs",
  "fs/promises",
  "http",
  "http2",
  "https",
  "net",
  "os",
  "path",
  "perf_hooks",
  "process",
  "readline",
  "stream",
  "timers",
  "tls",
  "url",
  "util",
  "v8",
  "vm",
  "worker_threads",
  "zlib",
];

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/.next/**",
      ".data/**",
      ".tools/**",
      "**/dist/**",
      "test-results/**",
      "playwright-report/**",
      "packages/db/src/generated/**",
      "**/next-env.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "warn",
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.name='eval']", message: "Never eval user input." },
        { selector: "NewExpression[callee.name='Function']", message: "Never build functions from strings." },
      ],
    },
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
  {
    // Workflow code is replayed by Temporal and must stay deterministic: no I/O, no Node built-ins,
    // no database, and activities only as types (the worker injects their implementations).
    files: ["apps/temporal-worker/src/workflows/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: "Workflows may not use Node built-ins." })),
            {
              name: "@weft/activities",
              message: "Import activities with `import type` only.",
              allowTypeImports: true,
            },
            { name: "@weft/db", message: "Workflows may not touch the database." },
            { name: "pg", message: "Workflows may not touch the database." },
          ],
          patterns: [
            { group: ["node:*"], message: "Workflows may not use Node built-ins." },
            { group: ["@prisma/*", "@weft/db/*"], message: "Workflows may not touch the database." },
            {
              group: ["@weft/activities/*"],
              message: "Import activities with `import type` only.",
              allowTypeImports: true,
            },
            {
              group: ["@temporalio/worker", "@temporalio/client", "@temporalio/activity"],
              message: "Only @temporalio/workflow belongs in workflow code.",
            },
          ],
        },
      ],
    },
  },
  {
    // The browser app talks GraphQL only.
    files: ["apps/web/**/*.ts", "apps/web/**/*.tsx"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "@prisma/*",
                "@weft/db",
                "@weft/db/*",
                "pg",
                "@temporalio/*",
                "@weft/activities",
                "@weft/activities/*",
              ],
              message: "apps/web talks to the gateway over GraphQL only.",
            },
          ],
        },
      ],
    },
  },
);
