-- A run's first nodes start the run: a begin op with runStart {workflowId, temporalRunId} first
-- moves the run QUEUED -> RUNNING with its run.started event (weft_run_started, once; a retried
-- or second root's op changes nothing), in the same subtransaction as the node's start. The
-- workflow passes it to the nodes with no incoming edges when they are all activities, instead
-- of a local activity of its own before them: one activation, one statement and one local
-- activity fewer per run (bench/RESULTS.md, eighth measurement). Otherwise unchanged.
CREATE OR REPLACE FUNCTION weft_node_writes(p_ops jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v record;
  v_result jsonb;
  v_results jsonb := '{}'::jsonb;
BEGIN
  FOR v IN
    SELECT e.op, e.i FROM jsonb_array_elements(p_ops) WITH ORDINALITY AS e(op, i)
     ORDER BY e.op ->> 'runId', e.op ->> 'nodeId', e.i
  LOOP
    BEGIN
      IF v.op ->> 'kind' = 'begin' THEN
        IF v.op ? 'runStart' THEN
          PERFORM weft_run_started(
            (v.op ->> 'workspaceId')::uuid, (v.op ->> 'runId')::uuid,
            v.op -> 'runStart' ->> 'workflowId', v.op -> 'runStart' ->> 'temporalRunId');
        END IF;
        v_result := weft_node_begin(
          (v.op ->> 'workspaceId')::uuid, (v.op ->> 'runId')::uuid, v.op ->> 'nodeId',
          (v.op ->> 'attempt')::int, (v.op ->> 'maxAttempts')::int, (v.op ->> 'item')::boolean,
          CASE WHEN jsonb_typeof(v.op -> 'reads') = 'array'
            THEN ARRAY(SELECT jsonb_array_elements_text(v.op -> 'reads')) END);
      ELSIF v.op ->> 'kind' = 'succeed' THEN
        PERFORM weft_node_succeed(
          (v.op ->> 'workspaceId')::uuid, (v.op ->> 'runId')::uuid, v.op ->> 'nodeId',
          (v.op ->> 'attempt')::int, NULLIF(v.op -> 'input', 'null'::jsonb),
          NULLIF(v.op -> 'output', 'null'::jsonb), (v.op ->> 'largeSize')::int,
          ARRAY(SELECT jsonb_array_elements_text(v.op -> 'logs')),
          (v.op ->> 'tokensIn')::int, (v.op ->> 'tokensOut')::int, (v.op ->> 'costUsd')::numeric,
          (v.op ->> 'durationMs')::int);
        v_result := '{}'::jsonb;
      ELSE
        RAISE EXCEPTION 'unknown node write %', v.op ->> 'kind';
      END IF;
    EXCEPTION WHEN OTHERS THEN
      v_result := jsonb_build_object('error', SQLERRM, 'sqlstate', SQLSTATE);
    END;
    v_results := v_results || jsonb_build_object(v.i::text, v_result);
  END LOOP;
  RETURN (SELECT coalesce(jsonb_agg(v_results -> (i::text) ORDER BY i), '[]'::jsonb)
            FROM generate_series(1, jsonb_array_length(p_ops)) AS i);
END $$;
