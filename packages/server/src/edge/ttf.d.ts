// The edge bundle embeds font files as bytes (esbuild's `binary` loader, see build.ts).
declare module '*.ttf' {
  const bytes: Uint8Array;
  export default bytes;
}
