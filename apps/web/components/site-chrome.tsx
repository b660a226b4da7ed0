import Link from "next/link";
import type { ReactNode } from "react";

/** Header, main landmark and footer of the signed-out pages. */
export function SiteChrome({ children, nav }: { children: ReactNode; nav?: ReactNode }) {
  return (
    <div className="site">
      <header className="site-header">
        <Link href="/" className="brand" aria-label="Weft home">
          <span className="brand-mark" aria-hidden="true" />
          Weft
        </Link>
        {nav}
      </header>
      <main id="main" tabIndex={-1} className="site-main">
        {children}
      </main>
      <footer className="site-footer">
        <p>© Weft. Durable agents on Temporal.</p>
      </footer>
    </div>
  );
}
