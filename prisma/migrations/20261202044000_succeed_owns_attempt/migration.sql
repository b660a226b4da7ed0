-- A node's success is recorded only by the attempt that holds the node: the one whose begin last
-- marked it RUNNING. Before, an attempt that Temporal had timed out while it waited (and whose
-- node a newer attempt was already running) still recorded its success when it got through, so
-- the node had two node.succeeded events (found by the PostgreSQL drill at drill size, 12-02).
-- Likewise a begin of an older attempt than the one holding the node does nothing.
CREATE OR REPLACE FUNCTION weft_node_succeed(
  p_workspace uuid, p_run uuid, p_node text, p_attempt integer, p_input jsonb, p_output jsonb,
  p_large_size integer, p_logs text[], p_tokens_in integer, p_tokens_out integer, p_cost numeric,
  p_duration_ms integer
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_ref uuid;
  v_output jsonb := p_output;
  v_line text;
  v_status text;
  v_attempt integer;
BEGIN
  PERFORM set_config('app.workspace_id', p_workspace::text, true);
  -- Locked like weft_node_begin locks it, so no other attempt can take the node over in between.
  SELECT status::text, attempt INTO v_status, v_attempt
    FROM "NodeRun" WHERE "runId" = p_run AND "nodeId" = p_node FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'node run %/% is not visible in workspace %', p_run, p_node, p_workspace;
  END IF;
  IF v_status <> 'RUNNING' OR v_attempt <> p_attempt THEN
    -- Not this attempt's to record any more: a later attempt began (Temporal gave up on this one
    -- while it waited, e.g. on the database, and ran the node again), or the run closed the node.
    -- The later attempt records its own outcome; this one records nothing.
    RETURN;
  END IF;
  IF p_large_size IS NOT NULL THEN
    INSERT INTO "LargeOutput" (id, "workspaceId", "runId", "nodeId", data, "sizeBytes")
    VALUES (gen_random_uuid(), p_workspace, p_run, p_node, p_output, p_large_size)
    RETURNING id INTO v_ref;
    v_output := jsonb_build_object('$ref', v_ref, 'sizeBytes', p_large_size);
  END IF;
  UPDATE "NodeRun"
     SET status = 'SUCCEEDED', attempt = p_attempt, input = p_input, output = v_output, "outputRef" = v_ref,
         error = NULL, "finishedAt" = now(), logs = logs || p_logs,
         "tokensIn" = "tokensIn" + p_tokens_in, "tokensOut" = "tokensOut" + p_tokens_out,
         "costUsd" = "costUsd" + p_cost, "updatedAt" = now()
   WHERE "runId" = p_run AND "nodeId" = p_node;
  FOREACH v_line IN ARRAY p_logs LOOP
    PERFORM weft_append_event(p_workspace, p_run, 'node.log', p_node, NULL, jsonb_build_object('line', v_line));
  END LOOP;
  PERFORM weft_append_event(p_workspace, p_run, 'node.succeeded', p_node, 'SUCCEEDED',
                            jsonb_build_object('attempt', p_attempt, 'durationMs', p_duration_ms));
END $$;

CREATE OR REPLACE FUNCTION weft_node_begin(
  p_workspace uuid, p_run uuid, p_node text, p_attempt integer, p_max_attempts integer, p_item boolean,
  p_nodes text[]
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_scope jsonb;
  r "NodeRun"%ROWTYPE;
  v_found boolean;
  v_failed integer;
  v_prev text;
BEGIN
  PERFORM set_config('app.workspace_id', p_workspace::text, true);
  v_scope := weft_run_scope(p_run, p_nodes);
  IF v_scope IS NULL THEN
    RETURN jsonb_build_object('missing', true);
  END IF;
  IF p_item THEN
    RETURN jsonb_build_object('scope', v_scope, 'done', false, 'failedAttempts', 0);
  END IF;
  SELECT * INTO r FROM "NodeRun" WHERE "runId" = p_run AND "nodeId" = p_node FOR UPDATE;
  v_found := FOUND;
  IF v_found AND r.status = 'SUCCEEDED' THEN
    RETURN jsonb_build_object('scope', v_scope, 'done', true, 'failedAttempts', r."failedAttempts");
  END IF;
  IF v_found AND r.status = 'RUNNING' AND r.attempt > p_attempt THEN
    -- A later attempt holds the node: this one was given up on by Temporal (it waited too long,
    -- e.g. for the database) and must neither take the node back nor run it a second time.
    RETURN jsonb_build_object('superseded', true);
  END IF;
  v_failed := CASE WHEN v_found THEN r."failedAttempts" ELSE 0 END;
  v_prev := CASE
    WHEN NOT v_found THEN NULL
    WHEN r.status = 'RUNNING' THEN format('attempt %s was interrupted (its worker stopped); not counted', r.attempt)
    ELSE r.error
  END;
  IF v_failed >= p_max_attempts THEN
    IF v_found THEN
      UPDATE "NodeRun" SET "failedAttempts" = v_failed, error = v_prev, "updatedAt" = now() WHERE id = r.id;
    END IF;
    RETURN jsonb_build_object('scope', v_scope, 'done', false, 'failedAttempts', v_failed,
                              'exhausted', coalesce(v_prev, 'no attempts left'));
  END IF;
  IF v_found THEN
    UPDATE "NodeRun"
       SET status = 'RUNNING', attempt = p_attempt, "failedAttempts" = v_failed, "attemptStartedAt" = now(),
           error = v_prev, "startedAt" = coalesce("startedAt", now()), "updatedAt" = now()
     WHERE id = r.id;
  ELSE
    INSERT INTO "NodeRun" (id, "workspaceId", "runId", "nodeId", status, attempt, "startedAt", "attemptStartedAt", "updatedAt")
    VALUES (gen_random_uuid(), p_workspace, p_run, p_node, 'RUNNING', p_attempt, now(), now(), now());
  END IF;
  PERFORM weft_append_event(
    p_workspace, p_run, CASE WHEN v_found THEN 'node.retrying' ELSE 'node.started' END, p_node, 'RUNNING',
    jsonb_build_object('attempt', v_failed + 1, 'maxAttempts', p_max_attempts)
      || CASE WHEN v_prev IS NOT NULL THEN jsonb_build_object('previousError', v_prev) ELSE '{}'::jsonb END);
  RETURN jsonb_build_object('scope', v_scope, 'done', false, 'failedAttempts', v_failed);
END $$;
