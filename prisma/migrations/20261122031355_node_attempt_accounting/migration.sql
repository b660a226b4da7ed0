-- AlterTable
ALTER TABLE "NodeRun" ADD COLUMN     "attemptStartedAt" TIMESTAMPTZ(3),
ADD COLUMN     "failedAttempts" INTEGER NOT NULL DEFAULT 0;
