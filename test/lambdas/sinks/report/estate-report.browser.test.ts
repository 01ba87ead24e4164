import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOW as BOUTIQUE_NOW, boutiqueEstate, setEnv } from '../../../support/microservices-demo-estate.js';
import { runCli } from '../../../support/run-cli.js';

/**
 * The demo estate's HTML estate report in real headless Chromium (Debian's `chromium`, installed by
 * `.ci/run`): what a reader sees, the filters and the URL, the phone layout, dark mode, and that the
 * strict CSP lets nothing fail. Screenshots go to `test-artifacts/` (gitignored).
 */
// The page-side globals the callbacks below use: they run in Chromium, while the project compiles
// without the DOM lib (runtime code must not see browser globals), so they are declared here only.
interface PageElement {
  readonly hidden: boolean;
  readonly offsetParent: unknown;
  open: boolean;
}
declare const document: {
  readonly documentElement: { readonly scrollHeight: number; readonly scrollWidth: number; readonly clientWidth: number };
  readonly body: PageElement;
  querySelectorAll(selector: string): Iterable<PageElement>;
  addEventListener(type: 'securitypolicyviolation', listener: (event: { violatedDirective: string; blockedURI: string }) => void): void;
};
declare const window: { reportCspViolation(text: string): void };
declare function getComputedStyle(element: unknown, pseudo?: string): { backgroundColor: string; content: string; position: string };

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '../../../../test-artifacts');
const CANARY = 'sk_live_51CANARYx9QeJfS2v7Lr3mWb8Tz4Kd6Hn';
const available = existsSync(CHROMIUM);
const inCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

if (!available && !inCi) {
  console.warn(`estate report browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium); CI fails instead`);
}

/** The demo estate, with one plain SSM value whose shape is a live Stripe key: it must never reach the page. */
function demoCopy(root: string, options: { breakProductionEuSsm?: boolean } = {}): string {
  const config = join(root, 'config');
  cpSync(join(import.meta.dirname, '../../../../config'), config, { recursive: true });
  const ssmFile = join(config, 'snapshots/production-us/ssm.json');
  const ssm = JSON.parse(readFileSync(ssmFile, 'utf8')) as { Parameters: Record<string, unknown>[] };
  ssm.Parameters.push({
    Name: '/production-us/api/payment/provider_key',
    Type: 'String',
    Value: CANARY,
    Version: 1,
    LastModifiedDate: '2026-11-20T09:00:00.000000+00:00',
    ARN: 'arn:aws:ssm:us-east-1:123456789012:parameter/production-us/api/payment/provider_key',
    DataType: 'text',
  });
  writeFileSync(ssmFile, JSON.stringify(ssm));
  // An export cut off mid-write: the source is unread, so its keys are unknown there, never drift.
  if (options.breakProductionEuSsm === true) writeFileSync(join(config, 'snapshots/production-eu/ssm.json'), '{"Parameters": [');
  return config;
}

async function renderReport(root: string, config: string): Promise<string> {
  const history = ['eu-west-1', 'us-east-1', 'unknown'].flatMap((region) => ['--history', join(config, 'history', `${region}.json`)]);
  const out = join(root, 'report.html');
  const result = await runCli(['report', config, ...history, '--now', '2026-11-23T12:00:00Z', '--output', out]);
  expect(result.stderr).toContain('report written to');
  expect(result.code).toBe(0);
  return out;
}

interface Watched {
  readonly page: Page;
  /** Console errors, page errors, CSP violations and requests that left the file. */
  readonly problems: string[];
}

