-- Which of the caller's workspaces holds the row `p_id` of kind `p_kind`, in one statement (the
-- gateway's inLocated was a membership read plus a scope change and a probe per workspace, each a
-- round trip). SECURITY INVOKER (the default): every read below runs under the scope this
-- function sets, so RLS decides exactly as it did for the separate statements.
--
-- A person (p_user): their memberships are read under the user scope, oldest first, then each
-- workspace is tried under its own workspace scope. An API key (p_key_workspace): only its own
-- workspace. The first workspace that shows the row is returned with the caller's role there
-- (NULL for an API key, whose role the gateway already holds) and the transaction is left scoped
-- to it, ready for the work. No row: nothing returned (NOT_FOUND to the caller, as for an id that
-- does not exist). Archived agents and revoked API keys count as gone.
CREATE FUNCTION weft_probe(p_kind text, p_id uuid) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  CASE p_kind
    WHEN 'agent' THEN RETURN EXISTS (SELECT 1 FROM "Agent" WHERE id = p_id AND "archivedAt" IS NULL);
    WHEN 'agentVersion' THEN RETURN EXISTS (SELECT 1 FROM "AgentVersion" WHERE id = p_id);
    WHEN 'run' THEN RETURN EXISTS (SELECT 1 FROM "Run" WHERE id = p_id);
    WHEN 'secret' THEN RETURN EXISTS (SELECT 1 FROM "Secret" WHERE id = p_id);
    WHEN 'schedule' THEN RETURN EXISTS (SELECT 1 FROM "Schedule" WHERE id = p_id);
    WHEN 'apiKey' THEN RETURN EXISTS (SELECT 1 FROM "ApiKey" WHERE id = p_id AND "revokedAt" IS NULL);
  END CASE; -- an unknown kind raises CASE_NOT_FOUND
END $$;

CREATE FUNCTION weft_scope_workspace(p_workspace uuid) RETURNS void LANGUAGE sql AS $$
  SELECT set_config('app.workspace_id', p_workspace::text, true),
         set_config('app.user_id', '', true),
         set_config('app.api_key_hash', '', true),
         set_config('app.invitation_token_hash', '', true);
$$;

CREATE FUNCTION weft_locate(p_kind text, p_id uuid, p_user uuid, p_key_workspace uuid)
RETURNS TABLE (workspace_id uuid, role text) LANGUAGE plpgsql AS $$
DECLARE
  v_workspaces uuid[];
  v_roles text[];
BEGIN
  IF p_key_workspace IS NOT NULL THEN
    PERFORM weft_scope_workspace(p_key_workspace);
    IF weft_probe(p_kind, p_id) THEN
      RETURN QUERY SELECT p_key_workspace, NULL::text;
    END IF;
    RETURN;
  END IF;
  PERFORM set_config('app.workspace_id', '', true),
          set_config('app.user_id', p_user::text, true),
          set_config('app.api_key_hash', '', true),
          set_config('app.invitation_token_hash', '', true);
  -- Read all of them before the scope changes: a query still fetching rows would see its policy
  -- evaluated under the next scope.
  SELECT array_agg(m."workspaceId" ORDER BY m."createdAt", m."workspaceId"),
         array_agg(m.role::text ORDER BY m."createdAt", m."workspaceId")
    INTO v_workspaces, v_roles
    FROM "Membership" m WHERE m."userId" = p_user;
  FOR i IN 1 .. coalesce(array_length(v_workspaces, 1), 0) LOOP
    PERFORM weft_scope_workspace(v_workspaces[i]);
    IF weft_probe(p_kind, p_id) THEN
      RETURN QUERY SELECT v_workspaces[i], v_roles[i];
      RETURN;
    END IF;
  END LOOP;
END $$;
