import Link from "next/link";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { authOptions } from "@/lib/auth";

const FEATURES = [
  {
    title: "Canvas, spec and English in sync",
    body: "Draw the flow on a canvas, edit it as a readable markdown spec, or describe it in plain English. All three stay one agent.",
  },
  {
    title: "Durable runs on Temporal",
    body: "Every step is a Temporal activity with its own retries and timeout, so runs survive crashes, deploys and flaky APIs.",
  },
  {
    title: "Tenant isolation and versioning",
    body: "Each workspace is sealed off at the database. Publishing freezes an immutable version you can roll back to at any time.",
  },
] as const;

export default async function LandingPage() {
  const session = await getServerSession(authOptions);
  if (session?.gatewayToken && !session.error) redirect("/w");
  return (
    <>
      <section className="hero" aria-labelledby="hero-title">
        <p className="eyebrow">Weft</p>
        <h1 id="hero-title">Build durable AI agents your whole team can trust</h1>
        <p className="lede">
          Design agents as simple graphs, publish them as versions, and watch every run step by step.
        </p>
        <div className="actions">
          <Link className="button button-primary" href="/signup">
            Create account
          </Link>
          <Link className="button button-secondary" href="/signin">
            Sign in
          </Link>
        </div>
      </section>

      <section className="features" aria-labelledby="features-title">
        <h2 id="features-title" className="visually-hidden">
          Why Weft
        </h2>
        <ul className="feature-list">
          {FEATURES.map((feature) => (
            <li key={feature.title} className="feature">
              <h3>{feature.title}</h3>
              <p>{feature.body}</p>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
