/**
 * `npm run bench`: the figures behind the speed and cost targets, measured on this machine.
 * Each scenario prints its own table; nothing here asserts, the numbers are for people to read.
 * `--quick` runs smaller sizes (for a fast look), `--only engine|secrets|ssm|kube|eks|patterns|github-app|cli|package|alerts|report|changes|fanout` runs one scenario.
 */
import { parseArgs } from 'node:util';
import { runEngineBench } from './engine-bench.js';
import { formatSsmCollectBench, formatSsmFullQuotaBench, runSsmCollectBench, runSsmFullQuotaBench } from './ssm-collect-bench.js';
import { runEksClientBench } from './eks-client-bench.js';
import { formatSecretDetectBench, runSecretDetectBench } from './secret-detect-bench.js';
import { formatPatternBench, runPatternBench } from './pattern-bench.js';
import { formatKubeReaderBench, runKubeReaderBench } from './kube-reader-bench.js';
import { formatChangeEventsBench, runChangeEventsBench } from './change-events-bench.js';
import { formatEstateReportBench, runEstateReportBench } from './estate-report-bench.js';
import { formatGitHubAppBench, runGitHubAppBench } from './github-app-bench.js';
import { formatCliBench, runCliBench } from './cli-bench.js';
import { formatPackageSizeBench, runPackageSizeBench } from './package-size-bench.js';
import { formatAlertSizeBench, runAlertSizeBench } from './alert-size-bench.js';
import { formatFanOutBench, runFanOutBench } from './fanout-bench.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const only = values.only;

if (only === undefined || only === 'engine') {
  const keys = values.quick ? 10_000 : 100_000;
  const environments = 10;
  const figures = await runEngineBench({ keys, environments, driftRatio: 0.01 });
  console.log(`\n== engine: ${keys.toLocaleString('en')} keys x ${environments} environments, with workloads ==`);
  console.log(
    `estate              ${figures.observationsPerEnvironment.toLocaleString('en')} observations/environment ` +
      `(${figures.shapeObservationsPerEnvironment.toLocaleString('en')} k8s: shape keys), ${figures.podsPerEnvironment.toLocaleString('en')} pods/environment`,
  );
  console.log(`engine analyse      ${figures.engineMs.toFixed(0)} ms, heap ${figures.engineHeapMB.toFixed(0)} MB, ${figures.findings} findings`);
  console.log(`raw Map loop        ${figures.rawLoopMs.toFixed(0)} ms, heap ${figures.rawHeapMB.toFixed(0)} MB`);
  console.log(`ratio               ${figures.ratio.toFixed(2)}x (target <= 2x)  ${figures.ratio <= 2 ? 'MET' : 'NOT MET'}`);
}

if (only === undefined || only === 'secrets') {
  console.log(`\n${formatSecretDetectBench(runSecretDetectBench({ values: values.quick ? 10_000 : 100_000 }))}`);
}

if (only === undefined || only === 'ssm') {
  // The full scenario is the issue's: 10,000 parameters in each of 4 regions (~3.5 min, paced).
  const figures = await runSsmCollectBench(values.quick ? { parametersPerRegion: 1_000 } : {});
  console.log(`\n${formatSsmCollectBench(figures)}`);
  // Issue 10 part 4: the budget set to the whole quota (both groups), then incremental against full.
  const fullQuota = await runSsmFullQuotaBench(values.quick ? { parametersPerRegion: 1_000 } : {});
  console.log(`\n${formatSsmFullQuotaBench(fullQuota)}`);
}

if (only === undefined || only === 'kube') {
  console.log(`\n${formatKubeReaderBench(runKubeReaderBench({ workloads: values.quick ? 100 : 500 }))}`);
}

if (only === undefined || only === 'eks') {
  await runEksClientBench({ print: true });
}

if (only === undefined || only === 'patterns') {
  console.log(`\n${formatPatternBench(runPatternBench(values.quick ? { backtrackingUpTo: 22 } : {}))}`);
}

if (only === undefined || only === 'github-app') {
  console.log(`\n${formatGitHubAppBench(await runGitHubAppBench(values.quick ? { signs: 50, exchanges: 10 } : {}))}`);
}

if (only === undefined || only === 'cli') {
  console.log(`\n${formatCliBench(runCliBench(values.quick ? { runs: 3, findings: 1_000 } : {}))}`);
}

if (only === undefined || only === 'package') {
  console.log(`\n${formatPackageSizeBench(runPackageSizeBench())}`);
}

if (only === undefined || only === 'alerts') {
  console.log(`\n${formatAlertSizeBench(await runAlertSizeBench())}`);
}

if (only === undefined || only === 'report') {
  console.log(`\n${formatEstateReportBench(runEstateReportBench({ keys: values.quick ? 10_000 : 100_000, environments: 10 }))}`);
}

if (only === undefined || only === 'changes') {
  console.log(`\n${formatChangeEventsBench(await runChangeEventsBench(values.quick ? { parametersPerEnvironment: 100, repeats: 3 } : {}))}`);
}

if (only === undefined || only === 'fanout') {
  // The estate, 200 accounts x 4 regions x 2,000 parameters: one target alone and 16 at once measured, the rest modelled.
  const figures = await runFanOutBench(values.quick ? { parametersPerTarget: 500, measuredTargets: 8 } : {});
  console.log(`\n${formatFanOutBench(figures)}`);
}
