-- CreateTable
CREATE TABLE "OAuthAccount" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "providerAccountId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OAuthAccount_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OAuthAccount_userId_idx" ON "OAuthAccount"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "OAuthAccount_provider_providerAccountId_key" ON "OAuthAccount"("provider", "providerAccountId");

-- CreateIndex
CREATE INDEX "Invitation_email_idx" ON "Invitation"("email");

-- AddForeignKey
ALTER TABLE "OAuthAccount" ADD CONSTRAINT "OAuthAccount_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Row-level security: a signed-in user (app.user_id, as in member_reads_own_memberships) may read
-- the open invitations addressed to their own email, to turn them into memberships when they sign
-- up or sign in. Read-only: accepting writes in the invitation's workspace scope.
CREATE POLICY "invitee_reads_own_invitations" ON "Invitation"
    FOR SELECT
    USING ("email" = (
        SELECT u."email" FROM "User" u
        WHERE u."id" = NULLIF(current_setting('app.user_id', TRUE), '')::uuid
    ));
