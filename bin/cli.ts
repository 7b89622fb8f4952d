/**
 * `npx ganrl <command>`: the command-line front end (commander). `bin/ganrl.cjs` registers tsx
 * and loads this file.
 *
 *   ganrl train-expert --algo ppo --env CartPole-v1 --seed 0
 *   ganrl eval --policy data/experts/CartPole-v1.json --env CartPole-v1 --episodes 100 --json
 *   ganrl adopt-expert --policy data/experts/CartPole-v1.json --env seals/CartPole-v0
 *   ganrl distill-expert --env MountainCar-v0
 *   ganrl demos --env CartPole-v1 --policy data/experts/CartPole-v1.json --n 10 --seed 1000
 *   ganrl demos-info data/demos/CartPole-v1/traj-10.json
 *   ganrl reproduce gail|irl|worldmodel [options]     (see bin/reproduce.ts; --help per study)
 *
 * Exit codes: 0 success; 2 bad input (unknown env id, missing or malformed file, bad number,
 * policy/environment mismatch), with one line `ganrl: error: <what is wrong>; <the fix>` on
 * stderr and nothing half-written; 1 an unexpected failure (a bug: the stack is printed);
 * 130 interrupted training (a checkpoint is written first).
 */
import { Command, CommanderError, Option } from "commander";
import { GanrlError } from "../lib/core";
import { ENV_IDS } from "../lib/envs";
import { ALGOS } from "./commands/algos";
import { EXIT_USAGE, parseEnvId, parsePositiveInt, parseSeed, required } from "./commands/common";
import { trainExpert } from "./commands/train-expert";
import { evalCommand } from "./commands/eval";
import { adoptExpert } from "./commands/adopt-expert";
import { DISTILL_ENVS, distillExpert } from "./commands/distill-expert";
import { DAGGER_DEFAULTS } from "../lib/imitation";
import { demosCommand, demosInfoCommand } from "./commands/demos";

const collect = (value: string, previous: string[]) => [...previous, value];
const ENV_HELP = `environment id: ${ENV_IDS.join(", ")}`;

