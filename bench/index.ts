/**
 * `npm run bench`: prints each benchmark's table. These are measurements, not tests:
 * numbers vary with the machine and its load, so compare figures taken close together.
 *
 *   npm run bench              every benchmark
 *   npm run bench -- envs      only the named ones (envs, rl, ...)
 */
import { initBackend, describeBackend } from "../lib/core";
import { benchEnvs, formatEnvBench } from "./envs";
import { benchRl, formatRlBench } from "./rl";
import { benchImitation, formatImitationBench } from "./imitation";
import { benchWorldModel, formatWorldModelBench } from "./worldmodel";

interface Bench {
  name: string;
  run: () => Promise<string>;
}

const BENCHES: Bench[] = [
  { name: "envs", run: async () => formatEnvBench(await benchEnvs()) },
  { name: "rl", run: async () => formatRlBench(await benchRl()) },
  { name: "imitation", run: async () => formatImitationBench(await benchImitation()) },
  { name: "worldmodel", run: async () => formatWorldModelBench(await benchWorldModel()) },
];

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const unknown = only.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(", ")}; valid: ${BENCHES.map((b) => b.name).join(", ")}`);
    process.exit(2);
  }
  const backend = await initBackend({ quiet: true });
  console.log(`${describeBackend(backend)}; node ${process.version}; ${require("os").cpus().length} cores`);
  for (const b of BENCHES) {
    if (only.length && !only.includes(b.name)) continue;
    console.log(`\n## ${b.name}\n`);
    console.log(await b.run());
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
