-- startRun in two statements instead of seven. Through Prisma it was one interactive transaction:
-- BEGIN, weft_locate, the version read, the Run insert, weft_append_event, the audit insert,
-- COMMIT; on this hardware each round trip costs the gateway ~0.25 ms of CPU and ~1 ms of latency
-- (bench/RESULTS.md, seventh measurement). Now: weft_run_version (find the agent among the
-- caller's workspaces and read the version to run), the gateway validates the graph and the input,
-- then weft_start_run (the membership re-checked, the run queued and audited) in one statement.
-- SECURITY INVOKER (the default) throughout: each statement scopes its own transaction and RLS
-- applies as before.

-- An audit event in the caller's transaction: the one home of its shape (the gateway's
-- recordAudit calls it too).
CREATE FUNCTION weft_record_audit(
  p_workspace uuid,
  p_user uuid,
  p_api_key uuid,
  p_action text,
  p_target_type text,
  p_target_id text,
  p_data jsonb
) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "AuditEvent" (id, "workspaceId", "actorUserId", "actorApiKeyId", action, "targetType",
                            "targetId", data)
  VALUES (gen_random_uuid(), p_workspace, p_user, p_api_key, p_action, p_target_type, p_target_id,
          p_data);
$$;

-- A QUEUED run and its run.queued event, in the caller's transaction: the one home of that pair
-- (startRun, retries, schedules and sub-agents all queue through it). p_id NULL: a fresh id.
CREATE FUNCTION weft_queue_run(
  p_workspace uuid,
  p_id uuid,
  p_agent uuid,
  p_version uuid,
  p_input jsonb,
  p_trigger text,
  p_created_by uuid,
  p_retry_of uuid,
  p_schedule uuid,
  p_parent_run uuid,
  p_parent_node text
) RETURNS SETOF "Run" LANGUAGE plpgsql AS $$
DECLARE
  v_run "Run";
BEGIN
  INSERT INTO "Run" (id, "workspaceId", "agentId", "versionId", status, trigger, input, "createdById",
                     "retryOfRunId", "scheduleId", "parentRunId", "parentNodeId")
  VALUES (coalesce(p_id, gen_random_uuid()), p_workspace, p_agent, p_version, 'QUEUED',
          p_trigger::"RunTrigger", p_input, p_created_by, p_retry_of, p_schedule, p_parent_run,
          p_parent_node)
  RETURNING * INTO v_run;
  PERFORM weft_append_event(p_workspace, v_run.id, 'run.queued', NULL, 'QUEUED', NULL);
  -- The row as inserted (what the API answers), as Prisma's create returned it.
  RETURN NEXT v_run;
END $$;

-- The version a start would run: the agent `p_agent` located among the caller's workspaces
-- (weft_locate: a person's memberships, or an API key's own workspace), then `p_version` of it,
-- or its live version when p_version is NULL. No row: the agent is not found for this caller.
-- version_id NULL: no such version (or no live one).
CREATE FUNCTION weft_run_version(p_agent uuid, p_version uuid, p_user uuid, p_key_workspace uuid)
RETURNS TABLE (workspace_id uuid, role text, version_id uuid, version_number integer, graph jsonb)
LANGUAGE plpgsql AS $$
DECLARE
  v_workspace uuid;
  v_role text;
BEGIN
  SELECT l.workspace_id, l.role INTO v_workspace, v_role
    FROM weft_locate('agent', p_agent, p_user, p_key_workspace) l;
  IF v_workspace IS NULL THEN
    RETURN;
  END IF;
  -- weft_locate left the transaction scoped to the agent's workspace.
  RETURN QUERY
    SELECT v_workspace, v_role, v.id, v.number, v.graph
      FROM (SELECT 1) one
      LEFT JOIN "AgentVersion" v
        ON v."agentId" = p_agent
       AND (CASE WHEN p_version IS NULL
                 THEN v.id = (SELECT a."liveVersionId" FROM "Agent" a WHERE a.id = p_agent)
                 ELSE v.id = p_version END);
END $$;

-- The run queued and audited in one statement, after the caller's membership is read again in
-- the same transaction (the role may have changed since weft_run_version). Which roles may start
-- stays in the gateway (p_roles); a NULL p_user is an API key (p_api_key), checked by the
-- gateway. Refusals as weft_require_member's.
CREATE FUNCTION weft_start_run(
  p_workspace uuid,
  p_user uuid,
  p_roles text[],
  p_api_key uuid,
  p_agent uuid,
  p_version uuid,
  p_input jsonb,
  p_trigger text,
  p_audit_data jsonb
) RETURNS SETOF "Run" LANGUAGE plpgsql AS $$
DECLARE
  v_run "Run";
BEGIN
  PERFORM weft_require_member(p_workspace, p_user, p_roles);
  SELECT * INTO v_run FROM weft_queue_run(p_workspace, NULL, p_agent, p_version, p_input, p_trigger,
                                          p_user, NULL, NULL, NULL, NULL);
  PERFORM weft_record_audit(p_workspace, p_user, p_api_key, 'run.start', 'Run', v_run.id::text,
                            p_audit_data);
  RETURN NEXT v_run;
END $$;
