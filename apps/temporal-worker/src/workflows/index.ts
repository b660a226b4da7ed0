// The workflow bundle's entry: every workflow type the worker registers, by its exported name.
export { ping } from "./ping.ts";
export { runAgent } from "./run-agent.ts";
export { scheduledRun } from "./scheduled-run.ts";
export { generateSpec } from "./generate-spec.ts";
