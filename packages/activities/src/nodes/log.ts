import type { LogConfig } from "@weft/schema";
import type { NodeImplementation } from "./types.ts";

export const log: NodeImplementation<LogConfig> = async (ctx) => {
  ctx.log(`[${ctx.config.level}] ${ctx.config.message}`);
  return { output: { message: ctx.config.message, level: ctx.config.level } };
};
