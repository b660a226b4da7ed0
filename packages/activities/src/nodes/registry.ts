import { dbQuery } from "./db-query.ts";
import { emailSend } from "./email-send.ts";
import { condition, transform } from "./expression-nodes.ts";
import { httpRequest } from "./http-request.ts";
import { llmClassify, llmGenerate, llmStructured } from "./llm.ts";
import { log } from "./log.ts";
import { redditSearch, redditTop } from "./reddit.ts";
import { smsSend } from "./sms-send.ts";
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
  "llm.generate": llmGenerate,
  "llm.structured": llmStructured,
  "llm.classify": llmClassify,
  "email.send": emailSend,
  "sms.send": smsSend,
  "db.query": dbQuery,
  "reddit.top": redditTop,
  "reddit.search": redditSearch,
};