/** The options every expert-writing command shares: where the policy goes and how it is evaluated. */
function expertFileOptions(cmd: Command, evaluation: string): Command {
  return cmd
    .option("--out <file>", "policy file (default data/experts/<env>.json)")
    .option("--eval-episodes <n>", `episodes of ${evaluation} (deterministic and stochastic)`, parsePositiveInt, 100)
    .option("--eval-seed <n>", `first seed of ${evaluation} episodes`, parseSeed, 0)
    .option("--json", "print a one-line JSON summary as the last line", false);
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("ganrl")
    .description("GANs in reinforcement learning: train experts, evaluate policies, sample demonstrations (CartPole, Acrobot, MountainCar and the seals fixed-horizon variants; TF.js)")
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`ganrl: ${str.trim().replace(/\n+/g, " ")} (see --help)\n`) })
    .addHelpText("after", "\nAlso: ganrl reproduce <gail|irl|worldmodel> [options]   run a study's sweep and rebuild its tables (ganrl reproduce <study> --help)");

  program
    .command("train-expert")
    .description(
      "train an expert policy; writes <out> (the policy), <out>.meta.json (command, seed, options, wall time, evaluation, learning curve) and <out>.curve.csv",
    )
    .addOption(new Option("--algo <name>", "algorithm").choices([...ALGOS]).default("ppo"))
    .requiredOption("--env <id>", ENV_HELP, parseEnvId)
    .option("--seed <n>", "seed of everything (weights, sampling, environments)", parseSeed, 0)
    .option("--steps <n>", "budget in environment steps (default per algorithm, CartPole / Acrobot / MountainCar: ppo 1e5 / 1e6 / 1e6, trpo 5e5, reinforce 3e5 / 1e6, dqn 5e4 / 1e5 / 1.2e5)", parsePositiveInt)
    .option("--out <file>", "policy file (default data/experts/<env>.json)")
    .option("--checkpoint-every <n>", "write a checkpoint every n iterations (atomic)", parsePositiveInt, 10)
    .option("--checkpoint <file>", "checkpoint file (default <out> with .ckpt.json)")
    .option("--resume", "continue from the checkpoint (same --algo, --env, --seed; --steps may extend the budget)", false)
    .option("--init <file>", "start from this policy file's weights and observation statistics (fine-tuning; ppo, trpo, reinforce; the value network starts from the seed)")
    .option("--keep-checkpoint", "keep the checkpoint after training finishes (it is deleted otherwise)", false)
    .option("--eval-episodes <n>", "episodes of the final evaluation (deterministic and stochastic)", parsePositiveInt, 100)
    .option("--eval-seed <n>", "first seed of the final evaluation episodes", parseSeed, 0)
    .option("--set <key=value>", "override an algorithm option, e.g. --set lr=3e-4 --set hidden=[64,64] (repeatable)", collect, [] as string[])
    .option("--no-progress", "no progress bar or progress lines")
    .option("--json", "print a one-line JSON summary as the last line", false)
    .addHelpText(
      "after",
      `
Progress: a bar (steps, steps/s, ETA, mean return of the last 100 training episodes) on a
terminal, a line every 10% otherwise. Ctrl-C writes a checkpoint and exits 130; continue with
the same command plus --resume. The final evaluation runs --eval-episodes episodes both
deterministic (argmax) and stochastic (sampled; epsilon-greedy for dqn) and is recorded in
<out>.meta.json and in the policy file's meta.

Examples:
  npx ganrl train-expert --algo ppo --env CartPole-v1 --seed 0
  npx ganrl train-expert --algo ppo --env Acrobot-v1 --seed 0 --checkpoint-every 20
  npx ganrl train-expert --algo ppo --env Acrobot-v1 --seed 0 --resume
  npx ganrl train-expert --algo ppo --env MountainCar-v0 --seed 2 --init data/experts/MountainCar-v0.json --steps 200000 --set lr=5e-5 --out /tmp/mc.json
  npx ganrl train-expert --algo dqn --env CartPole-v1 --out /tmp/dqn.json --set hidden=[128,128] --set lr=1e-3`,
    )
    .action(async (o) => {
      await trainExpert({
        algo: o.algo,
        env: required(o.env, "--env", "--env CartPole-v1"),
        seed: o.seed,
        steps: o.steps,
        out: o.out,
        checkpointEvery: o.checkpointEvery,
        checkpoint: o.checkpoint,
        resume: o.resume,
        init: o.init,
        keepCheckpoint: o.keepCheckpoint,
        evalEpisodes: o.evalEpisodes,
        evalSeed: o.evalSeed,
        set: o.set,
        json: o.json,
        progress: o.progress,
      });
    });

  program
    .command("eval")
    .description("evaluate a saved policy: mean ± std of the return over N episodes (episode i resets with seed S + i)")
    .requiredOption("--policy <file>", "policy file written by train-expert (e.g. data/experts/CartPole-v1.json)")
    .requiredOption("--env <id>", ENV_HELP, parseEnvId)
    .option("--episodes <n>", "number of episodes", parsePositiveInt, 100)
    .option("--seed <n>", "seed of the first episode", parseSeed, 0)
    .option("--deterministic", "argmax actions (the default)")
    .option("--stochastic", "sample actions a ~ π(·|s) (as the demonstrations do)")
    .option("--json", 'print {"env", "episodes", "meanReturn", "stdReturn", "meanLength"} as the last line', false)
    .addHelpText(
      "after",
      `
Deterministic (argmax) is the default: it is how the GAIL paper and the SB3 zoo evaluate
policies. --stochastic samples a ~ pi(.|s), the way the demonstrations are drawn (for a DQN
expert: epsilon-greedy with the epsilon it finished training with).

Example:
  npx ganrl eval --policy data/experts/CartPole-v1.json --env CartPole-v1 --episodes 100 --seed 0 --json`,
    )
    .action(async (o) => {
      await evalCommand({ policy: o.policy, env: o.env, episodes: o.episodes, seed: o.seed, deterministic: o.deterministic, stochastic: o.stochastic, json: o.json });
    });

  expertFileOptions(program
    .command("adopt-expert")
    .description(
      "ship an expert trained on one task for a twin of the same family (same observations and dynamics) without training: evaluates it there and writes <out>, <out>.meta.json (trainedOn, adoptedFrom, the source's training record, the evaluation on --env) and <out>.curve.csv",
    )
    .requiredOption("--policy <file>", "expert written by train-expert, with its .meta.json beside it (e.g. data/experts/CartPole-v1.json)")
    .requiredOption("--env <id>", ENV_HELP, parseEnvId)
    , "the evaluation")
    .addHelpText(
      "after",
      `
The evaluation is train-expert's final one (episode i resets with seed S + i), on --env.

Example (the shipped seals/CartPole-v0 expert):
  npx ganrl adopt-expert --policy data/experts/CartPole-v1.json --env seals/CartPole-v0 --json`,
    )
    .action(async (o) => {
      await adoptExpert({ policy: o.policy, env: o.env, out: o.out, evalEpisodes: o.evalEpisodes, evalSeed: o.evalSeed, json: o.json });
    });

  expertFileOptions(program
    .command("distill-expert")
    .description(
      "distil an exact optimal policy into an expert network by DAgger (MountainCar-v0: the minimum-time policy of value iteration, lib/envs/mountaincar-optimal.ts); writes <out>, <out>.meta.json (the oracle, every option, each round, the evaluation) and <out>.curve.csv (one row per round)",
    )
    .requiredOption("--env <id>", `task with an exact oracle: ${DISTILL_ENVS.join(", ")}`, parseEnvId)
    .option("--seed <n>", "seed of everything (episodes, labels, weights, minibatches)", parseSeed, 0)
    .option("--rounds <n>", "DAgger rounds after the oracle's own episodes", parsePositiveInt, DAGGER_DEFAULTS.rounds)
    , "the final evaluation")
    .addHelpText(
      "after",
      `
Round 0 trains behavioural cloning on the oracle's own episodes (half with 20 % random actions);
each later round runs the current network, labels every state it visits with the oracle's action
and retrains on everything gathered; the round with the best greedy return on seeds 20000.. is
kept. The evaluation is train-expert's (episode i resets with seed S + i) and records the
oracle's own score on the same episodes.

Example (the shipped MountainCar-v0 expert):
  npx ganrl distill-expert --env MountainCar-v0 --seed 0 --json`,
    )
    .action(async (o) => {
      await distillExpert({ env: o.env, seed: o.seed, rounds: o.rounds, out: o.out, evalEpisodes: o.evalEpisodes, evalSeed: o.evalSeed, json: o.json });
    });

  program
    .command("demos")
    .description(
      "sample N expert trajectories (stochastic a ~ π(·|s) by default) into a ganrl-demos/1 file (format: lib/data/trajectories.ts); trajectory i uses seed S + i",
    )
    .requiredOption("--env <id>", ENV_HELP, parseEnvId)
    .requiredOption("--policy <file>", "expert policy file (e.g. data/experts/CartPole-v1.json)")
    .option("--n <n>", "number of trajectories", parsePositiveInt, 10)
    .option("--seed <n>", "seed of the first trajectory", parseSeed, 1000)
    .option("--out <file>", "output file (default data/demos/<env>/traj-<n>.json)")
    .option("--subsets <list>", "also write the first k trajectories as traj-<k>.json beside --out, e.g. 1,4,7,10 (the paper's nested sizes)")
    .option("--csv <file>", "also write every transition as CSV (danfo.js)")
    .option("--deterministic", "argmax actions instead of sampling", false)
    .option("--json", "print a one-line JSON summary as the last line", false)
    .addHelpText(
      "after",
      `
Sampling is stochastic by default, as the GAIL paper sampled its expert trajectories.
Trajectory i resets with seed S + i and draws its actions from its own stream, so the first k
trajectories of a run with --n N equal a run with --n k. Every file is validated before
anything is written, and written atomically.

Example (the shipped sets):
  npx ganrl demos --env CartPole-v1 --policy data/experts/CartPole-v1.json --n 50 --seed 1000 \\
    --out data/demos/CartPole-v1/pool-50.json --subsets 1,4,7,10`,
    )
    .action(async (o) => {
      await demosCommand({ env: o.env, policy: o.policy, n: o.n, seed: o.seed, out: o.out, csv: o.csv, subsets: o.subsets, deterministic: o.deterministic, json: o.json });
    });

  program
    .command("demos-info")
    .description("validate a demonstration file and print its statistics (optionally export CSV)")
    .argument("<file>", "a ganrl-demos/1 file, e.g. data/demos/CartPole-v1/traj-10.json")
    .option("--env <id>", "also check the file is for this environment", parseEnvId)
    .option("--csv <file>", "write every transition as CSV (danfo.js)")
    .option("--json", "print a one-line JSON summary as the last line", false)
    .action(async (file: string, o) => {
      await demosInfoCommand(file, { env: o.env, csv: o.csv, json: o.json });
    });

  return program;
}

/** Runs the CLI on `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  // `ganrl reproduce <study> …` has its own options per study (bin/reproduce.ts)
  if (argv[0] === "reproduce") return (require("./reproduce") as typeof import("./reproduce")).reproduceMain(argv.slice(1));
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; every usage error (already printed on one line) exits 2
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (e instanceof GanrlError) {
      process.stderr.write(`ganrl: error: ${e.message.replace(/\n+/g, " ")}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`ganrl: unexpected failure (please report it): ${e instanceof Error ? e.stack : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
