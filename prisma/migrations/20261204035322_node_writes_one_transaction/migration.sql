-- NodeRun and RunEvent reach their workspace through their run: the composite key
-- (workspaceId, runId) → Run(workspaceId, id) already makes a row of another workspace's run
-- impossible, Run's own key makes the workspace exist, and deleting a workspace cascades through
-- its runs. The second, single-column check cost a key-share lock on the Workspace row for every
-- node start and every event. Their single-column workspaceId indexes served that key only; every
-- read of these tables is by run, and with row-level security adding the workspace to each query
-- the planner ANDed that index with the run's, reading every index entry of the workspace (all its
-- node runs, all its events) to find one run's rows.

-- DropForeignKey
ALTER TABLE "NodeRun" DROP CONSTRAINT "NodeRun_workspaceId_fkey";

-- DropForeignKey
ALTER TABLE "RunEvent" DROP CONSTRAINT "RunEvent_workspaceId_fkey";

-- DropIndex
DROP INDEX "NodeRun_workspaceId_idx";

-- DropIndex
DROP INDEX "RunEvent_workspaceId_idx";

-- A batch of node writes is one transaction with no savepoint per write. A savepoint each made
-- every write a subtransaction; each locked the run's row again under its own transaction id,
-- which PostgreSQL records as a multixact, and visibility checks scanned the growing list of
-- subtransactions (bench/RESULTS.md, sixteenth measurement). Now any failing write raises and
-- rolls the whole batch back, and the client (packages/db/src/node-writes.ts) sends each of its
-- writes again alone, so only the failing one fails. Results are kept in an array (appending to a
-- jsonb object copied it whole for every write), and a run is started once per batch, not by
-- every first node in it.
CREATE OR REPLACE FUNCTION weft_node_writes(p_ops jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v record;
  v_results jsonb[] := '{}';
  v_started text;
BEGIN
  FOR v IN
    SELECT e.op, e.i::int AS i FROM jsonb_array_elements(p_ops) WITH ORDINALITY AS e(op, i)
     ORDER BY e.op ->> 'runId', e.op ->> 'nodeId', e.i
  LOOP
    IF v.op ->> 'kind' = 'begin' THEN
      IF v.op ? 'runStart' AND v_started IS DISTINCT FROM v.op ->> 'runId' THEN
        PERFORM weft_run_started(
          (v.op ->> 'workspaceId')::uuid, (v.op ->> 'runId')::uuid,
          v.op -> 'runStart' ->> 'workflowId', v.op -> 'runStart' ->> 'temporalRunId');
        v_started := v.op ->> 'runId';
      END IF;
      v_results[v.i] := weft_node_begin(
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
      v_results[v.i] := '{}'::jsonb;
    ELSE
      RAISE EXCEPTION 'unknown node write %', v.op ->> 'kind' USING ERRCODE = 'invalid_parameter_value';
    END IF;
  END LOOP;
  RETURN to_jsonb(v_results);
END $$;
