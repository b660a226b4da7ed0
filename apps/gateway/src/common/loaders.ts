import DataLoader from "dataloader";
import { withWorkspace, type Agent, type AgentVersion, type Db, type Tx } from "@weft/db";

/** A row asked for by id inside the workspace it belongs to (the key RLS scopes by). */
export interface InWorkspace {
  workspaceId: string;
  id: string;
}

/**
 * Field resolvers' reads by id, batched: the loads made in one tick (the 20 runs of a runs page
 * each asking for its agent and its version) become one scoped read per workspace and table,
 * instead of one transaction each (bench/RESULTS.md, seventh measurement: 40 transactions for
 * the web app's runs page). No cache (`cache: false`): a load reads the database every time, so a
 * long subscription never answers from old rows, and batches of concurrent requests share reads
 * only within the tick. Each workspace's ids are read under that workspace's RLS scope.
 */
export interface Loaders {
  agent: DataLoader<InWorkspace, Agent | null>;
  version: DataLoader<InWorkspace, AgentVersion | null>;
}

export function createLoaders(prisma: Db): Loaders {
  return {
    agent: byId(prisma, (tx, ids) => tx.agent.findMany({ where: { id: { in: ids } } })),
    version: byId(prisma, (tx, ids) => tx.agentVersion.findMany({ where: { id: { in: ids } } })),
  };
}

function byId<R extends { id: string }>(
  prisma: Db,
  read: (tx: Tx, ids: string[]) => Promise<R[]>,
): DataLoader<InWorkspace, R | null> {
  return new DataLoader<InWorkspace, R | null>(
    async (keys) => {
      const idsByWorkspace = new Map<string, Set<string>>();
      for (const { workspaceId, id } of keys) {
        const ids = idsByWorkspace.get(workspaceId) ?? new Set<string>();
        ids.add(id);
        idsByWorkspace.set(workspaceId, ids);
      }
      const found = new Map<string, R>();
      await Promise.all(
        [...idsByWorkspace].map(async ([workspaceId, ids]) => {
          const rows = await withWorkspace(prisma, workspaceId, (tx) => read(tx, [...ids]));
          for (const row of rows) found.set(`${workspaceId}:${row.id}`, row);
        }),
      );
      return keys.map(({ workspaceId, id }) => found.get(`${workspaceId}:${id}`) ?? null);
    },
    { cache: false },
  );
}
