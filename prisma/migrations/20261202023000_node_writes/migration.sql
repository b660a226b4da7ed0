-- Node attempt starts and successes of many nodes (of any runs and workspaces) in one statement:
-- a worker running many activities at once sends what accumulates while its earlier statements
-- are in flight as one batch (packages/db/src/node-writes.ts). A 100-way fan-out made 202 short
-- transactions queue on its run's row lock; batched, the lock changes hands a few times instead.
--
-- p_ops is a JSON array of {kind: "begin" | "succeed", workspaceId, runId, nodeId, …} (the
-- arguments of weft_node_begin / weft_node_succeed). Each op runs in a subtransaction of its own,
-- under its own workspace (the functions scope themselves), so one failing op returns
-- {error, sqlstate} in its place without undoing the others. Ops run ordered by (runId, nodeId)
-- so that concurrent batches take row locks in the same order (no deadlock between batches).
-- Returns the results in the order of p_ops: begin → weft_node_begin's object, succeed → {}.
CREATE FUNCTION weft_node_writes(p_ops jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
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
