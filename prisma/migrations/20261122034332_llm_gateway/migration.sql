-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "llmPrices" JSONB,
ADD COLUMN     "monthlyBudgetUsd" DECIMAL(18,8);

-- CreateTable
CREATE TABLE "LlmCall" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "runId" UUID,
    "nodeId" TEXT,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RESERVED',
    "estimatedTokens" INTEGER NOT NULL DEFAULT 0,
    "tokensIn" INTEGER NOT NULL DEFAULT 0,
    "tokensOut" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(18,8) NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "LlmCall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LlmCall_workspaceId_provider_startedAt_idx" ON "LlmCall"("workspaceId", "provider", "startedAt");

-- CreateIndex
CREATE INDEX "LlmCall_workspaceId_startedAt_idx" ON "LlmCall"("workspaceId", "startedAt");

-- CreateIndex
CREATE INDEX "LlmCall_runId_idx" ON "LlmCall"("runId");

-- AddForeignKey
ALTER TABLE "LlmCall" ADD CONSTRAINT "LlmCall_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LlmCall" ADD CONSTRAINT "LlmCall_workspaceId_runId_fkey" FOREIGN KEY ("workspaceId", "runId") REFERENCES "Run"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row-level security: the same tenant policy as every other tenant table (see the init migration).
ALTER TABLE "LlmCall" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "LlmCall" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "LlmCall"
    USING ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid)
    WITH CHECK ("workspaceId" = NULLIF(current_setting('app.workspace_id', TRUE), '')::uuid);
