// The sandbox provider's checkout page (docs/CONTRACT-payments.md §2): what a mobile-money payment page would
// show, with Approve and Decline, so the whole flow runs offline.
import { formatMoney } from '../money/index.ts';

export interface SandboxPageOrder {
  id: string;
  status: string;
  label: string;
  amount: number;
  currency: string;
}

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] as string,
  );

// The page's only style, allowed by its hash in the page's CSP (the API's default forbids inline styles).
const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}' +
  'button{font-size:1.1rem;padding:.6rem 1rem;margin:.3rem 0;width:100%}';

/**
 * The page's Content-Security-Policy: nothing loads but its own inline style. No `form-action`: the form
 * posts here, and Chromium would also check the 303 to the partner's app against it.
 */
export async function sandboxPageCsp(): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(STYLE)));
  const hash = btoa(String.fromCharCode(...digest));
  return ["default-src 'none'", `style-src 'sha256-${hash}'`, "frame-ancestors 'none'", "base-uri 'none'"].join('; ');
}

/** The page: Approve / Decline while the order is pending, its state otherwise. */
export function renderSandboxPage(order: SandboxPageOrder, token: string): string {
  const body =
    order.status === 'pending'
      ? `<form method="post">
  <input type="hidden" name="token" value="${escapeHtml(token)}">
  <button name="outcome" value="approve" type="submit">Approuver le paiement</button>
  <button name="outcome" value="decline" type="submit">Refuser</button>
</form>`
      : `<p>Cette commande est déjà traitée : <strong>${escapeHtml(order.status)}</strong>.</p>`;
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Paiement (bac à sable) — Coko</title>
<style>${STYLE}</style>
</head>
<body>
<p><small>Bac à sable : aucun argent ne circule.</small></p>
<h1>${escapeHtml(order.label)}</h1>
<p>Montant : <strong>${escapeHtml(formatMoney(order.amount, order.currency, 'fr'))}</strong></p>
<p><small>Commande ${escapeHtml(order.id)}</small></p>
${body}
</body>
</html>`;
}
