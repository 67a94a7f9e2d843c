// fontkit 2 ships no types; Coko only uses `create` (see fonts.ts, which types what it needs).
declare module 'fontkit' {
  export function create(buffer: Uint8Array, postscriptName?: string): unknown;
}
