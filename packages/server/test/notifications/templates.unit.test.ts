import { describe, expect, it } from 'vitest';
import { NOTIFICATION_KINDS } from '../../src/notifications/kinds.ts';
import { languageOf, renderEmail, renderSms, renderText } from '../../src/notifications/templates/index.ts';
import { unsubscribeTokens } from '../../src/notifications/unsubscribe-token.ts';

const ctx = {
  partnerName: 'Librairie Clairafrique',
  displayName: 'Aminata',
  data: { nameFr: 'Rat de bibliothèque', nameEn: 'Rat de bibliothèque' },
};

describe('templates', () => {
  it.each(NOTIFICATION_KINDS)('%s exists in French and English, and the two differ', (kind) => {
    const fr = renderText(kind, 'fr', ctx);
    const en = renderText(kind, 'en', ctx);
    for (const text of [fr, en]) {
      expect(text.title.length).toBeGreaterThan(0);
      expect(text.body.length).toBeGreaterThan(0);
    }
    expect(fr).not.toEqual(en);
  });

  it('names the partner and the reader', () => {
    expect(renderText('welcome', 'fr', ctx)).toEqual({
      title: 'Bienvenue sur Librairie Clairafrique !',
      body: 'Bonjour Aminata, votre bibliothèque vous attend. Bonne lecture avec Librairie Clairafrique !',
    });
    expect(renderText('badge_earned', 'en', ctx).body).toBe('Well done, you earned the "Rat de bibliothèque" badge.');
  });

  it('reads the language from the profile tag, French by default', () => {
    expect(languageOf('en-NG')).toBe('en');
    expect(languageOf('fr-SN')).toBe('fr');
    expect(languageOf('wo')).toBe('fr');
    expect(languageOf(null)).toBe('fr');
  });

  it('an email carries one unsubscribe link, escaped in HTML', () => {
    const url = 'https://api.example/v1/notifications/unsubscribe?token=a.b&x=1';
    const email = renderEmail({ title: '<Bienvenue>', body: 'Texte' }, 'fr', 'Coko', url);
    expect(email.subject).toBe('<Bienvenue>');
    expect(email.text.split(url)).toHaveLength(2);
    expect(email.html).toContain('&lt;Bienvenue&gt;');
    expect(email.html.split('token=a.b&amp;x=1')).toHaveLength(3); // href and the visible link
  });

  it('an SMS starts with the partner name', () => {
    expect(renderSms({ title: 't', body: 'Votre reçu est prêt.' }, 'Coko')).toBe('Coko: Votre reçu est prêt.');
  });
});

describe('unsubscribe tokens', () => {
  const secret = new Uint8Array(32).fill(7);
  const userId = '10000000-0000-4000-8000-000000000001';

  it('round-trips the reader and kind', async () => {
    const tokens = unsubscribeTokens(secret);
    const token = await tokens.sign(userId, 'badge_earned');
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(await tokens.verify(token)).toEqual({ userId, kind: 'badge_earned' });
  });

  it('refuses tampered, foreign and malformed tokens', async () => {
    const tokens = unsubscribeTokens(secret);
    const token = await tokens.sign(userId, 'welcome');
    const [payload, mac] = token.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ u: userId, k: 'receipt' })).toString('base64url');
    expect(await tokens.verify(`${forged}.${mac}`)).toBeNull();
    expect(await unsubscribeTokens(new Uint8Array(32).fill(8)).verify(token)).toBeNull();
    expect(await tokens.verify(`${payload}.`)).toBeNull();
    expect(await tokens.verify('garbage')).toBeNull();
    expect(await tokens.verify(`${payload}.${mac}.x`)).toBeNull();
    expect(await tokens.verify('!!!.???')).toBeNull();
  });
});
