-- The workspaceRuns subscription's read on every status change of one of the workspace's runs, in
-- one statement (it was an interactive transaction of four round trips, per subscriber and wake-up).
-- SECURITY INVOKER (the default): scoped to the workspace for the statement's own transaction, so
-- RLS shows only that workspace's runs, as before.
CREATE FUNCTION weft_runs_by_id(p_workspace uuid, p_ids uuid[])
RETURNS SETOF "Run" LANGUAGE plpgsql AS $$
BEGIN
  PERFORM weft_scope_workspace(p_workspace);
  RETURN QUERY SELECT * FROM "Run" r WHERE r.id = ANY (p_ids);
END $$;
