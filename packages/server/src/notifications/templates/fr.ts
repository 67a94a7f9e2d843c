import type { Templates } from './types.ts';

const hello = (name: string | null) => (name ? `Bonjour ${name},` : 'Bonjour,');
const str = (value: unknown, fallback: string) => (typeof value === 'string' && value ? value : fallback);

export const fr: Templates = {
  welcome: ({ partnerName, displayName }) => ({
    title: `Bienvenue sur ${partnerName} !`,
    body: `${hello(displayName)} votre bibliothèque vous attend. Bonne lecture avec ${partnerName} !`,
  }),
  receipt: ({ partnerName, data }) => ({
    title: 'Merci pour votre achat',
    body: `Votre paiement de ${str(data.amountText, 'votre commande')} est confirmé. Votre reçu est disponible dans ${partnerName}.`,
  }),
  badge_earned: ({ data }) => ({
    title: 'Nouveau badge !',
    body: `Bravo, vous avez obtenu le badge « ${str(data.nameFr, str(data.slug, 'mystère'))} ».`,
  }),
  challenge_completed: ({ data }) => ({
    title: 'Défi réussi !',
    body: `Félicitations, vous avez terminé le défi « ${str(data.challengeTitle, 'du moment')} ».`,
  }),
  post_reply: ({ partnerName }) => ({
    title: 'Nouvelle réponse',
    body: `Quelqu'un a répondu à votre message sur ${partnerName}.`,
  }),
  group_invitation: ({ partnerName, data }) => ({
    title: 'Invitation à un groupe de lecture',
    body: `Vous êtes invité·e à rejoindre ${str(data.groupName, 'un groupe de lecture')} sur ${partnerName}.`,
  }),
  subscription_expiring: ({ partnerName }) => ({
    title: 'Votre abonnement expire bientôt',
    body: `Votre abonnement ${partnerName} se termine dans 3 jours. Renouvelez-le pour continuer à lire.`,
  }),
};
