/** A placeholder cover: the title's initials on a colour derived from the book's id. */
export function Cover({ id, title, large = false }: { id: string; title: string; large?: boolean }) {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const initials = title
    .split(/\s+/)
    .filter((word) => word.length > 2 || /^\p{Lu}/u.test(word))
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase())
    .join('');
  return (
    <div
      className={large ? 'cover cover-large' : 'cover'}
      style={{ background: `hsl(${hash % 360} 45% 42%)` }}
      aria-hidden
    >
      {initials}
    </div>
  );
}
