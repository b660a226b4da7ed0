import { condition, transform } from "./expression-nodes.ts";
import { httpRequest } from "./http-request.ts";
import { log } from "./log.ts";
import type { NodeImplementation } from "./types.ts";

/**
 * Node types that run as activities, by type name. Control types (foreach, subagent, approval,
 * delay) are interpreted by the workflow; `condition` evaluates here because expressions may
 * read large outputs that only Postgres holds.
 */
export const nodeImplementations: Readonly<Record<string, NodeImplementation<never>>> = {
  "http.request": httpRequest,
  transform,
  condition,
  log,
};
