import { z } from "zod";
import { defineNodeType, templateString } from "./define.ts";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

export const LogConfigSchema = z.strictObject({
  message: templateString("Message; missing references are left as written instead of failing.").min(1),
  level: z.enum(LOG_LEVELS).default("info").describe("Log level"),
});

export const log = defineNodeType({
  type: "log",
  category: "utility",
  kind: "activity",
  title: "Log",
  description: "Writes a message to the run's log.",
  config: LogConfigSchema,
  output: z.object({ message: z.string(), level: z.enum(LOG_LEVELS) }),
  sideEffects: false,
  // Rendered with missing: "keep", so a log node cannot fail and an error edge from it is dead.
  canFail: false,
  example: { message: "hello" },
});
export type LogConfig = z.output<typeof LogConfigSchema>;
