// The words of a receipt, in French and English (the languages receipts are issued in).

export const RECEIPT_LANGUAGES = ['fr', 'en'] as const;
export type ReceiptLanguage = (typeof RECEIPT_LANGUAGES)[number];

export interface ReceiptLabels {
  title: (number: string) => string;
  issuedAt: string;
  partner: string;
  buyer: string;
  order: string;
  payment: string;
  item: string;
  amount: string;
  total: string;
  footer: string;
  /** Payment providers by their `payment_provider` name; an unknown one is shown as is. */
  providers: Record<string, string>;
}

export const RECEIPT_LABELS: Record<ReceiptLanguage, ReceiptLabels> = {
  fr: {
    title: (number) => `Reçu ${number}`,
    issuedAt: 'Émis le :',
    partner: 'Partenaire :',
    buyer: 'Client :',
    order: 'Commande :',
    payment: 'Paiement :',
    item: 'Article',
    amount: 'Montant',
    total: 'Total',
    footer: 'Reçu émis par Coko. Conservez-le comme preuve de paiement.',
    providers: {
      sandbox: 'Bac à sable (test)',
      wave: 'Wave',
      orange_money: 'Orange Money',
      stripe: 'Carte bancaire (Stripe)',
      paypal: 'PayPal',
    },
  },
  en: {
    title: (number) => `Receipt ${number}`,
    issuedAt: 'Issued on:',
    partner: 'Partner:',
    buyer: 'Customer:',
    order: 'Order:',
    payment: 'Payment:',
    item: 'Item',
    amount: 'Amount',
    total: 'Total',
    footer: 'Receipt issued by Coko. Keep it as proof of payment.',
    providers: {
      sandbox: 'Sandbox (test)',
      wave: 'Wave',
      orange_money: 'Orange Money',
      stripe: 'Card (Stripe)',
      paypal: 'PayPal',
    },
  },
};

/** `fr` or `en` from a query value or a stored language (`fr-SN` → `fr`); null when it is neither. */
export function receiptLanguage(value: unknown): ReceiptLanguage | null {
  if (typeof value !== 'string') return null;
  const base = value.trim().toLowerCase().split(/[-_]/)[0];
  return RECEIPT_LANGUAGES.find((language) => language === base) ?? null;
}
