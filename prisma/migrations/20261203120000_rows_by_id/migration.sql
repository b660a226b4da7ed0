-- The gateway field resolvers' reads by id (apps/gateway/src/common/loaders.ts), one statement
-- each. Through Prisma each was an interactive transaction of four round trips (BEGIN, the scope,
-- the read, COMMIT), two of them for every page of runs that shows each run's agent and version
-- (bench/RESULTS.md, eleventh measurement). SECURITY INVOKER (the default): the statement's own
-- transaction is scoped to the workspace, so row-level security shows only its rows, as before.

CREATE FUNCTION weft_agents_by_id(p_workspace uuid, p_ids uuid[])
RETURNS SETOF "Agent" LANGUAGE plpgsql AS $$
BEGIN
  PERFORM weft_scope_workspace(p_workspace);
  RETURN QUERY SELECT * FROM "Agent" a WHERE a.id = ANY (p_ids);
END $$;

CREATE FUNCTION weft_versions_by_id(p_workspace uuid, p_ids uuid[])
RETURNS SETOF "AgentVersion" LANGUAGE plpgsql AS $$
BEGIN
  PERFORM weft_scope_workspace(p_workspace);
  RETURN QUERY SELECT * FROM "AgentVersion" v WHERE v.id = ANY (p_ids);
END $$;

-- The versions of each of p_agents, newest first.
CREATE FUNCTION weft_versions_of(p_workspace uuid, p_agents uuid[])
RETURNS SETOF "AgentVersion" LANGUAGE plpgsql AS $$
BEGIN
  PERFORM weft_scope_workspace(p_workspace);
  RETURN QUERY SELECT * FROM "AgentVersion" v WHERE v."agentId" = ANY (p_agents) ORDER BY v.number DESC;
END $$;

-- The schedules of each of p_agents, oldest first.
CREATE FUNCTION weft_schedules_of(p_workspace uuid, p_agents uuid[])
RETURNS SETOF "Schedule" LANGUAGE plpgsql AS $$
BEGIN
  PERFORM weft_scope_workspace(p_workspace);
  RETURN QUERY SELECT * FROM "Schedule" s WHERE s."agentId" = ANY (p_agents)
                ORDER BY s."createdAt", s.id;
END $$;
