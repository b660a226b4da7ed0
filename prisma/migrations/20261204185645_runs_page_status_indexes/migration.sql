-- A runs page filtered by status reads only that page. Before, it walked the workspace's runs
-- newest first until it had a page of that status: under row-level security an enum comparison
-- (enum_eq is not leakproof) cannot be an index condition, so the ("workspaceId", status) index
-- could not serve it, and a status with few runs (RUNNING, CANCELLED) read most of the workspace,
-- or all of it when none had that status. Now each status has a partial index in the page's order
-- ("… WHERE status = 'FAILED'"), and the page names its status as a literal, planned for the call:
-- a literal comparison proves the partial index's predicate, which needs no leakproof operator.
-- The ("workspaceId", status) index goes: nothing else read by it. Unchanged: the membership
-- check, the agent check, the order, the cursor, and which runs each page holds.

-- DropIndex
DROP INDEX "Run_workspaceId_status_idx";

-- CreateIndex
CREATE INDEX "Run_workspaceId_createdAt_id_QUEUED_idx" ON "Run"("workspaceId", "createdAt" DESC, "id" DESC) WHERE (status = 'QUEUED');

-- CreateIndex
CREATE INDEX "Run_workspaceId_createdAt_id_RUNNING_idx" ON "Run"("workspaceId", "createdAt" DESC, "id" DESC) WHERE (status = 'RUNNING');

-- CreateIndex
CREATE INDEX "Run_workspaceId_createdAt_id_SUCCEEDED_idx" ON "Run"("workspaceId", "createdAt" DESC, "id" DESC) WHERE (status = 'SUCCEEDED');

-- CreateIndex
CREATE INDEX "Run_workspaceId_createdAt_id_FAILED_idx" ON "Run"("workspaceId", "createdAt" DESC, "id" DESC) WHERE (status = 'FAILED');

-- CreateIndex
CREATE INDEX "Run_workspaceId_createdAt_id_CANCELLED_idx" ON "Run"("workspaceId", "createdAt" DESC, "id" DESC) WHERE (status = 'CANCELLED');

CREATE OR REPLACE FUNCTION weft_runs_page(
  p_workspace uuid,
  p_user uuid,
  p_roles text[],
  p_agent uuid,
  p_status text,
  p_after_at timestamptz,
  p_after_id uuid,
  p_limit integer
) RETURNS SETOF "Run" LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
SET enable_sort = off AS $$
DECLARE
  v_at timestamptz := coalesce(p_after_at, 'infinity');
  v_id uuid := coalesce(p_after_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff');
  v_page refcursor;
  v_run "Run";
BEGIN
  PERFORM weft_require_member(p_workspace, p_user, p_roles);
  IF p_agent IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Agent" a WHERE a.id = p_agent) THEN
    RAISE EXCEPTION 'weft:no_agent' USING ERRCODE = 'P0002';
  END IF;
  IF p_status IS NOT NULL THEN
    -- A status that is not one matches no run, as the text comparison before did.
    IF NOT (p_status = ANY (enum_range(NULL::"RunStatus")::text[])) THEN
      RETURN;
    END IF;
    -- The status as a literal, planned for this call: the status's own index (a partial index,
    -- "… WHERE status = 'FAILED'") can then serve the page. Under row-level security an enum
    -- comparison (not leakproof) cannot be an index condition, but a literal one proves a partial
    -- index's predicate. An agent's page picks between that index and the agent's by the
    -- statistics. p_status is one of the enum's labels here, and %L quotes it.
    OPEN v_page FOR EXECUTE format(
      'SELECT * FROM "Run" r
        WHERE r."workspaceId" = $1 AND r.status = %L::"RunStatus"%s
          AND (r."createdAt", r.id) < ($2, $3)
        ORDER BY r."createdAt" DESC, r.id DESC
        LIMIT $4',
      p_status, CASE WHEN p_agent IS NULL THEN '' ELSE ' AND r."agentId" = $5' END)
      USING p_workspace, v_at, v_id, p_limit, p_agent;
  ELSIF p_agent IS NOT NULL THEN
    OPEN v_page FOR
      SELECT * FROM "Run" r
       WHERE r."agentId" = p_agent AND r."workspaceId" = p_workspace
         AND (r."createdAt", r.id) < (v_at, v_id)
       ORDER BY r."createdAt" DESC, r.id DESC
       LIMIT p_limit;
  ELSE
    OPEN v_page FOR
      SELECT * FROM "Run" r
       WHERE r."workspaceId" = p_workspace
         AND (r."createdAt", r.id) < (v_at, v_id)
       ORDER BY r."createdAt" DESC, r.id DESC
       LIMIT p_limit;
  END IF;
  LOOP
    FETCH v_page INTO v_run;
    EXIT WHEN NOT FOUND;
    v_run.input := NULL;
    v_run.output := NULL;
    RETURN NEXT v_run;
  END LOOP;
  CLOSE v_page;
END $$;
