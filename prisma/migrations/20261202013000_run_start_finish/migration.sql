-- A run's first and last bookkeeping as one statement each, like the node hot path
-- (20261122064500_node_hot_path): the workflow's markRunStarted and finishRun were Prisma
-- interactive transactions of 5 and ~10 round trips. SECURITY INVOKER (the default), so
-- row-level security applies to the caller as before; each scopes itself to its workspace.
-- Prisma's @updatedAt is set by the client, so these set "updatedAt" themselves.

-- QUEUED → RUNNING with the Temporal ids, and run.started; idempotent (false when not QUEUED,
-- e.g. a retried activity, so no second event).
CREATE FUNCTION weft_run_started(
  p_workspace uuid, p_run uuid, p_workflow_id text, p_temporal_run_id text
) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('app.workspace_id', p_workspace::text, true);
  UPDATE "Run"
     SET status = 'RUNNING', "startedAt" = now(), "temporalWorkflowId" = p_workflow_id,
         "temporalRunId" = p_temporal_run_id, "updatedAt" = now()
   WHERE id = p_run AND status = 'QUEUED';
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  PERFORM weft_append_event(p_workspace, p_run, 'run.started', NULL, 'RUNNING', NULL);
  RETURN true;
END $$;

-- The run's terminal status, once: output (the sinks' outputs, large ones resolved), nodes still
-- RUNNING/PENDING → CANCELLED, node usage reconciled with the LlmCall ledger (calls a NodeRun could
-- not see: foreach items, attempts whose worker died), totals = sum of NodeRuns, the final event,
-- and the day's UsageRecord per model (p_no_model for a run without LLM calls, so usage.runs counts
-- every run). A retry after the status changed records nothing again. Returns the RunResult
-- {status, output, error} computed from the arguments either way.
CREATE FUNCTION weft_run_finish(
  p_workspace uuid, p_run uuid, p_status text, p_error text, p_output_nodes text[], p_no_model text
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_scope jsonb;
  v_output jsonb := '{}'::jsonb;
  v_id text;
  v_node text;
  v_tokens_in integer;
  v_tokens_out integer;
  v_cost numeric;
  v_model record;
  v_any_call boolean;
  v_day date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
  PERFORM set_config('app.workspace_id', p_workspace::text, true);
  v_scope := weft_run_scope(p_run);
  IF v_scope IS NULL THEN
    RAISE EXCEPTION 'run % is not visible in workspace %', p_run, p_workspace;
  END IF;
  FOREACH v_id IN ARRAY p_output_nodes LOOP
    IF (v_scope -> 'nodes' -> v_id) ? 'output' THEN
      v_output := v_output || jsonb_build_object(v_id, v_scope -> 'nodes' -> v_id -> 'output');
    END IF;
  END LOOP;

  FOR v_node IN
    SELECT "nodeId" FROM "NodeRun"
     WHERE "runId" = p_run AND status IN ('RUNNING', 'PENDING')
     ORDER BY "createdAt", "nodeId"
  LOOP
    UPDATE "NodeRun" SET status = 'CANCELLED', "finishedAt" = now(), "updatedAt" = now()
     WHERE "runId" = p_run AND "nodeId" = v_node;
    PERFORM weft_append_event(p_workspace, p_run, 'node.cancelled', v_node, 'CANCELLED', NULL);
  END LOOP;

  UPDATE "NodeRun" n
     SET "tokensIn" = l.tokens_in, "tokensOut" = l.tokens_out, "costUsd" = l.cost, "updatedAt" = now()
    FROM (SELECT "nodeId", coalesce(sum("tokensIn"), 0)::int AS tokens_in,
                 coalesce(sum("tokensOut"), 0)::int AS tokens_out, coalesce(sum("costUsd"), 0) AS cost
            FROM "LlmCall" WHERE "runId" = p_run AND "nodeId" IS NOT NULL GROUP BY "nodeId") l
   WHERE n."runId" = p_run AND n."nodeId" = l."nodeId"
     AND (n."tokensIn", n."tokensOut", n."costUsd") IS DISTINCT FROM (l.tokens_in, l.tokens_out, l.cost);

  SELECT coalesce(sum("tokensIn"), 0)::int, coalesce(sum("tokensOut"), 0)::int, coalesce(sum("costUsd"), 0)
    INTO v_tokens_in, v_tokens_out, v_cost
    FROM "NodeRun" WHERE "runId" = p_run;

  UPDATE "Run"
     SET status = p_status::"RunStatus",
         output = CASE WHEN p_status = 'SUCCEEDED' THEN v_output ELSE 'null'::jsonb END,
         error = p_error, "finishedAt" = now(),
         "tokensIn" = v_tokens_in, "tokensOut" = v_tokens_out, "costUsd" = v_cost, "updatedAt" = now()
   WHERE id = p_run AND status IN ('QUEUED', 'RUNNING');
  IF FOUND THEN
    PERFORM weft_append_event(
      p_workspace, p_run,
      CASE p_status WHEN 'SUCCEEDED' THEN 'run.succeeded' WHEN 'FAILED' THEN 'run.failed' ELSE 'run.cancelled' END,
      NULL, p_status,
      CASE WHEN coalesce(p_error, '') <> '' THEN jsonb_build_object('error', p_error) ELSE '{}'::jsonb END);
    -- One statement per model (INSERT … ON CONFLICT), so runs of the same day finishing at the same
    -- moment on different workers add up instead of racing on the unique key.
    v_any_call := false;
    FOR v_model IN
      SELECT model, provider, coalesce(sum("tokensIn"), 0)::int AS tokens_in,
             coalesce(sum("tokensOut"), 0)::int AS tokens_out, coalesce(sum("costUsd"), 0) AS cost
        FROM "LlmCall" WHERE "runId" = p_run GROUP BY model, provider ORDER BY model, provider
    LOOP
      v_any_call := true;
      PERFORM weft_add_usage(p_workspace, v_day, v_model.model, v_model.provider, p_status,
                             v_model.tokens_in, v_model.tokens_out, v_model.cost);
    END LOOP;
    IF NOT v_any_call THEN
      PERFORM weft_add_usage(p_workspace, v_day, p_no_model, p_no_model, p_status, 0, 0, 0);
    END IF;
  END IF;
  RETURN jsonb_build_object(
    'status', p_status,
    'output', CASE WHEN p_status = 'SUCCEEDED' THEN v_output END,
    'error', p_error);
END $$;

-- One finished run (and its spend on one model) added to the workspace's day.
CREATE FUNCTION weft_add_usage(
  p_workspace uuid, p_day date, p_model text, p_provider text, p_status text,
  p_tokens_in integer, p_tokens_out integer, p_cost numeric
) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "UsageRecord" (id, "workspaceId", day, model, provider, runs, succeeded, failed,
                             "tokensIn", "tokensOut", "costUsd", "updatedAt")
  VALUES (gen_random_uuid(), p_workspace, p_day, p_model, p_provider, 1,
          (p_status = 'SUCCEEDED')::int, (p_status = 'FAILED')::int, p_tokens_in, p_tokens_out, p_cost, now())
  ON CONFLICT ("workspaceId", day, model) DO UPDATE SET
    runs = "UsageRecord".runs + EXCLUDED.runs,
    succeeded = "UsageRecord".succeeded + EXCLUDED.succeeded,
    failed = "UsageRecord".failed + EXCLUDED.failed,
    "tokensIn" = "UsageRecord"."tokensIn" + EXCLUDED."tokensIn",
    "tokensOut" = "UsageRecord"."tokensOut" + EXCLUDED."tokensOut",
    "costUsd" = "UsageRecord"."costUsd" + EXCLUDED."costUsd",
    "updatedAt" = now();
$$;
