-- A workspace's runs page in one statement. Through Prisma it was an interactive transaction of
-- four round trips (BEGIN, weft_member_role, the page, COMMIT), and on this hardware a round trip
-- costs the gateway ~0.25 ms of CPU and PostgreSQL ~0.2 ms (bench/RESULTS.md, seventh measurement).
-- SECURITY INVOKER (the default): the statement's own transaction is scoped to the workspace, so
-- row-level security applies as before, to the membership read too.

-- The workspace scope for this transaction and, for a person (p_user), the check that they are a
-- member with one of p_roles: the one home of that check for statements that make it themselves.
-- Which roles are enough stays in the gateway, which passes them. A NULL p_user is an API key,
-- whose workspace and role the gateway has already checked. Refusals, which the gateway maps:
-- P0002 'weft:not_member', 42501 'weft:role' (DETAIL: the caller's role). The role is read (and
-- the scope set) by weft_member_role, the one home of that read.
CREATE FUNCTION weft_require_member(p_workspace uuid, p_user uuid, p_roles text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_role text;
BEGIN
  IF p_user IS NULL THEN
    PERFORM weft_scope_workspace(p_workspace);
    RETURN;
  END IF;
  v_role := weft_member_role(p_workspace, p_user);
  IF v_role IS NULL THEN
    RAISE EXCEPTION 'weft:not_member' USING ERRCODE = 'P0002';
  ELSIF NOT (v_role = ANY (p_roles)) THEN
    RAISE EXCEPTION 'weft:role' USING ERRCODE = '42501', DETAIL = v_role;
  END IF;
END $$;

-- Newest first, keyset-paged after (p_after_at, p_after_id). An agent filter naming an agent this
-- workspace does not show: P0002 'weft:no_agent' (NOT_FOUND, rather than an empty page).
CREATE FUNCTION weft_runs_page(
  p_workspace uuid,
  p_user uuid,
  p_roles text[],
  p_agent uuid,
  p_status text,
  p_after_at timestamptz,
  p_after_id uuid,
  p_limit integer
) RETURNS SETOF "Run" LANGUAGE plpgsql AS $$
BEGIN
  PERFORM weft_require_member(p_workspace, p_user, p_roles);
  IF p_agent IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Agent" a WHERE a.id = p_agent) THEN
    RAISE EXCEPTION 'weft:no_agent' USING ERRCODE = 'P0002';
  END IF;
  RETURN QUERY
    SELECT * FROM "Run" r
     WHERE r."workspaceId" = p_workspace
       AND (p_agent IS NULL OR r."agentId" = p_agent)
       AND (p_status IS NULL OR r.status::text = p_status)
       AND (p_after_at IS NULL OR r."createdAt" < p_after_at
            OR (r."createdAt" = p_after_at AND r.id < p_after_id))
     ORDER BY r."createdAt" DESC, r.id DESC
     LIMIT p_limit;
END $$;
