// Notification texts in French and English (the reader's `profiles.language`, French by default: Coko's readers
// are first francophone), with the partner's name. The inbox text is rendered once, when the notification is
// created; emails are rendered at delivery with their unsubscribe link.
import type { NotificationKind } from '../kinds.ts';
import { en } from './en.ts';
import { fr } from './fr.ts';
import type { Language, RenderedText, TemplateContext } from './types.ts';

export type { Language, RenderedText, TemplateContext } from './types.ts';

const TEMPLATES = { fr, en };

/** `fr`, `fr-SN` → fr; `en`, `en-NG` → en; anything else → fr. */
export function languageOf(tag: string | null | undefined): Language {
  return tag?.slice(0, 2).toLowerCase() === 'en' ? 'en' : 'fr';
}

export function renderText(kind: NotificationKind, language: Language, ctx: TemplateContext): RenderedText {
  return TEMPLATES[language][kind](ctx);
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const FOOTER = {
  fr: (partner: string) => `Vous recevez cet email car vous lisez avec ${partner}. Se désabonner de ces emails :`,
  en: (partner: string) => `You receive this email because you read with ${partner}. Unsubscribe from these emails:`,
};

/** The email of a notification: subject, text and HTML, each with the one unsubscribe link of its kind. */
export function renderEmail(
  text: RenderedText,
  language: Language,
  partnerName: string,
  unsubscribeUrl: string,
): { subject: string; text: string; html: string } {
  const footer = FOOTER[language](partnerName);
  return {
    subject: text.title,
    text: `${text.body}\n\n--\n${footer}\n${unsubscribeUrl}\n`,
    html:
      `<!doctype html><html lang="${language}"><body><h1>${escapeHtml(text.title)}</h1><p>${escapeHtml(text.body)}</p>` +
      `<hr><p><small>${escapeHtml(footer)} <a href="${escapeHtml(unsubscribeUrl)}">${escapeHtml(unsubscribeUrl)}</a></small></p></body></html>`,
  };
}

/** SMS: one segment where possible, so the partner's name and the body only (no link: readers may have no data). */
export function renderSms(text: RenderedText, partnerName: string): string {
  return `${partnerName}: ${text.body}`;
}
