-- A node attempt loads the outcomes of the nodes it can read (its templates, expression fields and
-- edge conditions name them), not of every node that finished: reading every finished node on
-- every node made a run's scope reads quadratic in its length (a 100-way fan-out read ~5,000
-- NodeRun rows, a 40-node chain ~800). p_nodes NULL still means every node (an expression that
-- reaches `nodes` dynamically). The one-argument and six-argument forms stay, delegating, for
-- workers of the previous release during a rolling upgrade.

-- What a finished node shows in a scope: its output (a large one resolved), or its error.
CREATE FUNCTION weft_node_outcome(p_status text, p_output jsonb, p_error text, p_large jsonb, p_large_id uuid)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_status = 'SUCCEEDED'
    THEN jsonb_build_object('output', CASE WHEN p_large_id IS NOT NULL THEN p_large ELSE p_output END)
    ELSE jsonb_build_object('error', jsonb_build_object('message', coalesce(p_error, 'failed')))
  END;
$$;

CREATE FUNCTION weft_run_scope(p_run uuid, p_nodes text[]) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_input jsonb;
  v_nodes jsonb;
BEGIN
  SELECT input INTO v_input FROM "Run" WHERE id = p_run;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  -- Two statements rather than one "p_nodes IS NULL OR …": the named nodes are index lookups on
  -- (runId, nodeId), not a scan of the run's nodes (which made each read linear in the run's size).
  IF p_nodes IS NULL THEN
    SELECT coalesce(jsonb_object_agg(n."nodeId", weft_node_outcome(n.status::text, n.output, n.error, l.data, l.id)), '{}'::jsonb)
      INTO v_nodes
      FROM "NodeRun" n
      LEFT JOIN "LargeOutput" l ON l."workspaceId" = n."workspaceId" AND l.id = n."outputRef"
     WHERE n."runId" = p_run AND n.status IN ('SUCCEEDED', 'FAILED');
  ELSIF cardinality(p_nodes) = 0 THEN
    v_nodes := '{}'::jsonb;
  ELSE
    SELECT coalesce(jsonb_object_agg(n."nodeId", weft_node_outcome(n.status::text, n.output, n.error, l.data, l.id)), '{}'::jsonb)
      INTO v_nodes
      FROM "NodeRun" n
      LEFT JOIN "LargeOutput" l ON l."workspaceId" = n."workspaceId" AND l.id = n."outputRef"
     WHERE n."runId" = p_run AND n."nodeId" = ANY (p_nodes) AND n.status IN ('SUCCEEDED', 'FAILED');
  END IF;
  RETURN jsonb_build_object('input', coalesce(v_input, '{}'::jsonb), 'nodes', v_nodes);
END $$;

CREATE OR REPLACE FUNCTION weft_run_scope(p_run uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT weft_run_scope(p_run, NULL::text[]);
$$;

-- As in 20261122064500_node_hot_path, with the scope limited to p_nodes.
CREATE FUNCTION weft_node_begin(
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

CREATE OR REPLACE FUNCTION weft_node_begin(
  p_workspace uuid, p_run uuid, p_node text, p_attempt integer, p_max_attempts integer, p_item boolean
) RETURNS jsonb LANGUAGE sql AS $$
  SELECT weft_node_begin(p_workspace, p_run, p_node, p_attempt, p_max_attempts, p_item, NULL::text[]);
$$;
