import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { ContextFactory, GatewayContext } from "./context.ts";
import { formatError, type ErrorLogger } from "./format-error.ts";

export interface WsServerOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  contexts: ContextFactory;
  introspection: boolean;
  logError: ErrorLogger;
}

export interface WsServer {
  /** Closes every socket (clients see 1001 "Going away") and the server. */
  dispose(): Promise<void>;
}

/**
 * graphql-ws on the same HTTP server and path as Apollo. Apollo's request
 * pipeline does not cover WebSockets, so the pieces it gives HTTP for free
 * (error codes, error masking, the introspection switch) are applied here.
 */
export function attachWsServer(options: WsServerOptions): WsServer {
  const { schema, contexts } = options;
  // noServer + our own upgrade routing: attached with `server`, ws re-emits
  // the HTTP server's listen errors (EADDRINUSE) as WebSocket-server errors,
  // which graphql-ws then logs as if they were its own.
  const wsServer = new WebSocketServer({ noServer: true });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? "/", "http://gateway").pathname !== options.path) {
      socket.destroy();
      return;
    }
    wsServer.handleUpgrade(request, socket, head, (client) => wsServer.emit("connection", client, request));
  };
  options.httpServer.on("upgrade", onUpgrade);

  const rules = options.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];

  const cleanup = useServer(
    {
      onSubscribe: async (ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          if (error instanceof GraphQLError) return [withCode(error, "GRAPHQL_PARSE_FAILED")];
          throw error;
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors.map((error) => withCode(error, "GRAPHQL_VALIDATION_FAILED"));
        let contextValue: GatewayContext;
        try {
          contextValue = await contexts.fromConnectionParams(ctx.connectionParams);
        } catch (error) {
          // Thrown here, graphql-ws would close the socket with the raw
          // message as the close reason; as an operation error it is masked.
          return [new GraphQLError("Context creation failed", { originalError: asError(error) })];
        }
        return {
          schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          contextValue,
        };
      },
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((error) => formatError(error.toJSON(), error, options.logError)),
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!result.errors) return undefined;
        const errors = result.errors.map((error) => {
          // Errors without a path come from request set-up (variable
          // coercion, operation selection): the client's input, not a bug.
          const tagged =
            error.path === undefined && error.extensions["code"] === undefined
              ? withCode(error, "BAD_USER_INPUT")
              : error;
          return formatError(tagged.toJSON(), tagged, options.logError);
        });
        return { ...result, errors };
      },
    },
    wsServer,
  );

  return {
    dispose: async () => {
      options.httpServer.off("upgrade", onUpgrade);
      await cleanup.dispose();
    },
  };
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    originalError: error.originalError ?? null,
    extensions: { ...error.extensions, code },
  });
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
