import { hashPassword, Prisma, verifyPassword, type PrismaClient } from "@weft/db";
import { Args, Ctx, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../common/input.ts";
import { signSessionToken } from "./tokens.ts";
import { acceptPendingInvitations } from "./invitations.ts";
import {
  MAX_PASSWORD_LENGTH,
  OAuthSignInArgs,
  SignInArgs,
  SignUpArgs,
  ZEmail,
  ZOAuthSignIn,
  ZSignUp,
} from "./auth.input.ts";
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
      await acceptPendingInvitations(ctx.services.prisma, user);
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
    await acceptPendingInvitations(ctx.services.prisma, user);
    return {
      token: await signSessionToken(user.id, ctx.services.tokens),
      user: { id: user.id, email: user.email, name: user.name },
    };
  }

  /**
   * Server-to-server: the web app calls this after a successful OAuth sign-in, with
   * WEFT_SERVER_SECRET in the x-weft-server-secret header (without it: UNAUTHENTICATED, also for
   * valid user tokens). Finds the user by the provider identity, else links the identity to the
   * account with that email, else creates an account without a password. Not rate-limited per
   * client address: every call comes from the web server's address.
   */
  @Mutation(() => AuthPayload, {
    description: "For the Weft web server only (server secret header): sign-in after OAuth.",
  })
  async oauthSignIn(
    @Args(() => OAuthSignInArgs) args: OAuthSignInArgs,
    @Ctx() ctx: GatewayContext,
  ): Promise<AuthPayload> {
    if (!ctx.trustedServer) {
      throw new AppError("UNAUTHENTICATED", "oauthSignIn is only for the Weft web server");
    }
    const input = parseInput(ZOAuthSignIn, args);
    const { prisma } = ctx.services;
    let user: AuthUser;
    try {
      user = await oauthUser(prisma, input);
    } catch (error) {
      // Two first sign-ins of one person at once: the loser finds the winner's rows.
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
      user = await oauthUser(prisma, input);
    }
    await acceptPendingInvitations(prisma, user);
    return { token: await signSessionToken(user.id, ctx.services.tokens), user };
  }
}

interface AuthUser {
  id: string;
  email: string;
  name: string | null;
}

const USER_SELECT = { id: true, email: true, name: true } as const;

async function oauthUser(
  prisma: PrismaClient,
  input: { provider: string; providerAccountId: string; email: string; name: string | null },
): Promise<AuthUser> {
  // User and OAuthAccount are global tables (no RLS), like signUp's user row.
  return prisma.$transaction(async (tx) => {
    const linked = await tx.oAuthAccount.findUnique({
      where: {
        provider_providerAccountId: { provider: input.provider, providerAccountId: input.providerAccountId },
      },
      select: { user: { select: USER_SELECT } },
    });
    if (linked) return linked.user;
    const user =
      (await tx.user.findUnique({ where: { email: input.email }, select: USER_SELECT })) ??
      (await tx.user.create({
        data: { email: input.email, name: input.name, passwordHash: null },
        select: USER_SELECT,
      }));
    await tx.oAuthAccount.create({
      data: { userId: user.id, provider: input.provider, providerAccountId: input.providerAccountId },
    });
    return user;
  });
}
