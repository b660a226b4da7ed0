-- CreateEnum
CREATE TYPE "Role" AS ENUM ('OWNER', 'ADMIN', 'EDITOR', 'VIEWER');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "RunTrigger" AS ENUM ('MANUAL', 'SCHEDULE', 'API');

-- CreateEnum
CREATE TYPE "NodeRunStatus" AS ENUM ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "passwordHash" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Workspace" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Workspace_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invitation" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "invitedById" UUID,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "acceptedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "createdById" UUID,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Agent" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "draftGraph" JSONB NOT NULL,
    "draftSpec" TEXT NOT NULL DEFAULT '',
    "draftRevision" INTEGER NOT NULL DEFAULT 0,
    "draftUpdatedById" UUID,
    "liveVersionId" UUID,
    "archivedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Agent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentVersion" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "agentId" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "graph" JSONB NOT NULL,
    "spec" TEXT NOT NULL,
    "checksum" TEXT NOT NULL,
    "note" TEXT,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AgentVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "agentId" UUID NOT NULL,
    "versionId" UUID NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'QUEUED',
    "trigger" "RunTrigger" NOT NULL DEFAULT 'MANUAL',
    "input" JSONB,
    "output" JSONB,
    "error" TEXT,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "tokensIn" INTEGER NOT NULL DEFAULT 0,
    "tokensOut" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(18,8) NOT NULL DEFAULT 0,
    "temporalWorkflowId" TEXT,
    "temporalRunId" TEXT,
    "retryOfRunId" UUID,
    "scheduleId" UUID,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NodeRun" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "nodeId" TEXT NOT NULL,
    "status" "NodeRunStatus" NOT NULL DEFAULT 'PENDING',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "input" JSONB,
    "output" JSONB,
    "outputRef" UUID,
    "error" TEXT,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "tokensIn" INTEGER NOT NULL DEFAULT 0,
    "tokensOut" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(18,8) NOT NULL DEFAULT 0,
    "logs" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NodeRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunEvent" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "nodeId" TEXT,
    "status" TEXT,
    "data" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LargeOutput" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "nodeId" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LargeOutput_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Schedule" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "agentId" UUID NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "input" JSONB,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "temporalScheduleId" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Secret" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "iv" BYTEA NOT NULL,
    "authTag" BYTEA NOT NULL,
    "wrappedDataKey" BYTEA NOT NULL,
    "keyVersion" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Secret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Provider" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "secretName" TEXT NOT NULL,
    "baseUrl" TEXT,
    "requestsPerMinute" INTEGER,
    "tokensPerMinute" INTEGER,
    "defaultModel" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Provider_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageRecord" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "model" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "runs" INTEGER NOT NULL DEFAULT 0,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "tokensIn" INTEGER NOT NULL DEFAULT 0,
    "tokensOut" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(18,8) NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsageRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "actorUserId" UUID,
    "actorApiKeyId" UUID,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "data" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Workspace_slug_key" ON "Workspace"("slug");

-- CreateIndex
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_workspaceId_userId_key" ON "Membership"("workspaceId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE INDEX "Invitation_workspaceId_email_idx" ON "Invitation"("workspaceId", "email");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_workspaceId_idx" ON "ApiKey"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "Agent_liveVersionId_key" ON "Agent"("liveVersionId");

