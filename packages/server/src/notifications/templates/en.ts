import type { Templates } from './types.ts';

const hello = (name: string | null) => (name ? `Hello ${name},` : 'Hello,');
const str = (value: unknown, fallback: string) => (typeof value === 'string' && value ? value : fallback);

export const en: Templates = {
  welcome: ({ partnerName, displayName }) => ({
    title: `Welcome to ${partnerName}!`,
    body: `${hello(displayName)} your library is waiting. Happy reading with ${partnerName}!`,
  }),
  receipt: ({ partnerName, data }) => ({
    title: 'Thank you for your purchase',
    body: `Your payment of ${str(data.amountText, 'your order')} is confirmed. Your receipt is in ${partnerName}.`,
  }),
  badge_earned: ({ data }) => ({
    title: 'New badge!',
    body: `Well done, you earned the "${str(data.nameEn, str(data.slug, 'mystery'))}" badge.`,
  }),
  challenge_completed: ({ data }) => ({
    title: 'Challenge completed!',
    body: `Congratulations, you completed the "${str(data.challengeTitle, 'current')}" challenge.`,
  }),
  post_reply: ({ partnerName }) => ({
    title: 'New reply',
    body: `Someone replied to your post on ${partnerName}.`,
  }),
  group_invitation: ({ partnerName, data }) => ({
    title: 'Reading group invitation',
    body: `You are invited to join ${str(data.groupName, 'a reading group')} on ${partnerName}.`,
  }),
  subscription_expiring: ({ partnerName }) => ({
    title: 'Your subscription ends soon',
    body: `Your ${partnerName} subscription ends in 3 days. Renew it to keep reading.`,
  }),
};
