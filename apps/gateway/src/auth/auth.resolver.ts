import { hashPassword, Prisma, verifyPassword } from "@weft/db";
import { Args, Ctx, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../common/input.ts";
import { signSessionToken } from "./tokens.ts";
import { MAX_PASSWORD_LENGTH, SignInArgs, SignUpArgs, ZEmail, ZSignUp } from "./auth.input.ts";
import { AuthPayload } from "./auth.type.ts";

const INVALID_CREDENTIALS = "invalid email or password";

// Verified against when the email is unknown, so that unknown emails cost the
// same argon2 time as wrong passwords and timing does not reveal accounts.
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => (dummyHash ??= hashPassword("weft-dummy-password-for-timing"));

@Resolver()
export class AuthResolver {
  /**
   * A taken email answers CONFLICT "email already registered". That does
   * reveal that the account exists; every sign-up form without email
   * verification does, and hiding it would mean silently not creating the
   * account. The per-IP rate limit bounds enumeration through this door.
   */
  @Mutation(() => AuthPayload, { description: "Creates an account and returns a session token for API use." })
  async signUp(@Args(() => SignUpArgs) args: SignUpArgs, @Ctx() ctx: GatewayContext): Promise<AuthPayload> {
    ctx.services.limiter.consume("anonymous", ctx.clientIp);
    const input = parseInput(ZSignUp, args);
    const passwordHash = await hashPassword(input.password);
    try {
      // User is the one table without RLS (a person spans workspaces).
      const user = await ctx.services.prisma.user.create({
        data: { email: input.email, name: input.name, passwordHash },
        select: { id: true, email: true, name: true },
      });
      return { token: await signSessionToken(user.id, ctx.services.tokens), user };
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new AppError("CONFLICT", "email already registered", {
          fields: [{ path: "email", messages: ["is already registered"] }],
        });
      }
      throw error;
    }
  }

  /** Wrong password and unknown email answer alike, in similar time. */
  @Mutation(() => AuthPayload)
  async signIn(@Args(() => SignInArgs) args: SignInArgs, @Ctx() ctx: GatewayContext): Promise<AuthPayload> {
    ctx.services.limiter.consume("anonymous", ctx.clientIp);
    const email = ZEmail.safeParse(args.email);
    const user =
      email.success && args.password.length <= MAX_PASSWORD_LENGTH
        ? await ctx.services.prisma.user.findUnique({
            where: { email: email.data },
            select: { id: true, email: true, name: true, passwordHash: true },
          })
        : null;
    const passwordOk = user?.passwordHash
      ? await verifyPassword(user.passwordHash, args.password)
      : (await verifyPassword(await getDummyHash(), args.password.slice(0, MAX_PASSWORD_LENGTH)), false);
    if (!user || !passwordOk) throw new AppError("UNAUTHENTICATED", INVALID_CREDENTIALS);
    return {
      token: await signSessionToken(user.id, ctx.services.tokens),
      user: { id: user.id, email: user.email, name: user.name },
    };
  }
}
