import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { handlerCode } from '../../lib/handler-code.js';

describe('Function: handlerCode', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  function packageRoot(withAssets: boolean): string {
    root = mkdtempSync(join(tmpdir(), 'drift-audit-handler-code-'));
    if (withAssets) {
      for (const name of ['audit', 'notify-slack']) {
        mkdirSync(join(root, 'dist/lambda-assets', name), { recursive: true });
        writeFileSync(join(root, 'dist/lambda-assets', name, 'index.mjs'), 'export const handler = async () => {};\n');
      }
    }
    return root;
  }

  it('deploys the prebuilt asset when running as the installed (compiled) package', () => {
    // Prepare
    const dir = packageRoot(true);

    // Act
    const code = handlerCode('audit', undefined, dir, true);

    // Assess
    expect(code).toEqual({ kind: 'prebuilt', directory: join(dir, 'dist/lambda-assets/audit') });
  });

  it('bundles the TypeScript entry when running from the repository sources', () => {
    // Prepare
    const dir = packageRoot(true);

    // Act
    const code = handlerCode('notify-slack', undefined, dir, false);

    // Assess
    expect(code).toEqual({ kind: 'entry', entry: join(dir, 'lambdas/notify-slack/handler.ts') });
  });

  it('uses an explicit entry over the prebuilt asset', () => {
    // Act
    const code = handlerCode('audit', '/src/my-handler.ts', packageRoot(true), true);

    // Assess
    expect(code).toEqual({ kind: 'entry', entry: '/src/my-handler.ts' });
  });

  it('names the missing asset and the fix when a package was packed without its build', () => {
    // Prepare
    const dir = packageRoot(false);

    // Act and assess
    expect(() => handlerCode('notify-slack', undefined, dir, true)).toThrow(
      /prebuilt notify-slack handler is missing \(.*dist\/lambda-assets\/notify-slack\/index\.mjs\).*npm run build:package.*notifierHandlerEntry/,
    );
  });
});
