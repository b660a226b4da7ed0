import { SignJWT, decodeJwt } from "jose";
import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { describeError } from "./gateway-error";
import { gatewayRequest } from "./gateway-server";
import { verifiedGitHubEmail } from "./oauth";
import { serverEnv } from "./server-env";

/** The gateway reads WEFT_SERVER_SECRET from this header (apps/gateway/src/context.ts). */
const SERVER_SECRET_HEADER = "x-weft-server-secret";

/** Renew the gateway token this long before it expires. */
const RENEW_BEFORE_SECONDS = 5 * 60;
const MINTED_TTL_SECONDS = 60 * 60;

interface AuthUser {
  id: string;
  email: string;
  name: string | null;
}

const SIGN_IN = /* GraphQL */ `
  mutation SignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) {
      token
      user {
        id
        email
        name
      }
    }
  }
`;

const ME = /* GraphQL */ `
  query Me {
    me {
      id
      email
      name
    }
  }
`;

function expiryOf(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === "number" ? exp : undefined;
  } catch {
    return undefined;
  }
}

/** The gateway verifies HS256 tokens with the shared WEFT_AUTH_SECRET (see apps/gateway/src/auth/tokens.ts). */
async function mintGatewayToken(userId: string, secret: string): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("weft")
    .setAudience("weft-gateway")
    .setSubject(userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + MINTED_TTL_SECONDS)
    .sign(new TextEncoder().encode(secret));
}

async function authorize(credentials: Record<string, string> | undefined): Promise<User | null> {
  // Sign-up already holds a fresh gateway token: verify it instead of spending a second
  // (rate-limited, argon2-priced) signIn.
  const signUpToken = credentials?.["token"];
  if (signUpToken) {
    const me = await gatewayRequest<{ me: AuthUser }>(ME, {}, signUpToken);
    if (!me.ok) return null;
    return { ...me.data.me, gatewayToken: signUpToken };
  }
  const email = credentials?.["email"]?.trim() ?? "";
  const password = credentials?.["password"] ?? "";
  if (!email || !password) return null;
  const result = await gatewayRequest<{ signIn: { token: string; user: AuthUser } }>(SIGN_IN, {
    email,
    password,
  });
  if (result.ok) return { ...result.data.signIn.user, gatewayToken: result.data.signIn.token };
  // Wrong password and unknown email answer alike (CredentialsSignin); anything else is worth showing.
  if (result.error.code === "UNAUTHENTICATED" || result.error.code === "BAD_USER_INPUT") return null;
  throw new Error(describeError(result.error));
}

const providers: NextAuthOptions["providers"] = [
  CredentialsProvider({
    id: "credentials",
    name: "Email and password",
    credentials: {
      email: { label: "Email", type: "email" },
      password: { label: "Password", type: "password" },
      token: { label: "Token", type: "text" },
    },
    authorize,
  }),
];
if (serverEnv.oauth.github) {
  providers.push(
    GitHubProvider({
      ...serverEnv.oauth.github,
      // next-auth's default may fall back to an unverified address; accounts are linked by email,
      // so ask GitHub for the list and keep a verified one (null: refused in completeOAuth).
      userinfo: {
        url: "https://api.github.com/user",
        async request({ client, tokens }) {
          const profile = await client.userinfo(tokens.access_token ?? "");
          const response = await fetch("https://api.github.com/user/emails", {
            headers: { authorization: `token ${tokens.access_token ?? ""}`, accept: "application/json" },
          });
          const emails: unknown = response.ok ? await response.json() : [];
          return { ...profile, email: verifiedGitHubEmail(emails) ?? undefined };
        },
      },
    }),
  );
}
if (serverEnv.oauth.google) providers.push(GoogleProvider(serverEnv.oauth.google));

/** Providers shown on /signin and /signup besides the credentials form (lib/oauth.ts decides). */
export const oauthProviders = serverEnv.oauth.buttons;

const OAUTH_SIGN_IN = /* GraphQL */ `
  mutation OAuthSignIn($provider: String!, $providerAccountId: String!, $email: String!, $name: String) {
    oauthSignIn(provider: $provider, providerAccountId: $providerAccountId, email: $email, name: $name) {
      token
      user {
        id
        email
        name
      }
    }
  }
`;

/** The provider's word that it checked the address: Google's email_verified; GitHub's userinfo above. */
function verifiedEmail(provider: string, user: User, profile: unknown): string | null {
  const email = typeof user.email === "string" ? user.email.trim() : "";
  if (!email) return null;
  if (provider === "google") {
    const verified = (profile as { email_verified?: unknown } | undefined)?.email_verified;
    return verified === true || verified === "true" ? email : null;
  }
  return email;
}

/**
 * After GitHub/Google: the gateway finds, links or creates the Weft account for this identity
 * (server-to-server, authenticated with WEFT_SERVER_SECRET) and hands back its session token.
 * `user` is the object next-auth passes on to the jwt callback, so it becomes that account.
 */
async function completeOAuth(
  user: User,
  account: { provider: string; providerAccountId: string },
  profile: unknown,
): Promise<true | string> {
  const email = verifiedEmail(account.provider, user, profile);
  if (!email) return "/signin?error=OAuthEmail";
  const serverSecret = serverEnv.oauth.serverSecret;
  if (!serverSecret) return "/signin?error=OAuthUnavailable";
  const result = await gatewayRequest<{ oauthSignIn: { token: string; user: AuthUser } }>(
    OAUTH_SIGN_IN,
    {
      provider: account.provider,
      providerAccountId: account.providerAccountId,
      email,
      name: user.name ?? null,
    },
    undefined,
    { [SERVER_SECRET_HEADER]: serverSecret },
  );
  if (!result.ok) {
    console.error(`oauthSignIn failed: ${result.error.code ?? "?"} ${result.error.message}`);
    return "/signin?error=OAuthFailed";
  }
  const weft = result.data.oauthSignIn;
  user.id = weft.user.id;
  user.email = weft.user.email;
  user.name = weft.user.name;
  user.gatewayToken = weft.token;
  return true;
}

export const authOptions: NextAuthOptions = {
  secret: serverEnv.nextAuthSecret,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/signin", error: "/signin" },
  providers,
  callbacks: {
    async signIn({ user, account, profile }) {
      if (!account || account.provider === "credentials") return true;
      return completeOAuth(user, account, profile);
    },
    async jwt({ token, user }) {
      if (user?.gatewayToken) {
        token.uid = user.id;
        token.email = user.email;
        token.name = user.name ?? null;
        token.gatewayToken = user.gatewayToken;
        token.gatewayExp = expiryOf(user.gatewayToken);
        delete token.error;
        return token;
      }
      const now = Math.floor(Date.now() / 1000);
      if (token.uid && token.gatewayExp !== undefined && token.gatewayExp - now < RENEW_BEFORE_SECONDS) {
        if (serverEnv.weftAuthSecret) {
          token.gatewayToken = await mintGatewayToken(token.uid, serverEnv.weftAuthSecret);
          token.gatewayExp = now + MINTED_TTL_SECONDS;
        } else if (token.gatewayExp <= now) {
          token.error = "SessionExpired";
        }
      }
      return token;
    },
    session({ session, token }) {
      session.user = { id: token.uid ?? "", email: token.email ?? "", name: token.name ?? null };
      if (token.gatewayToken) session.gatewayToken = token.gatewayToken;
      if (token.error) session.error = token.error;
      return session;
    },
  },
};
