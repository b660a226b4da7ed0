import Link from "next/link";

/** Placeholder for routes the landing page links to before they exist. */
export function ComingSoon({ title }: { title: string }) {
  return (
    <section className="coming-soon" aria-labelledby="coming-soon-title">
      <h1 id="coming-soon-title">{title}</h1>
      <p>This page is coming soon.</p>
      <p>
        <Link href="/">Back to the home page</Link>
      </p>
    </section>
  );
}
