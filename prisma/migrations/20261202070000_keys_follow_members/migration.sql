-- API keys follow the member they act for (removeMember revokes them, setMemberRole lowers them;
-- apps/gateway/src/workspace/membership.resolver.ts). This brings keys made before that rule in
-- line once: keys whose member has left are revoked, keys above their member's role are lowered.
-- Keys of deleted accounts ("createdById" NULL) are left as they are. Row-level security applies:
-- run as the owner role of the embedded database (a superuser) or any BYPASSRLS role, it sees
-- every workspace; a role without either sees none and changes nothing.
UPDATE "ApiKey" k
   SET "revokedAt" = now()
 WHERE k."revokedAt" IS NULL
   AND k."createdById" IS NOT NULL
   AND NOT EXISTS (
         SELECT 1 FROM "Membership" m
          WHERE m."workspaceId" = k."workspaceId" AND m."userId" = k."createdById");

-- "Role" is declared OWNER, ADMIN, EDITOR, VIEWER, so a smaller value is a higher role.
UPDATE "ApiKey" k
   SET role = m.role
  FROM "Membership" m
 WHERE m."workspaceId" = k."workspaceId"
   AND m."userId" = k."createdById"
   AND k."revokedAt" IS NULL
   AND k.role < m.role;
