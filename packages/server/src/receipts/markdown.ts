// A receipt as Markdown (CommonMark with a GitHub table; UTF-8, `\n` line ends, ending with a newline).
import { escapeMarkdownLine } from '../notes/markdown.ts';
import type { ReceiptLanguage } from './labels.ts';
import type { ReceiptModel } from './model.ts';
import { receiptView } from './view.ts';

/**
 * The receipt in `language` (default: the language it was issued in).
 *
 * @example receiptMarkdown(receiptModel(receipt, parties), 'en')
 */
export function receiptMarkdown(model: ReceiptModel, language: ReceiptLanguage = model.language): string {
  const view = receiptView(model, language);
  const cell = escapeMarkdownLine;
  const rows = [
    `| ${cell(view.columns.item)} | ${cell(view.columns.amount)} |`,
    '| :-- | --: |',
    ...view.lines.map((line) => `| ${cell(line.label)} | ${cell(line.amount)} |`),
    `| **${cell(view.total.label)}** | **${cell(view.total.amount)}** |`,
  ];
  const blocks = [
    `# ${escapeMarkdownLine(view.title)}`,
    view.fields.map((field) => `- **${cell(field.label)}** ${cell(field.value)}`).join('\n'),
    rows.join('\n'),
    `*${escapeMarkdownLine(view.footer)}*`,
  ];
  return `${blocks.join('\n\n')}\n`;
}
