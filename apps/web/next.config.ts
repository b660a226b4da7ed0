import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages export TypeScript source, not built JS.
  transpilePackages: ["@weft/schema"],
  poweredByHeader: false,
  reactStrictMode: true,
  // Browsers still ask for /favicon.ico now and then despite the <link rel="icon"> to icon.svg; a
  // 404 there is a console error on whatever page is open.
  async rewrites() {
    return [{ source: "/favicon.ico", destination: "/icon.svg" }];
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          // The studio is never meant to be embedded (clickjacking).
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default config;
