import type { NotificationKind } from '../kinds.ts';

export type Language = 'fr' | 'en';

/** What a template needs: the reader's partner (or Coko), and the event's facts. */
export interface TemplateContext {
  /** The partner's name the reader signed up through, or "Coko" for first-party readers. */
  partnerName: string;
  displayName: string | null;
  data: Record<string, unknown>;
}

export interface RenderedText {
  /** Inbox title, push title and email subject. */
  title: string;
  /** Inbox text, push body, SMS text (with the partner's name) and the email's first paragraph. */
  body: string;
}

export type Templates = Record<NotificationKind, (ctx: TemplateContext) => RenderedText>;
