-- The per-node hot path as SQL functions, so each phase of a node attempt is one statement (one
-- round trip, one short transaction) instead of an interactive transaction of a dozen queries.
-- SECURITY INVOKER (the default): row-level security applies to the caller exactly as before.
-- Each entry point scopes itself with set_config(..., is_local => true), which lasts for the
-- statement's own transaction only.

-- A run's next event: bumps Run.lastEventSeq (a row lock held only until the statement's
-- transaction ends), inserts the RunEvent, and NOTIFYs listeners at commit.
CREATE FUNCTION weft_append_event(
  p_workspace uuid, p_run uuid, p_type text, p_node text, p_status text, p_data jsonb
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_seq integer;
  v_notice jsonb;
BEGIN
  UPDATE "Run" SET "lastEventSeq" = "lastEventSeq" + 1 WHERE id = p_run RETURNING "lastEventSeq" INTO v_seq;
  IF v_seq IS NULL THEN
    RAISE EXCEPTION 'run % is not visible in workspace %', p_run, p_workspace;
  END IF;
  INSERT INTO "RunEvent" (id, "workspaceId", "runId", seq, type, "nodeId", status, data)
  VALUES (gen_random_uuid(), p_workspace, p_run, v_seq, p_type, p_node, p_status, p_data);
  v_notice := jsonb_build_object('workspaceId', p_workspace, 'runId', p_run, 'seq', v_seq, 'type', p_type);
  IF p_type LIKE 'run.%' AND p_status IS NOT NULL THEN
    v_notice := v_notice || jsonb_build_object('runStatus', p_status);
  END IF;
  PERFORM pg_notify('weft_run_events', v_notice::text);
  RETURN v_seq;
END $$;

-- What templates and expressions of a node can see: the run input and the outcome of every node
-- that finished (large outputs resolved). NULL when the run is not visible.
CREATE FUNCTION weft_run_scope(p_run uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_input jsonb;
  v_nodes jsonb;
BEGIN
  SELECT input INTO v_input FROM "Run" WHERE id = p_run;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  SELECT coalesce(jsonb_object_agg(
           n."nodeId",
           CASE WHEN n.status = 'SUCCEEDED'
             THEN jsonb_build_object('output', CASE WHEN l.id IS NOT NULL THEN l.data ELSE n.output END)
             ELSE jsonb_build_object('error', jsonb_build_object('message', coalesce(n.error, 'failed')))
           END), '{}'::jsonb)
    INTO v_nodes
    FROM "NodeRun" n
    LEFT JOIN "LargeOutput" l ON l."workspaceId" = n."workspaceId" AND l.id = n."outputRef"
   WHERE n."runId" = p_run AND n.status IN ('SUCCEEDED', 'FAILED');
  RETURN jsonb_build_object('input', coalesce(v_input, '{}'::jsonb), 'nodes', v_nodes);
END $$;

-- Start of a node attempt. Settles the previous attempt first: succeeded but its completion was
-- lost → done (don't run the side effect again); vanished while RUNNING → its worker died, not
-- counted; recorded error/timeout → already in failedAttempts. Then marks the node RUNNING and
-- appends node.started / node.retrying. Returns {scope, done, exhausted?, failedAttempts}.
-- For a foreach item (p_item) only the scope is read.
CREATE FUNCTION weft_node_begin(
  p_workspace uuid, p_run uuid, p_node text, p_attempt integer, p_max_attempts integer, p_item boolean
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_scope jsonb;
  r "NodeRun"%ROWTYPE;
  v_found boolean;
  v_failed integer;
  v_prev text;
BEGIN
  PERFORM set_config('app.workspace_id', p_workspace::text, true);
  v_scope := weft_run_scope(p_run);
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

-- Success of a node attempt: output (inline, or in LargeOutput when p_large_size is set), input,
-- logs, usage (incremented: failed attempts already added theirs), then node.log events and
-- node.succeeded.
CREATE FUNCTION weft_node_succeed(
  p_workspace uuid, p_run uuid, p_node text, p_attempt integer, p_input jsonb, p_output jsonb,
  p_large_size integer, p_logs text[], p_tokens_in integer, p_tokens_out integer, p_cost numeric,
  p_duration_ms integer
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_ref uuid;
  v_output jsonb := p_output;
  v_line text;
BEGIN
  PERFORM set_config('app.workspace_id', p_workspace::text, true);
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
  IF NOT FOUND THEN
    RAISE EXCEPTION 'node run %/% is not visible in workspace %', p_run, p_node, p_workspace;
  END IF;
  FOREACH v_line IN ARRAY p_logs LOOP
    PERFORM weft_append_event(p_workspace, p_run, 'node.log', p_node, NULL, jsonb_build_object('line', v_line));
  END LOOP;
  PERFORM weft_append_event(p_workspace, p_run, 'node.succeeded', p_node, 'SUCCEEDED',
                            jsonb_build_object('attempt', p_attempt, 'durationMs', p_duration_ms));
END $$;
