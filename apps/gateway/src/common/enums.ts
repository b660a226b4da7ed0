import { NodeRunStatus, Role, RunStatus, RunTrigger } from "@weft/db";
import { registerEnumType } from "type-graphql";

// The database enums are the source of truth; GraphQL exposes them as they are.
registerEnumType(Role, { name: "Role" });
registerEnumType(RunStatus, { name: "RunStatus" });
registerEnumType(NodeRunStatus, { name: "NodeRunStatus" });
registerEnumType(RunTrigger, { name: "RunTrigger" });

export { NodeRunStatus, Role, RunStatus, RunTrigger };
