import type { AuthChecker } from "type-graphql";
import type { GatewayContext } from "./context.ts";
import { AppError } from "./errors.ts";

/**
 * Backs `@Authorized()`: signed-in or not. Roles are per workspace, so they are
 * checked where the workspace id is known (in the resolver or its guard), not
 * here; passing roles to `@Authorized` is a programming error we refuse loudly.
 */
export const authChecker: AuthChecker<GatewayContext> = ({ context }, roles) => {
  if (roles.length > 0) {
    throw new Error("@Authorized(roles) is not supported: check workspace roles in the resolver");
  }
  // Throwing (rather than returning false) keeps the contract's code instead
  // of type-graphql's generic "Access denied" error.
  if (context.auth === null) throw new AppError("UNAUTHENTICATED", "You must be signed in");
  return true;
};
