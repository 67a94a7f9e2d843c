/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The Coko project URL (locally `http://127.0.0.1:54321`, see `.coko/dev.json`). */
  readonly VITE_COKO_URL: string;
  /** A publishable key (`sb_publishable_…` or a partner's `pk_…`): safe in a browser. */
  readonly VITE_COKO_PUBLISHABLE_KEY: string;
  /**
   * The partner backend that signs readers in (examples/partner-backend, locally `http://127.0.0.1:8787`).
   * Empty: no sign-in, guests only.
   */
  readonly VITE_PARTNER_BACKEND_URL: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
