-- The caller's role in a workspace, with the transaction scoped to that workspace, in one
-- statement (withMember was a scope change and a membership read: two round trips before any
-- work). SECURITY INVOKER (the default): the membership is read under the workspace scope it sets,
-- so RLS shows exactly what the separate statements saw. NULL: not a member.
CREATE FUNCTION weft_member_role(p_workspace uuid, p_user uuid) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v_role text;
BEGIN
  PERFORM weft_scope_workspace(p_workspace);
  SELECT m.role::text INTO v_role FROM "Membership" m
   WHERE m."workspaceId" = p_workspace AND m."userId" = p_user;
  RETURN v_role;
END $$;
