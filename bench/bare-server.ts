// Baselines of scenarios 5 and 6, as a process of its own like the gateway it is compared with:
// a bare @apollo/server on the gateway's HTTP integration (express 5 + @as-integrations/express5,
// same versions) and a bare graphql-ws server on the same port and path. No authentication, no
// row-level security, no Prisma, no operation limits:
//   - `{ __typename }`, answered by graphql-js alone;
//   - `runs(workspaceId, first)`: the gateway's newest-first page, one plain SQL query on a pg pool
//     of the gateway's default size (10) as the database owner;
//   - `runEvents(runId)`: pushes each run_events NOTIFY payload of that run to every subscriber as
//     it arrives on one LISTEN connection, without reading the row back.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { RUN_EVENTS_CHANNEL, type RunEventNotice } from "@weft/schema";
import express from "express";
import {
  GraphQLBoolean,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  print,
} from "graphql";
import { useServer } from "graphql-ws/use/ws";
import pg from "pg";
import { WebSocketServer } from "ws";

const databaseUrl = process.env.BARE_DATABASE_URL;
if (!databaseUrl) throw new Error("bare server: BARE_DATABASE_URL is required");
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });

const subscribers = new Set<(notice: RunEventNotice) => void>();
const listener = new pg.Client({ connectionString: databaseUrl });
listener.on("notification", (msg) => {
  if (msg.channel !== RUN_EVENTS_CHANNEL || !msg.payload) return;
  const notice = JSON.parse(msg.payload) as RunEventNotice;
  for (const push of subscribers) push(notice);
});
await listener.connect();
await listener.query(`LISTEN ${RUN_EVENTS_CHANNEL}`);

const Agent = new GraphQLObjectType({
  name: "Agent",
  fields: { id: { type: new GraphQLNonNull(GraphQLID) }, name: { type: new GraphQLNonNull(GraphQLString) } },
});
const AgentVersion = new GraphQLObjectType({
  name: "AgentVersion",
  fields: { id: { type: new GraphQLNonNull(GraphQLID) }, number: { type: new GraphQLNonNull(GraphQLInt) } },
});
const Run = new GraphQLObjectType({
  name: "Run",
  fields: {
    id: { type: new GraphQLNonNull(GraphQLID) },
    status: { type: new GraphQLNonNull(GraphQLString) },
    startedAt: { type: GraphQLString },
    agent: { type: new GraphQLNonNull(Agent) },
    version: { type: new GraphQLNonNull(AgentVersion) },
  },
});
const RunEdge = new GraphQLObjectType({
  name: "RunEdge",
  fields: { cursor: { type: new GraphQLNonNull(GraphQLString) }, node: { type: new GraphQLNonNull(Run) } },
});
const PageInfo = new GraphQLObjectType({
  name: "PageInfo",
  fields: { hasNextPage: { type: new GraphQLNonNull(GraphQLBoolean) }, endCursor: { type: GraphQLString } },
});
const RunConnection = new GraphQLObjectType({
  name: "RunConnection",
  fields: {
    edges: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(RunEdge))) },
    pageInfo: { type: new GraphQLNonNull(PageInfo) },
  },
});
const RunEvent = new GraphQLObjectType({
  name: "RunEvent",
  fields: {
    seq: { type: new GraphQLNonNull(GraphQLInt) },
    runId: { type: new GraphQLNonNull(GraphQLID) },
    type: { type: new GraphQLNonNull(GraphQLString) },
    nodeId: { type: GraphQLID },
    status: { type: GraphQLString },
    at: { type: new GraphQLNonNull(GraphQLString) },
  },
});

interface RunRow {
  id: string;
  status: string;
  createdAt: Date;
  startedAt: Date | null;
  agent_id?: string;
  agent_name?: string;
  version_id?: string;
  version_number?: number;
}

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: "Query",
    fields: {
      runs: {
        type: new GraphQLNonNull(RunConnection),
        args: {
          workspaceId: { type: new GraphQLNonNull(GraphQLID) },
          first: { type: GraphQLInt, defaultValue: 20 },
        },
        resolve: async (_root, args: { workspaceId: string; first: number }, _ctx, info) => {
          // The runs page as the web app asks for it (each run's agent and version): one join.
          const joined = /\b(agent|version)\b/.test(print(info.fieldNodes[0]!));
          const { rows } = await pool.query<RunRow>(
            joined
              ? `SELECT r.id, r.status, r."createdAt", r."startedAt", a.id AS agent_id, a.name AS agent_name,
                        v.id AS version_id, v.number AS version_number
                   FROM "Run" r JOIN "Agent" a ON a.id = r."agentId" JOIN "AgentVersion" v ON v.id = r."versionId"
                  WHERE r."workspaceId" = $1 ORDER BY r."createdAt" DESC, r.id DESC LIMIT $2`
              : `SELECT id, status, "createdAt", "startedAt" FROM "Run" WHERE "workspaceId" = $1
                  ORDER BY "createdAt" DESC, id DESC LIMIT $2`,
            [args.workspaceId, args.first + 1],
          );
          const page = rows.slice(0, args.first);
          const cursor = (r: RunRow) =>
            Buffer.from(JSON.stringify({ at: r.createdAt.toISOString(), id: r.id })).toString("base64url");
          return {
            edges: page.map((r) => ({
              cursor: cursor(r),
              node: {
                id: r.id,
                status: r.status,
                startedAt: r.startedAt?.toISOString() ?? null,
                agent: { id: r.agent_id, name: r.agent_name },
                version: { id: r.version_id, number: r.version_number },
              },
            })),
            pageInfo: {
              hasNextPage: rows.length > args.first,
              endCursor: page.length ? cursor(page.at(-1)!) : null,
            },
          };
        },
      },
    },
  }),
  subscription: new GraphQLObjectType({
    name: "Subscription",
    fields: {
      runEvents: {
        type: new GraphQLNonNull(RunEvent),
        args: { runId: { type: new GraphQLNonNull(GraphQLID) } },
        subscribe: (_root, args: { runId: string }) => noticesOf(args.runId),
        resolve: (notice: RunEventNotice) => ({
          seq: notice.seq,
          runId: notice.runId,
          type: notice.type,
          nodeId: null,
          status: notice.runStatus ?? null,
          at: new Date().toISOString(),
        }),
      },
    },
  }),
});

async function* noticesOf(runId: string): AsyncGenerator<RunEventNotice> {
  const queue: RunEventNotice[] = [];
  let wake: (() => void) | null = null;
  const push = (notice: RunEventNotice) => {
    if (notice.runId !== runId) return;
    queue.push(notice);
    wake?.();
  };
  subscribers.add(push);
  try {
    for (;;) {
      while (queue.length) yield queue.shift()!;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    subscribers.delete(push);
  }
}

const app = express();
const httpServer = createServer(app);
const wsServer = new WebSocketServer({ server: httpServer, path: "/graphql" });
const ws = useServer({ schema }, wsServer);
const apollo = new ApolloServer({ schema });
await apollo.start();
app.use("/graphql", express.json({ limit: "1mb" }), expressMiddleware(apollo));
await new Promise<void>((resolve) =>
  httpServer.listen(Number(process.env.BARE_PORT ?? 0), "127.0.0.1", resolve),
);
console.log(`bare server listening on port ${(httpServer.address() as AddressInfo).port}`);

const stop = async () => {
  await ws.dispose();
  await apollo.stop();
  httpServer.close();
  await listener.end();
  await pool.end();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
