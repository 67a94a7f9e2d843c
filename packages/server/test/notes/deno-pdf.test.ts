// The PDF export under the real Deno binary (npm `deno`), offline, resolving npm packages from the
// workspace's node_modules like the Edge Function smoke test: pdf-lib, fontkit and the DejaVu TTF files
// load and the text reads back.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mintUserToken } from '@coko/server/dev';
import { describe, expect, it } from 'vitest';
import { renderNotesMarkdown } from '../../src/notes/index.ts';
import { closedPort } from '../app/helpers.ts';
import { denoArgs as args, deno, denoEnv as env, guardRootPackageJson, repoRoot } from '../deno.ts';
import { sampleDocument } from './fixtures/sample.ts';
import { DEMO_READER, insertAnnotation, locator, newBook, pdfPages, stack } from './helpers.ts';

const script = 'packages/server/test/notes/fixtures/deno-render.ts';

guardRootPackageJson();

function run(...extra: string[]) {
  return spawnSync(deno, ['run', ...args, '--allow-read', script, ...extra], {
    cwd: repoRoot,
    env,
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}

describe('notes export under Deno', () => {
  it('type-checks', () => {
    const result = spawnSync(deno, ['check', ...args, script], {
      cwd: repoRoot,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
  }, 60_000);

  it('renders the PDF with the embedded font (only --allow-read)', async () => {
    const result = run();
    expect(result.stderr.toString()).toBe('');
    expect(result.status).toBe(0);
    const bytes = new Uint8Array(result.stdout);
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    const pages = await pdfPages(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect(pages.length).toBeGreaterThan(1);
    const text = pages.join('\n');
    expect(text).toContain('Notes de lecture — Sénégal ŋ sous Deno');
    expect(text).toContain('École, déjà, ŋ ɗ ɓ');
    expect(text.match(/note/g)?.length).toBeGreaterThanOrEqual(2000);
  }, 60_000);

  it('renders the Markdown identically to Node', async () => {
    const result = run('md');
    expect(result.status).toBe(0);
    const markdown = result.stdout.toString('utf8');
    expect(markdown).toContain('> École, déjà, ŋ ɗ ɓ 😀🦁 \\*gras\\*');
    expect(markdown).toContain('*Créé le 1er mars 2026 à 09:30 · modifié le 2 mars 2026 à 18:45*');
    expect(markdown).toBe(renderNotesMarkdown(sampleDocument()));
  }, 60_000);

  it('serves GET /api/v1/books/{id}/notes.pdf and notes.md from the Edge Function entry', async () => {
    const bookId = await newBook({ title: 'Ɓii ŋ à Deno', authors: ['Fatou Diome'] });
    await insertAnnotation({
      userId: DEMO_READER,
      bookId,
      kind: 'highlight',
      locator: locator({ href: 'a.xhtml', title: 'Début', totalProgression: 0.2, position: 4 }),
      selectedText: 'Le ventre de l’Atlantique, déjà',
      note: 'École ŋ',
      createdAt: '2026-03-01T09:30:00Z',
    });
    const port = await closedPort();
    const child: ChildProcess = spawn(
      deno,
      ['run', ...args, '--allow-net', '--allow-env', '--allow-read', '--allow-sys', 'supabase/functions/api/index.ts'],
      {
        cwd: repoRoot,
        env: {
          ...env,
          COKO_ENV: 'test',
          DATABASE_URL: stack.databaseUrl,
          COKO_JWT_SECRET: stack.keys.jwtSecret,
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
    try {
      const base = `http://127.0.0.1:${port}/api/v1/books/${bookId}`;
      const headers = {
        authorization: `Bearer ${await mintUserToken(stack.keys, { id: DEMO_READER }, { expiresInSeconds: 600, alg: 'HS256' })}`,
      };
      const deadline = Date.now() + 45_000;
      let res: Response | undefined;
      while (!res && Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`deno exited with ${child.exitCode}:\n${output}`);
        res = await fetch(`${base}/notes.pdf`, { headers }).catch(() => undefined);
        if (!res) await new Promise((r) => setTimeout(r, 200));
      }
      if (!res) throw new Error(`no answer from deno within 45 s:\n${output}`);
      expect(res.status, output).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="bii-ng-a-deno-notes.pdf"');
      const text = (await pdfPages(await res.arrayBuffer())).join('\n');
      expect(text).toContain('Notes de lecture — Ɓii ŋ à Deno');
      expect(text).toContain('Le ventre de l’Atlantique, déjà');
      expect(text).toContain('Début · 20 % · page 4');

      const markdown = await fetch(`${base}/notes.md`, { headers });
      expect(markdown.status).toBe(200);
      expect(await markdown.text()).toContain('> Le ventre de l’Atlantique, déjà\n\nÉcole ŋ\n');
      expect((await fetch(`${base}/notes.md`)).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 5_000))]);
      if (code === 'timeout') child.kill('SIGKILL');
    }
  }, 60_000);
});
