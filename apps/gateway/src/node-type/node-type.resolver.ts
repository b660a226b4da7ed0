import { nodeTypeCatalogue } from "@weft/schema";
import { Ctx, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { requireAuth } from "../auth/access.ts";
import { NodeType } from "./node-type.type.ts";

@Resolver(() => NodeType)
export class NodeTypeResolver {
  /** The same for every workspace; signed-in only, like the rest of the API. */
  @Query(() => [NodeType], { description: "The node-type catalogue with JSON schemas." })
  nodeTypes(@Ctx() ctx: GatewayContext): NodeType[] {
    requireAuth(ctx);
    return nodeTypeCatalogue().map((info) => ({
      type: info.type,
      category: info.category,
      title: info.title,
      description: info.description,
      configSchema: info.configSchema,
      sideEffects: info.sideEffects,
      defaultRetry: info.defaultRetry,
      defaultTimeoutMs: info.defaultTimeoutMs,
    }));
  }
}
