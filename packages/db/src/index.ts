// Public API of @weft/db. Tests helpers live in "@weft/db/testing" and the
// seed in "@weft/db/seed" so production code does not load them.
export { createPrisma, isUuid, sqlPool, withScope, withUser, withWorkspace } from "./client.ts";
export type { CreatePrismaOptions, Db, Scope, ScopeOptions, Tx } from "./client.ts";
export {
  applyMigrations,
  checkDrift,
  createMigration,
  DEFAULT_APP_PASSWORD,
  DEFAULT_APP_ROLE,
  ensureAppRole,
  generateClient,
  migrationStatus,
  prepareDatabase,
} from "./migrate.ts";
export type { AppRoleOptions, MigrateOptions, PrepareOptions, SchemaOptions } from "./migrate.ts";
export { hashPassword, verifyPassword } from "./passwords.ts";
export {
  Prisma,
  PrismaClient,
  NodeRunStatus,
  Role,
  RunStatus,
  RunTrigger,
} from "./generated/prisma/client.ts";
export type {
  Agent,
  AgentVersion,
  ApiKey,
  AuditEvent,
  Invitation,
  LargeOutput,
  Membership,
  NodeRun,
  Provider,
  Run,
  RunEvent,
  Schedule,
  Secret,
  UsageRecord,
  User,
  Workspace,
} from "./generated/prisma/client.ts";