async function open(context: BrowserContext, url: string): Promise<Watched> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith('file://')) problems.push(`request: ${request.url()}`);
  });
  await page.exposeFunction('reportCspViolation', (text: string) => problems.push(`CSP: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.reportCspViolation(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  await page.goto(url);
  return { page, problems };
}

const visibleCount = (page: Page, selector: string): Promise<number> =>
  page.$$eval(selector, (els) => els.filter((el) => (el as unknown as PageElement).offsetParent !== null).length);

describe.skipIf(!available && !inCi)('Estate report in headless Chromium', () => {
  let browser: Browser;
  let root: string;
  let reportUrl: string;
  let partialUrl: string;
  let boutiqueUrl: string;

  beforeAll(async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing: .ci/run installs it with apt-get install -y chromium`);
    mkdirSync(ARTIFACTS, { recursive: true });
    root = mkdtempSync(join(tmpdir(), 'estate-report-'));
    const demo = join(root, 'demo');
    const partial = join(root, 'partial');
    reportUrl = `file://${await renderReport(demo, demoCopy(demo))}`;
    partialUrl = `file://${await renderReport(partial, demoCopy(partial, { breakProductionEuSsm: true }))}`;
    // Two applications, one drifted key in one of them: the matrix groups keys under application headings.
    const boutique = join(root, 'boutique');
    const { baseline, snapshots } = await boutiqueEstate(boutique, {
      staging: [],
      'production-us': [],
      'production-eu': [setEnv('cartservice', 'REDIS_ADDR', 'redis-cart-eu:6379')],
    });
    const boutiqueHtml = join(boutique, 'report.html');
    expect((await runCli(['scan', baseline, '--snapshots', snapshots, '--html', boutiqueHtml, '--now', BOUTIQUE_NOW])).code).toBe(1);
    boutiqueUrl = `file://${boutiqueHtml}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  it('shows the summary first, then the matrix, the timeline and the findings, with nothing failing', async () => {
    // Prepare
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await open(context, reportUrl);

    // Act
    const tops = await page.$$eval(['div.banner', 'table.summary', 'section.matrix', 'section.timeline', '#findings'].join(','), (els) =>
      els.map((el) => [el.tagName === 'H2' ? '#findings' : (el.className.split(' ')[0] ?? ''), Math.round(el.getBoundingClientRect().top)] as const),
    );
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    const expanded = await page.evaluate(() => {
      for (const d of document.querySelectorAll('details')) d.open = true;
      return document.documentElement.scrollHeight;
    });
    await page.evaluate(() => {
      for (const d of document.querySelectorAll('article details')) d.open = false;
    });
    await page.screenshot({ path: join(ARTIFACTS, 'estate-report-desktop.png'), fullPage: true });

    // Assess
    expect(await page.locator('div.banner').textContent()).toContain('Drift found: 21 findings (1 critical, 8 high, 11 medium, 1 low) in 3 of 3 environments');
    expect(tops.map(([name]) => name)).toEqual(['banner', 'summary', 'matrix', 'timeline', '#findings']);
    expect(tops.map(([, top]) => top)).toEqual([...tops.map(([, top]) => top)].sort((a, b) => a - b));
    expect(await visibleCount(page, 'article.finding')).toBe(21);
    // The page is a list of one-line findings, not a wall of cards: shorter than with every finding open.
    expect(height).toBeLessThan(expanded);
    writeFileSync(join(ARTIFACTS, 'estate-report-metrics.json'), `${JSON.stringify({ desktopHeightPx: height, allOpenHeightPx: expanded }, null, 2)}\n`);
    console.info(`estate report: desktop page height ${height}px (${expanded}px with every finding open)`);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('marks drift and declared differences apart in the matrix, and masks secrets', async () => {
    // Prepare
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await open(context, reportUrl);
    const cell = (key: string, env: string) => page.locator(`tr.mrow:has(th code:text-is("${key}")) td[data-col="${env}"]`).first();

    // Act
    const drift = cell('API_TIMEOUT', 'production-us');
    const declared = cell('DATABASE_HOST', 'staging-us');
    const driftStyle = await drift.evaluate((el) => getComputedStyle(el).backgroundColor);
    const declaredStyle = await declared.evaluate((el) => getComputedStyle(el).backgroundColor);
    const marker = await declared.evaluate((el) => getComputedStyle(el, '::before').content);
    await page.selectOption('select[name=rows]', 'all');
    const secret = cell('PAYMENT_PROVIDER_KEY', 'production-us');

    // Assess
    expect(await drift.textContent()).toBe('120');
    expect(await drift.getAttribute('class')).toBe('m-drift sev-high');
    expect(await drift.getAttribute('title')).toContain('changed:production-us:api:API_TIMEOUT');
    expect(await declared.textContent()).toContain('db-staging.example.com');
    expect(await declared.getAttribute('class')).toBe('m-declared');
    expect(marker).toBe('"≠ "');
    expect(driftStyle).not.toBe(declaredStyle);
    expect(await secret.isVisible()).toBe(true);
    expect(await secret.textContent()).toBe('[secret]');
    expect(await page.content()).not.toContain(CANARY);
    expect(await page.content()).not.toContain('CANARYx9');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the keys of an unread source as unknown, never as drift or absent', async () => {
    // Prepare
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await open(context, partialUrl);

    // Act
    const cell = page.locator('tr.mrow:has(th code:text-is("PAYMENT_TIMEOUT")) td[data-col="production-eu"]').first();

    // Assess
    expect(await page.locator('div.banner').textContent()).toContain('Incomplete audit');
    expect(await cell.getAttribute('class')).toBe('m-unknown');
    expect(await cell.textContent()).toBe('unknown');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('filters by severity, type, environment and region, keeps the filters in the URL, and restores them on reload', async () => {
    // Prepare
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await open(context, reportUrl);
    const rowsBefore = await visibleCount(page, 'tr.mrow');
    const lanesBefore = await visibleCount(page, 'li.lane');

    // Act: only critical
    for (const severity of ['high', 'medium', 'low', 'info']) await page.uncheck(`input[data-sev=${severity}]`);
    const criticalCards = await visibleCount(page, 'article.finding');
    const criticalRows = await page.$$eval('tr.mrow', (rows) => rows.filter((r) => !r.hidden).map((r) => r.querySelector('th')?.textContent));
    const criticalLanes = await visibleCount(page, 'li.lane');
    const hashAfterSeverity = new URL(page.url()).hash;
    // Act: every severity again, one type, one environment
    for (const severity of ['high', 'medium', 'low', 'info']) await page.check(`input[data-sev=${severity}]`);
    await page.selectOption('select[name=type]', 'changed');
    await page.selectOption('select[name=env]', 'production-us');
    const changedCards = await page.$$eval('article.finding', (cards) => cards.filter((c) => !(c as unknown as PageElement).hidden).map((c) => c.id));
    const columns = await page.$$eval('table.matrix thead th[data-col]', (ths) => ths.filter((th) => !th.hidden).map((th) => th.textContent));
    const hashAfterEnv = new URL(page.url()).hash;
    await page.reload();
    const restored = {
      type: await page.inputValue('select[name=type]'),
      env: await page.inputValue('select[name=env]'),
      cards: await visibleCount(page, 'article.finding'),
    };
    // Act: one region
    await page.selectOption('select[name=type]', '');
    await page.selectOption('select[name=env]', '');
    await page.selectOption('select[name=region]', 'eu-west-1');
    const regions = await page.$$eval('section.region', (sections) => sections.filter((s) => !s.hidden).map((s) => s.getAttribute('data-region')));
    const regionCards = await page.$$eval('article.finding', (cards) =>
      cards.filter((c) => !(c as unknown as PageElement).hidden).map((c) => c.getAttribute('data-env')),
    );

    // Assess
    expect(criticalCards).toBe(1);
    expect(criticalRows).toEqual(['LOG_INCLUDE_SENSITIVE']);
    expect(criticalRows.length).toBeLessThan(rowsBefore);
    expect(criticalLanes).toBeLessThan(lanesBefore);
    expect(hashAfterSeverity).toBe('#sev=critical');
    expect(changedCards.sort()).toEqual([
      'finding-changed:production-us:api:API_TIMEOUT',
      'finding-changed:production-us:api:DB_TIMEOUT',
      'finding-changed:production-us:api:PAYMENT_GATEWAY_TIMEOUT_MS',
      'finding-changed:production-us:api:PAYMENT_MAX_RETRIES',
      'finding-changed:production-us:api:PAYMENT_TIMEOUT',
    ]);
    expect(columns).toEqual(['production-usproduction · us-east-1']);
    expect(hashAfterEnv).toBe('#type=changed&env=production-us');
    expect(restored).toEqual({ type: 'changed', env: 'production-us', cards: 5 });
    expect(regions).toEqual(['eu-west-1']);
    expect(new Set(regionCards)).toEqual(new Set(['production-eu']));
    expect(new URL(page.url()).hash).toBe('#region=eu-west-1');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('hides the heading of an application none of whose keys are shown, and finds keys by application name', async () => {
    // Prepare
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, problems } = await open(context, boutiqueUrl);
    const headings = () =>
      page.$$eval('tr.app', (els) =>
        els.filter((el) => (el as unknown as PageElement).offsetParent !== null).map((el) => (el as unknown as { textContent: string }).textContent.trim()),
      );

    // Act
    const differing = await headings();
    await page.selectOption('select[name=rows]', 'all');
    await page.fill('input[type=search]', 'frontend');
    const searched = await headings();
    const searchedKeys = await visibleCount(page, 'tr.mrow');

    // Assess
    expect(differing).toEqual(['cartservice']);
    expect(searched).toEqual(['frontend']);
    expect(searchedKeys).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('reads at phone width: only the matrix scrolls sideways', async () => {
    // Prepare
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const { page, problems } = await open(context, reportUrl);

    // Act
    const page375 = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      height: document.documentElement.scrollHeight,
    }));
    const scroller = await page.$eval('section.matrix .scroller', (el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
    const keyColumn = await page.$eval('table.matrix tbody th.k', (th) => getComputedStyle(th).position);
    await page.screenshot({ path: join(ARTIFACTS, 'estate-report-phone.png'), fullPage: true });

    // Assess
    expect(page375.clientWidth).toBe(375);
    expect(page375.scrollWidth).toBe(page375.clientWidth);
    expect(scroller.scrollWidth).toBeGreaterThan(scroller.clientWidth);
    expect(keyColumn).toBe('sticky');
    console.info(`estate report: phone page height ${page375.height}px`);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('follows the reader’s dark colour scheme', async () => {
    // Prepare
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
    const { page, problems } = await open(context, reportUrl);

    // Act
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.screenshot({ path: join(ARTIFACTS, 'estate-report-dark.png') });

    // Assess
    expect(background).toBe('rgb(13, 17, 23)');
    expect(problems).toEqual([]);
    await context.close();
  });
});
