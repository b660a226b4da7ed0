import type { Metadata } from "next";
import Link from "next/link";
import { SiteChrome } from "@/components/site-chrome";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <SiteChrome>
      <section className="coming-soon" aria-labelledby="not-found-title">
        <h1 id="not-found-title">Page not found</h1>
        <p>
          <Link href="/">Back to the home page</Link>
        </p>
      </section>
    </SiteChrome>
  );
}