-- CreateIndex
CREATE INDEX "Agent_workspaceId_createdAt_idx" ON "Agent"("workspaceId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Agent_workspaceId_id_key" ON "Agent"("workspaceId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Agent_id_liveVersionId_key" ON "Agent"("id", "liveVersionId");

-- CreateIndex
CREATE UNIQUE INDEX "AgentVersion_agentId_number_key" ON "AgentVersion"("agentId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "AgentVersion_workspaceId_id_key" ON "AgentVersion"("workspaceId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "AgentVersion_agentId_id_key" ON "AgentVersion"("agentId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Run_temporalWorkflowId_key" ON "Run"("temporalWorkflowId");

-- CreateIndex
CREATE INDEX "Run_workspaceId_createdAt_idx" ON "Run"("workspaceId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Run_agentId_createdAt_idx" ON "Run"("agentId", "createdAt");

-- CreateIndex
CREATE INDEX "Run_workspaceId_status_idx" ON "Run"("workspaceId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Run_workspaceId_id_key" ON "Run"("workspaceId", "id");

-- CreateIndex
CREATE INDEX "NodeRun_workspaceId_idx" ON "NodeRun"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "NodeRun_runId_nodeId_key" ON "NodeRun"("runId", "nodeId");

-- CreateIndex
CREATE INDEX "RunEvent_workspaceId_idx" ON "RunEvent"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "RunEvent_runId_seq_key" ON "RunEvent"("runId", "seq");

-- CreateIndex
CREATE INDEX "LargeOutput_runId_nodeId_idx" ON "LargeOutput"("runId", "nodeId");

-- CreateIndex
CREATE UNIQUE INDEX "LargeOutput_workspaceId_id_key" ON "LargeOutput"("workspaceId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Schedule_temporalScheduleId_key" ON "Schedule"("temporalScheduleId");

-- CreateIndex
CREATE INDEX "Schedule_workspaceId_idx" ON "Schedule"("workspaceId");

-- CreateIndex
CREATE INDEX "Schedule_agentId_idx" ON "Schedule"("agentId");

-- CreateIndex
CREATE UNIQUE INDEX "Secret_workspaceId_name_key" ON "Secret"("workspaceId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Provider_workspaceId_provider_key" ON "Provider"("workspaceId", "provider");

-- CreateIndex
CREATE UNIQUE INDEX "UsageRecord_workspaceId_day_model_key" ON "UsageRecord"("workspaceId", "day", "model");

-- CreateIndex
CREATE INDEX "AuditEvent_workspaceId_at_idx" ON "AuditEvent"("workspaceId", "at" DESC);

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_invitedById_fkey" FOREIGN KEY ("invitedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_draftUpdatedById_fkey" FOREIGN KEY ("draftUpdatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_id_liveVersionId_fkey" FOREIGN KEY ("id", "liveVersionId") REFERENCES "AgentVersion"("agentId", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "AgentVersion" ADD CONSTRAINT "AgentVersion_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentVersion" ADD CONSTRAINT "AgentVersion_workspaceId_agentId_fkey" FOREIGN KEY ("workspaceId", "agentId") REFERENCES "Agent"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentVersion" ADD CONSTRAINT "AgentVersion_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_workspaceId_agentId_fkey" FOREIGN KEY ("workspaceId", "agentId") REFERENCES "Agent"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_agentId_versionId_fkey" FOREIGN KEY ("agentId", "versionId") REFERENCES "AgentVersion"("agentId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_workspaceId_retryOfRunId_fkey" FOREIGN KEY ("workspaceId", "retryOfRunId") REFERENCES "Run"("workspaceId", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "Schedule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NodeRun" ADD CONSTRAINT "NodeRun_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NodeRun" ADD CONSTRAINT "NodeRun_workspaceId_runId_fkey" FOREIGN KEY ("workspaceId", "runId") REFERENCES "Run"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NodeRun" ADD CONSTRAINT "NodeRun_workspaceId_outputRef_fkey" FOREIGN KEY ("workspaceId", "outputRef") REFERENCES "LargeOutput"("workspaceId", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "RunEvent" ADD CONSTRAINT "RunEvent_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunEvent" ADD CONSTRAINT "RunEvent_workspaceId_runId_fkey" FOREIGN KEY ("workspaceId", "runId") REFERENCES "Run"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LargeOutput" ADD CONSTRAINT "LargeOutput_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LargeOutput" ADD CONSTRAINT "LargeOutput_workspaceId_runId_fkey" FOREIGN KEY ("workspaceId", "runId") REFERENCES "Run"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_workspaceId_agentId_fkey" FOREIGN KEY ("workspaceId", "agentId") REFERENCES "Agent"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Secret" ADD CONSTRAINT "Secret_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Provider" ADD CONSTRAINT "Provider_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageRecord" ADD CONSTRAINT "UsageRecord_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_actorUserId_fkey" FOREIGN KEY ("actorUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_actorApiKeyId_fkey" FOREIGN KEY ("actorApiKeyId") REFERENCES "ApiKey"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------
-- Row-level security (hand-written; Prisma's schema language cannot express
-- it, and the drift check ignores it). Every table with "workspaceId" gets
-- RLS ENABLED and FORCED plus a tenant policy; a test fails when a table with
-- "workspaceId" lacks them, so new tenant tables must add the same block.
--
-- Scope comes from transaction-local settings (set_config(..., TRUE)) that
-- packages/db/src/client.ts sets at the start of each transaction:
--   app.workspace_id          the workspace a request acts in
--   app.user_id               the signed-in user, for "which workspaces am I
--                             in" before a workspace is chosen
--   app.api_key_hash          sha256 of a presented API key, to find its
--                             workspace before one is chosen
--   app.invitation_token_hash sha256 of an invitation token, likewise
-- NULLIF: once a transaction ends the setting reads '' (not NULL), and ''::uuid
-- would raise; NULL makes every comparison false, so no scope = no rows.
-- Policies are permissive, i.e. OR-ed: a row is visible if any policy allows it.
-- ---------------------------------------------------------------------------

ALTER TABLE "Membership" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Membership" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "Membership"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

ALTER TABLE "Invitation" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Invitation" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "Invitation"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

ALTER TABLE "ApiKey" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ApiKey" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ApiKey"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

ALTER TABLE "Agent" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Agent" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "Agent"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

ALTER TABLE "AgentVersion" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "AgentVersion" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "AgentVersion"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

ALTER TABLE "Run" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Run" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "Run"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

ALTER TABLE "NodeRun" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "NodeRun" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "NodeRun"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

ALTER TABLE "RunEvent" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "RunEvent" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "RunEvent"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

ALTER TABLE "LargeOutput" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "LargeOutput" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "LargeOutput"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

ALTER TABLE "Schedule" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Schedule" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "Schedule"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

ALTER TABLE "Secret" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Secret" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "Secret"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

ALTER TABLE "Provider" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Provider" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "Provider"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

ALTER TABLE "UsageRecord" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "UsageRecord" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "UsageRecord"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

ALTER TABLE "AuditEvent" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "AuditEvent" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "AuditEvent"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

-- The workspace row itself: a scoped transaction sees only its own
-- workspace. Creating one means choosing its id first and scoping to it.
ALTER TABLE "Workspace" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Workspace" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "Workspace"
    USING ("id" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("id" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);

-- A user may read their own memberships, and the workspaces they belong to,
-- without a workspace scope (workspace switcher, picking a default
-- workspace). Read-only: changing memberships needs the workspace scope.
CREATE POLICY "member_reads_own_memberships" ON "Membership"
    FOR SELECT
    USING ("userId" = NULLIF(current_setting('app.user_id', TRUE), '')::uuid);
CREATE POLICY "member_reads_own_workspaces" ON "Workspace"
    FOR SELECT
    USING (EXISTS (
        SELECT 1 FROM "Membership" m
        WHERE m."workspaceId" = "Workspace"."id"
          AND m."userId" = NULLIF(current_setting('app.user_id', TRUE), '')::uuid
    ));

-- Authenticating an API key or accepting an invitation starts from a token,
-- not a workspace. Knowing the token's hash reveals exactly that one row (its
-- workspaceId); everything else then runs in that workspace's scope.
CREATE POLICY "lookup_by_key_hash" ON "ApiKey"
    FOR SELECT
    USING ("hash" = NULLIF(current_setting('app.api_key_hash', TRUE), ''));
CREATE POLICY "lookup_by_token_hash" ON "Invitation"
    FOR SELECT
    USING ("tokenHash" = NULLIF(current_setting('app.invitation_token_hash', TRUE), ''));
