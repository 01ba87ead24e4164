/**
 * Secret detector benchmark: `detectSecret` over 100,000 values shaped like a real estate's (service
 * addresses, URLs, image references, flags, durations, names, camelCase identifiers, and 1% secrets
 * of every detected format), so the cost the engine pays per plain value can be read directly.
 *
 * `npx tsx bench/secret-detect-bench.ts [--values N]` prints the figures; `npm run bench` calls
 * {@link runSecretDetectBench}.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { detectSecret } from '../lambdas/engine/secrets/detect-secret.js';
import { secretSamples } from '../test/lambdas/engine/secrets/secret-samples.js';

/** What one run measured. */
export interface SecretDetectFigures {
  readonly values: number;
  /** Best of the timed passes over every value. */
  readonly totalMs: number;
  readonly nsPerValue: number;
  readonly planted: number;
  /** Planted secrets not detected. */
  readonly missed: number;
  /** Ordinary values called secret. */
  readonly falsePositives: number;
}

const ORDINARY = [
  'productcatalogservice:3550',
  'redis-cart:6379',
  'http://frontend:80/api/v1/cart?currency=EUR',
  'gcr.io/google-samples/microservices-demo/emailservice:v0.2.0',
  '-Xms256m -Xmx512m -XX:+UseG1GC',
  '30s',
  'true',
  'checkoutservice-7d4b9c6f5-x8k2p',
  'enableNewCheckoutFlowV2Release',
  'sha256:4bd8a3b5c1e0f2a7d6c9b8e1f0a3d2c5b4e7f6a9d8c1b0e3f2a5d4c7b6e9f8a1',
  '3f2b8c1e-9d4a-4e6b-8f7c-2a1d0e9b8c7f',
  'arn:aws:sns:eu-west-1:123456789012:drift-alerts',
  'warn',
  '25',
];

/** Builds the values (distinct strings, as a real estate's are) and times `detectSecret` over them. */
export function runSecretDetectBench(options: { readonly values: number }): SecretDetectFigures {
  const values: string[] = [];
  let planted = 0;
  for (let i = 0; i < options.values; i += 1) {
    if (i % 100 === 99) {
      const samples = Object.values(secretSamples(i));
      values.push(samples[i % samples.length] as string);
      planted += 1;
    } else {
      values.push(`${ORDINARY[i % ORDINARY.length]}${i % 7 === 0 ? '' : String(i)}`);
    }
  }
  // Flatten the concatenated strings so the timing is of the detector, not of V8 joining ropes.
  const flat = JSON.parse(JSON.stringify(values)) as string[];
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 6; round += 1) {
    const start = performance.now();
    for (const value of flat) detectSecret(value);
    best = Math.min(best, performance.now() - start);
  }
  let missed = 0;
  let falsePositives = 0;
  flat.forEach((value, i) => {
    const secret = detectSecret(value) !== undefined;
    if (i % 100 === 99 && !secret) missed += 1;
    if (i % 100 !== 99 && secret) falsePositives += 1;
  });
  return { values: options.values, totalMs: best, nsPerValue: (best * 1e6) / options.values, planted, missed, falsePositives };
}

/** The figures as printed by `npm run bench`. */
export function formatSecretDetectBench(figures: SecretDetectFigures): string {
  return [
    `== secret detector: ${figures.values.toLocaleString('en')} values ==`,
    `detectSecret        ${figures.totalMs.toFixed(0)} ms, ${figures.nsPerValue.toFixed(0)} ns per value`,
    `planted secrets     ${figures.planted}, missed ${figures.missed}; ordinary values called secret: ${figures.falsePositives}`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { values: { type: 'string', default: '100000' } } });
  console.log(formatSecretDetectBench(runSecretDetectBench({ values: Number(values.values) })));
}
