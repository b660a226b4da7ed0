import { describe, expect, it } from "vitest";
import { oauthSettings, verifiedGitHubEmail } from "./oauth";

const SERVER_SECRET = "s".repeat(40);

describe("oauthSettings", () => {
  it("offers no provider when nothing is configured, and says nothing", () => {
    expect(oauthSettings({})).toEqual({ buttons: [], warnings: [] });
    expect(
      oauthSettings({ WEFT_SERVER_SECRET: SERVER_SECRET, AUTH_GITHUB_ID: " ", AUTH_GITHUB_SECRET: "" }),
    ).toEqual({ serverSecret: SERVER_SECRET, buttons: [], warnings: [] });
  });

  it("offers each provider whose id and secret are set, GitHub first", () => {
    const settings = oauthSettings({
      WEFT_SERVER_SECRET: SERVER_SECRET,
      AUTH_GOOGLE_ID: "google-id",
      AUTH_GOOGLE_SECRET: "google-secret",
      AUTH_GITHUB_ID: "gh-id",
      AUTH_GITHUB_SECRET: "gh-secret",
    });
    expect(settings.buttons).toEqual([
      { id: "github", name: "GitHub" },
      { id: "google", name: "Google" },
    ]);
    expect(settings.github).toEqual({ clientId: "gh-id", clientSecret: "gh-secret" });
    expect(settings.google).toEqual({ clientId: "google-id", clientSecret: "google-secret" });
    expect(settings.warnings).toEqual([]);

    const googleOnly = oauthSettings({
      WEFT_SERVER_SECRET: SERVER_SECRET,
      AUTH_GOOGLE_ID: "google-id",
      AUTH_GOOGLE_SECRET: "google-secret",
    });
    expect(googleOnly.buttons).toEqual([{ id: "google", name: "Google" }]);
    expect(googleOnly.github).toBeUndefined();
  });

  it("keeps a half-configured provider off and names the missing variable", () => {
    const settings = oauthSettings({ WEFT_SERVER_SECRET: SERVER_SECRET, AUTH_GITHUB_ID: "gh-id" });
    expect(settings.buttons).toEqual([]);
    expect(settings.github).toBeUndefined();
    expect(settings.warnings).toEqual([expect.stringMatching(/^AUTH_GITHUB_SECRET is not set/)]);
    expect(oauthSettings({ AUTH_GOOGLE_SECRET: "x" }).warnings).toEqual([
      expect.stringMatching(/^AUTH_GOOGLE_ID is not set/),
    ]);
  });

  it("keeps providers off without WEFT_SERVER_SECRET: the gateway could not complete the sign-in", () => {
    const settings = oauthSettings({ AUTH_GITHUB_ID: "gh-id", AUTH_GITHUB_SECRET: "gh-secret" });
    expect(settings.buttons).toEqual([]);
    expect(settings.github).toBeUndefined();
    expect(settings.serverSecret).toBeUndefined();
    expect(settings.warnings).toEqual([expect.stringContaining("WEFT_SERVER_SECRET is not")]);
  });
});

describe("verifiedGitHubEmail", () => {
  it("prefers the verified primary address and never returns an unverified one", () => {
    expect(
      verifiedGitHubEmail([
        { email: "old@example.test", primary: false, verified: true },
        { email: "main@example.test", primary: true, verified: true },
      ]),
    ).toBe("main@example.test");
    expect(
      verifiedGitHubEmail([
        { email: "victim@example.test", primary: true, verified: false },
        { email: "mine@example.test", primary: false, verified: true },
      ]),
    ).toBe("mine@example.test");
    expect(
      verifiedGitHubEmail([{ email: "victim@example.test", primary: true, verified: false }]),
    ).toBeNull();
    expect(verifiedGitHubEmail({ message: "Bad credentials" })).toBeNull();
    expect(verifiedGitHubEmail([null, { verified: true }])).toBeNull();
  });
});
