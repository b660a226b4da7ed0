-- A page of a run's events after a sequence number, in one statement (the runEvents subscription's
-- read on every NOTIFY was an interactive transaction of four round trips). SECURITY INVOKER (the
-- default): scoped to the workspace for the statement's own transaction, RLS as before.
CREATE FUNCTION weft_run_events_after(p_workspace uuid, p_run uuid, p_after integer, p_limit integer)
RETURNS SETOF "RunEvent" LANGUAGE plpgsql STABLE AS $$
BEGIN
  PERFORM set_config('app.workspace_id', p_workspace::text, true);
  RETURN QUERY
    SELECT * FROM "RunEvent" WHERE "runId" = p_run AND seq > p_after ORDER BY seq LIMIT p_limit;
END $$;
