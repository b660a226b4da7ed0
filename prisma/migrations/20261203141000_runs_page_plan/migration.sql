-- The runs page planned once per connection, and reading only its own rows (bench/RESULTS.md,
-- twelfth measurement). weft_runs_page's one query had its optional filters and its keyset cursor
-- as "p IS NULL OR …" terms. PL/pgSQL plans it with the call's values (a custom plan) while that
-- looks cheaper than a plan for any values (a generic plan), and for this query it always did, so
-- it was planned afresh on every call: 0.2–0.9 ms of PostgreSQL's CPU per page, several times the
-- page's execution. Its generic plan was no way out: those terms made the planner expect a row or
-- two, so it read and sorted all of the workspace's runs. The same happened to the custom plan
-- wherever the table had no statistics yet, such as right after a burst of runs.
--
-- Now each shape (an agent's runs, one status, all) is a query of its own, and the cursor is one
-- row comparison, which an index ending in ("createdAt", id) answers in the page's order. The
-- function asks for generic plans with sorting off: an index range scan in the page's order that
-- stops after the page, whatever the statistics say (with sorting on, a workspace the planner took
-- for small could still get "read all, then sort"). The first page's cursor is past every row
-- ('infinity', the largest uuid). A status page walks the workspace's runs newest first until it
-- has its page: under row-level security an enum comparison (not leakproof) cannot be an index
-- condition, so the ("workspaceId", status) index cannot serve it (nor did it before). Unchanged:
-- the membership check, the agent check, the order, and which runs each page holds.
--
-- And the page leaves each run's input and output out (answers both as NULL). A run's output holds
-- its sinks' outputs, large ones resolved, and a list rarely shows either column (the web app's
-- never does): with 21 runs of ~200 KB output each, a page took 37 ms and 27 ms of the gateway's
-- CPU, against ~1.5 ms for small rows. The gateway reads them by id (weft_runs_by_id) only when a
-- query asks for them.

-- DropIndex
DROP INDEX "Run_agentId_createdAt_idx";

-- DropIndex
DROP INDEX "Run_workspaceId_createdAt_idx";

-- CreateIndex
CREATE INDEX "Run_workspaceId_createdAt_id_idx" ON "Run"("workspaceId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Run_agentId_createdAt_id_idx" ON "Run"("agentId", "createdAt", "id");

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
  v_status "RunStatus";
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
    v_status := p_status::"RunStatus";
  END IF;
  IF p_agent IS NOT NULL THEN
    OPEN v_page FOR
      SELECT * FROM "Run" r
       WHERE r."agentId" = p_agent AND r."workspaceId" = p_workspace
         AND (r."createdAt", r.id) < (v_at, v_id)
         AND (v_status IS NULL OR r.status = v_status)
       ORDER BY r."createdAt" DESC, r.id DESC
       LIMIT p_limit;
  ELSIF v_status IS NOT NULL THEN
    -- Newest first until a page is found: under row-level security an enum comparison (not
    -- leakproof) cannot be an index condition, so no index on the status would serve here.
    OPEN v_page FOR
      SELECT * FROM "Run" r
       WHERE r."workspaceId" = p_workspace AND r.status = v_status
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
