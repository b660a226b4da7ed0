-- AlterTable
ALTER TABLE "NodeRun" ADD COLUMN     "reusedFromRunId" UUID;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "lastEventSeq" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "parentNodeId" TEXT,
ADD COLUMN     "parentRunId" UUID;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_workspaceId_parentRunId_fkey" FOREIGN KEY ("workspaceId", "parentRunId") REFERENCES "Run"("workspaceId", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;
