// Markdown (CommonMark, GitHub-flavoured compatible) rendering of a notes document.
import type { NotesDocument, NotesEntry } from './model.ts';

// Inline syntax anywhere in a line: escapes, code, emphasis, links/images, HTML/autolinks, headings'
// closing sequences, tables, strikethrough and math ($ in GitHub). Backslash-escaping any ASCII
// punctuation is always literal in CommonMark, so over-escaping is safe.
const INLINE = /[\\`*_[\]<>#|~$]/g;
// `&amp;`, `&#233;`: would be read as character references.
const ENTITY = /&(?=#?[0-9A-Za-z]+;)/g;

/** One line of reader text made literal Markdown: inline syntax escaped, and block syntax at its start. */
export function escapeMarkdownLine(line: string): string {
  return (
    line
      // Leading spaces would make an indented code block (or nest into a list).
      .replace(/^[ \u00A0]+/, '')
      .replace(INLINE, '\\$&')
      .replace(ENTITY, '\\&')
      // Lists (-, +), setext underlines (=, -), ordered lists (1. 1)).
      .replace(/^([-+=])/, '\\$1')
      .replace(/^(\d{1,9})([.)])/, '$1\\$2')
  );
}

/**
 * Multi-line reader text as Markdown paragraphs, each line of `prefix` (e.g. `> ` for a blockquote): blank
 * lines separate paragraphs, single line breaks are kept as hard breaks (a trailing backslash).
 */
export function markdownParagraphs(text: string, prefix = ''): string {
  const blank = prefix.trimEnd();
  return text
    .split(/\n{2,}/)
    .map((paragraph) =>
      paragraph
        .split('\n')
        .map((line) => prefix + escapeMarkdownLine(line))
        .join('\\\n'),
    )
    .join(`\n${blank}\n`);
}

function entryMarkdown(entry: NotesEntry): string {
  const blocks = [`## ${entry.number}. ${escapeMarkdownLine(entry.kindLabel)}`];
  if (entry.location.length > 0) blocks.push(`*${entry.location.map(escapeMarkdownLine).join(' · ')}*`);
  if (entry.quote) blocks.push(markdownParagraphs(entry.quote, '> '));
  if (entry.note) blocks.push(markdownParagraphs(entry.note));
  blocks.push(`*${escapeMarkdownLine(entry.dates)}*`);
  return blocks.join('\n\n');
}

/** The whole export as one Markdown file (UTF-8, `\n` line ends, ending with a newline). */
export function renderNotesMarkdown(doc: NotesDocument): string {
  const blocks = [`# ${escapeMarkdownLine(doc.heading)}`];
  if (doc.subtitle) blocks.push(`*${escapeMarkdownLine(doc.subtitle)}*`);
  blocks.push(
    doc.fields.map((field) => `- **${escapeMarkdownLine(field.label)}** ${escapeMarkdownLine(field.value)}`).join('\n'),
  );
  blocks.push('---');
  if (doc.entries.length === 0) blocks.push(`*${escapeMarkdownLine(doc.emptyMessage)}*`);
  for (const entry of doc.entries) blocks.push(entryMarkdown(entry));
  return `${blocks.join('\n\n')}\n`;
}
