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
  type ValidationRule,
} from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import { bearerToken, type ContextFactory, type GatewayContext } from "./context.ts";
import { formatError, type ErrorLogger } from "./format-error.ts";
import { withoutSuggestions } from "./limits.ts";
import { subscribeSharingEvents } from "./shared-events.ts";

export interface WsServerOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  contexts: ContextFactory;
  /** Introspection off and schema details hidden, as Apollo does over HTTP. */
  production: boolean;
  /** Extra rules (operation limits) on top of graphql-js' specified rules. */
  validationRules: readonly ValidationRule[];
  logError: ErrorLogger;
}

export interface WsServer {
  /** Closes every socket (clients see 1001 "Going away") and the server. */
  dispose(): Promise<void>;
}

/** How many validated documents a server keeps (oldest out first). */
const VALID_DOCUMENTS_KEPT = 1_000;

/** graphql-ws close code for a missing or rejected token (4401 mirrors HTTP 401). */
export const WS_UNAUTHORIZED = 4401;

// A type alias (not an interface) so it satisfies graphql-ws' Record constraint.
type Extra = {
  socket: WebSocket;
  request: IncomingMessage;
};

/**
 * graphql-ws on the same HTTP server and path as Apollo. Apollo's request
 * pipeline does not cover WebSockets, so the pieces it gives HTTP for free
 * (error codes, error masking, introspection switch, validation rules,
 * hidden suggestions) are applied here.
 *
 * Authentication happens at connection_init: a socket without a valid token
 * in `connectionParams.authorization` is closed with 4401 before any
 * operation runs (WebSockets are for subscriptions, which all need a
 * signed-in caller). Each operation then re-verifies the token, so an
 * expired session or a revoked key stops working on a long-lived socket too.
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

  const rules = [
    ...specifiedRules,
    ...(options.production ? [NoSchemaIntrospectionCustomRule] : []),
    ...options.validationRules,
  ];
  const clientIp = (extra: Extra) => extra.request.socket.remoteAddress;
  // Documents that parsed and passed validation, by their text, as Apollo's document store keeps
  // them over HTTP: validation depends on the document alone (schema and rules are fixed), and
  // subscribers, reconnecting ones most of all (a gateway restart), send the same few queries by
  // the thousand. Measured: validation was ~7% of the gateway's CPU while 1,000 subscribed.
  const validDocuments = new Map<string, DocumentNode>();
  const validationError = (error: GraphQLError) =>
    withCode(
      options.production ? withMessage(error, withoutSuggestions(error.message)) : error,
      "GRAPHQL_VALIDATION_FAILED",
    );

  const cleanup = useServer<Record<string, unknown> | undefined, Extra>(
    {
      // The end of a subscription reaches its stream at once (GatewayContext.subscriptionEnded).
      subscribe: (args) =>
        subscribeSharingEvents(args, () => (args.contextValue as GatewayContext).subscriptionEnded?.abort()),
      onConnect: async (ctx) => {
        let context: GatewayContext | null = null;
        try {
          if (bearerToken(ctx.connectionParams?.["authorization"]) !== null) {
            context = await contexts.fromConnectionParams(ctx.connectionParams, clientIp(ctx.extra));
          }
        } catch (error) {
          // Thrown, graphql-ws would send the raw message as the close reason.
          options.logError("[gateway] websocket authentication failed", error);
          ctx.extra.socket.close(4500, "Internal server error");
          return false;
        }
        if (context?.auth == null) {
          ctx.extra.socket.close(WS_UNAUTHORIZED, "Unauthorized");
          return false;
        }
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        let document = validDocuments.get(payload.query);
        if (!document) {
          try {
            document = parse(payload.query);
          } catch (error) {
            if (error instanceof GraphQLError) return [withCode(error, "GRAPHQL_PARSE_FAILED")];
            throw error;
          }
          const errors = validate(schema, document, rules);
          if (errors.length > 0) return errors.map(validationError);
          if (validDocuments.size >= VALID_DOCUMENTS_KEPT)
            validDocuments.delete(validDocuments.keys().next().value!);
          validDocuments.set(payload.query, document);
        }
        let contextValue: GatewayContext;
        try {
          contextValue = {
            ...(await contexts.fromConnectionParams(ctx.connectionParams, clientIp(ctx.extra))),
            subscriptionEnded: new AbortController(),
          };
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

function withMessage(error: GraphQLError, message: string): GraphQLError {
  return new GraphQLError(message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    originalError: error.originalError ?? null,
    extensions: error.extensions,
  });
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
