import { SignJWT, decodeJwt } from "jose";
import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { describeError } from "./gateway-error";
import { gatewayRequest } from "./gateway-server";
import { serverEnv } from "./server-env";

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
if (serverEnv.github) providers.push(GitHubProvider(serverEnv.github));
if (serverEnv.google) providers.push(GoogleProvider(serverEnv.google));

/** Provider ids shown on the sign-in page besides the credentials form. */
export const oauthProviders = [
  ...(serverEnv.github ? [{ id: "github", name: "GitHub" }] : []),
  ...(serverEnv.google ? [{ id: "google", name: "Google" }] : []),
];

export const authOptions: NextAuthOptions = {
  secret: serverEnv.nextAuthSecret,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/signin", error: "/signin" },
  providers,
  callbacks: {
    signIn({ account }) {
      // The gateway has no account-linking operation yet, so an OAuth identity cannot be
      // turned into a Weft user; say so instead of creating a session without a gateway token.
      if (account && account.provider !== "credentials") return "/signin?error=OAuthUnavailable";
      return true;
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
