/**
 * `npm run bench`: prints each benchmark's table. These are measurements, not tests:
 * numbers vary with the machine and its load, so compare figures taken close together.
 *
 *   npm run bench              every benchmark
 *   npm run bench -- envs      only the named ones (envs, rl, ...)
 *   npm run bench -- profile [--quick] [--sections] [--presets a,b]
 *                              where a GAIL run's time goes (bench/profile.ts)
 *   npm run bench -- targets [--quick] [--main]
 *                              one line per speed target of issue 19 (bench/targets.ts)
 *   npm run bench -- kernels   the floor under a PPO update: kernel dispatch, matMul, kernels a step
 *                              (bench/kernels.ts)
 *   npm run bench -- peers [--quick] [--core N] [--seed N]
 *                              the Python peers (Gymnasium, imitation, SB3) and ours side by side on
 *                              one core, same run (bench/peers.ts); only when named: it needs the
 *                              peers venv and takes about 10 minutes
 */
import { initBackend, describeBackend } from "../lib/core";
import { benchEnvs, formatEnvBench } from "./envs";
import { benchRl, formatRlBench } from "./rl";
import { benchImitation, formatImitationBench } from "./imitation";
import { benchWorldModel, formatWorldModelBench } from "./worldmodel";
import { benchProfile, formatProfile, profileArgs } from "./profile";
import { benchTargets, formatTargets } from "./targets";
import { benchPeers, formatPeers, peersArgs } from "./peers";
import { benchKernels, formatKernels } from "./kernels";

interface Bench {
  name: string;
  run: () => Promise<string>;
  /** Runs only when named on the command line (not in the plain `npm run bench`). */
  onlyWhenNamed?: boolean;
}

const BENCHES: Bench[] = [
  { name: "envs", run: async () => formatEnvBench(await benchEnvs()) },
  { name: "rl", run: async () => formatRlBench(await benchRl()) },
  { name: "imitation", run: async () => formatImitationBench(await benchImitation()) },
  { name: "worldmodel", run: async () => formatWorldModelBench(await benchWorldModel()) },
  {
    name: "profile",
    run: async () => {
      const a = profileArgs(process.argv.slice(2));
      return formatProfile(await benchProfile(a), a);
    },
  },
  {
    name: "targets",
    run: async () => {
      const argv = process.argv.slice(2);
      return formatTargets(await benchTargets({ quick: argv.includes("--quick"), main: argv.includes("--main") }));
    },
  },
  { name: "kernels", run: async () => formatKernels(await benchKernels()) },
  {
    name: "peers",
    onlyWhenNamed: true,
    run: async () => formatPeers(await benchPeers(peersArgs(process.argv.slice(2)))),
  },
];

/** Flags followed by a value (the value is not a benchmark name). */
const VALUE_FLAGS = ["--presets", "--core", "--seed"];

/** Benchmark names on the command line (flags and the values of `VALUE_FLAGS` excluded). */
function namesIn(argv: readonly string[]): string[] {
  return argv.filter((a, i) => !a.startsWith("-") && !VALUE_FLAGS.includes(argv[i - 1]));
}

async function main(): Promise<void> {
  const only = namesIn(process.argv.slice(2));
  const unknown = only.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(", ")}; valid: ${BENCHES.map((b) => b.name).join(", ")}`);
    process.exit(2);
  }
  const backend = await initBackend({ quiet: true });
  console.log(`${describeBackend(backend)}; node ${process.version}; ${require("os").cpus().length} cores; load ${require("os").loadavg().map((x: number) => x.toFixed(2)).join(" ")}`);
  for (const b of BENCHES) {
    if (only.length ? !only.includes(b.name) : b.onlyWhenNamed) continue;
    console.log(`\n## ${b.name}\n`);
    console.log(await b.run());
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
