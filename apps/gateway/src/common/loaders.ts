import DataLoader from "dataloader";
import type { Agent, AgentVersion, Db, Run, Schedule } from "@weft/db";
import { readByIds, readRunsById } from "@weft/db/run-statements";

/** A row asked for by id inside the workspace it belongs to (the key RLS scopes by). */
export interface InWorkspace {
  workspaceId: string;
  id: string;
}

/**
 * Field resolvers' reads by id, batched: the loads made in one tick (the 20 runs of a runs page
 * each asking for its agent and its version) become one scoped read per workspace and table,
 * instead of one transaction each (bench/RESULTS.md, seventh measurement: 40 transactions for
 * the web app's runs page), and each read is one statement on the pg pool (eleventh measurement).
 * No cache (`cache: false`): a load reads the database every time, so a long subscription never
 * answers from old rows, and batches of concurrent requests share reads only within the tick.
 * Each workspace's ids are read under that workspace's RLS scope.
 */
export interface Loaders {
  /** Whole runs, for the input and output that a runs page leaves out. */
  run: DataLoader<InWorkspace, Run | null>;
  agent: DataLoader<InWorkspace, Agent | null>;
  version: DataLoader<InWorkspace, AgentVersion | null>;
  /** An agent's versions, newest first (the key's id is the agent's). */
  versionsOf: DataLoader<InWorkspace, AgentVersion[]>;
  /** An agent's schedules, oldest first (the key's id is the agent's). */
  schedulesOf: DataLoader<InWorkspace, Schedule[]>;
}

export function createLoaders(prisma: Db): Loaders {
  return {
    run: batched(prisma, readRunsById, byKey("id")),
    agent: batched(prisma, readByIds.agents, byKey("id")),
    version: batched(prisma, readByIds.versions, byKey("id")),
    versionsOf: batched(prisma, readByIds.versionsOf, listsBy("agentId")),
    schedulesOf: batched(prisma, readByIds.schedulesOf, listsBy("agentId")),
  };
}

/** One row per key: the row whose `field` is the key's id, or null. */
function byKey<R>(field: keyof R & string) {
  return (rows: R[], ids: string[]) => {
    const by = new Map(rows.map((row) => [String(row[field]), row]));
    return ids.map((id) => by.get(id) ?? null);
  };
}

/** A list per key: the rows whose `field` is the key's id, in the order read. */
function listsBy<R>(field: keyof R & string) {
  return (rows: R[], ids: string[]) => {
    const by = new Map<string, R[]>(ids.map((id) => [id, []]));
    for (const row of rows) by.get(String(row[field]))?.push(row);
    return ids.map((id) => by.get(id)!);
  };
}

function batched<R, V>(
  prisma: Db,
  read: (db: Db, workspaceId: string, ids: string[]) => Promise<R[]>,
  answer: (rows: R[], ids: string[]) => V[],
): DataLoader<InWorkspace, V> {
  return new DataLoader<InWorkspace, V>(
    async (keys) => {
      const idsByWorkspace = new Map<string, Set<string>>();
      for (const { workspaceId, id } of keys) {
        const ids = idsByWorkspace.get(workspaceId) ?? new Set<string>();
        ids.add(id);
        idsByWorkspace.set(workspaceId, ids);
      }
      const answers = new Map<string, V>();
      await Promise.all(
        [...idsByWorkspace].map(async ([workspaceId, idSet]) => {
          const ids = [...idSet];
          const rows = await read(prisma, workspaceId, ids);
          answer(rows, ids).forEach((value, i) => answers.set(`${workspaceId}:${ids[i]}`, value));
        }),
      );
      return keys.map(({ workspaceId, id }) => answers.get(`${workspaceId}:${id}`)!);
    },
    { cache: false },
  );
}
