/**
 * `ganrl distill-expert`: an expert network distilled from an exact optimal policy by DAgger
 * (`lib/imitation/dagger.ts`). One task has an exact optimum today: MountainCar-v0, whose minimum
 * time to the flag `MountainCarMinimumTime` computes by value iteration (`lib/envs/mountaincar-optimal.ts`).
 * RL experts trained by PPO stop 10 or more steps short of it (the earlier shipped expert scored
 * −108.65 where the optimum is about −97.8); the GAIL paper's MountainCar expert scored −98.75.
 * Writes, like `train-expert`,
 *
 *   <out>             the policy (a `ganrl.net/1` 64-64 tanh categorical policy with its input statistics)
 *   <out>.meta.json   `ganrl-expert-meta/1`: the command, the oracle (grid, sweeps, its own score on
 *                     the evaluation episodes), every DAgger and BC option, each round's record
 *                     (`curve`), wall time, backend, commit and the final evaluation
 *   <out>.curve.csv   one row per DAgger round: labelled pairs, validation accuracy, selection return
 */
import { GanrlError, initBackend, describeBackend, meanStd, writeFileAtomic } from "../../lib/core";
import { EnvId, MountainCarMinimumTime, makeEnv } from "../../lib/envs";
import { DAGGER_DEFAULTS, DaggerOptions, DaggerRound, dagger } from "../../lib/imitation";
import { commandLine, compactJson, compactNet, evaluationRecord, expertEvaluation, formatSeconds, gitCommit, policyActor, round6, sidecar } from "./common";

export interface DistillExpertArgs {
  env: EnvId;
  seed: number;
  rounds: number;
  out?: string;
  evalEpisodes: number;
  evalSeed: number;
  json: boolean;
}

/** The tasks with an exact oracle. */
export const DISTILL_ENVS: readonly EnvId[] = ["MountainCar-v0"];

function roundsCsv(rounds: readonly DaggerRound[]): string {
  const lines = ["round,pairs,validationAccuracy,selectReturn,seconds"];
  for (const r of rounds) lines.push(`${r.round},${r.pairs},${round6(r.validationAccuracy)},${round6(r.selectReturn)},${round6(r.seconds)}`);
  return lines.join("\n") + "\n";
}

/** The oracle's own greedy return on episodes seed … seed + n − 1 (the exact state, as DAgger sees it). */
function oracleEvaluation(solver: MountainCarMinimumTime, envId: EnvId, episodes: number, seed: number): { meanReturn: number; stdReturn: number } {
  const returns: number[] = [];
  const env = makeEnv(envId);
  for (let i = 0; i < episodes; i++) {
    env.reset(seed + i);
    let ret = 0;
    for (;;) {
      const s = env.state;
      const r = env.step(solver.action(s[0], s[1]));
      ret += r.reward;
      if (r.terminated || r.truncated) break;
    }
    returns.push(ret);
  }
  const { mean, std } = meanStd(returns);
  return { meanReturn: round6(mean), stdReturn: round6(std) };
}

export async function distillExpert(a: DistillExpertArgs): Promise<void> {
  if (!DISTILL_ENVS.includes(a.env)) {
    throw new GanrlError(`distill-expert has an exact oracle only for ${DISTILL_ENVS.join(", ")} (got --env ${a.env}); train an expert for it with \`npx ganrl train-expert --env ${a.env}\``);
  }
  const out = a.out ?? `data/experts/${a.env}.json`;
  if (!out.endsWith(".json")) throw new GanrlError(`--out must name a .json file, got ${JSON.stringify(out)}`);
  const metaFile = sidecar(out, ".meta.json");
  const csvFile = sidecar(out, ".curve.csv");
  const command = commandLine();
  const backend = await initBackend({ quiet: true });
  if (!a.json) process.stderr.write(describeBackend(backend) + "\n");
  const t0 = Date.now();
  const solver = new MountainCarMinimumTime();
  const solveSeconds = (Date.now() - t0) / 1000;
  if (!a.json) process.stderr.write(`ganrl: minimum-time value iteration on a ${solver.nx} × ${solver.nv} grid: ${solver.sweeps} sweeps, ${formatSeconds(solveSeconds)}\n`);
  const options: DaggerOptions = { ...DAGGER_DEFAULTS, bc: { ...DAGGER_DEFAULTS.bc }, envId: a.env, rounds: a.rounds, seed: a.seed };
  const result = dagger((s) => solver.action(s[0], s[1]), options);
  const trainSeconds = (Date.now() - t0) / 1000;
  if (!a.json) for (const r of result.rounds) process.stderr.write(`ganrl: round ${r.round}: ${r.pairs} pairs, validation accuracy ${r.validationAccuracy.toFixed(4)}, selection return ${r.selectReturn.toFixed(2)}\n`);

  const evaluation = expertEvaluation(policyActor(result.policy), a.env, a.evalEpisodes, a.evalSeed);
  const oracle = {
    kind: "MountainCarMinimumTime",
    file: "lib/envs/mountaincar-optimal.ts",
    nx: solver.nx,
    nv: solver.nv,
    sweeps: solver.sweeps,
    residual: solver.residual,
    seconds: round6(solveSeconds),
    evaluation: { episodes: a.evalEpisodes, deterministic: oracleEvaluation(solver, a.env, a.evalEpisodes, a.evalSeed) },
  };
  const meta = {
    format: "ganrl-expert-meta/1",
    envId: a.env,
    algo: "dagger",
    seed: a.seed,
    // train-expert's field: environment steps of RL training, none here (the labelled pairs are in `curve`)
    steps: 0,
    bestRound: result.bestRound,
    command,
    commands: [command],
    wallSeconds: round6(trainSeconds),
    backend: backend.name,
    node: process.version,
    commit: gitCommit(),
    createdAt: new Date().toISOString(),
    oracle,
    options,
    evaluation: evaluationRecord(a.evalSeed, a.evalEpisodes, evaluation),
    curveFile: csvFile.split(/[\\/]/).pop(),
    curve: result.rounds.map((r) => ({ ...r, validationAccuracy: round6(r.validationAccuracy), selectReturn: round6(r.selectReturn), seconds: round6(r.seconds) })),
  };
  const policyJson = compactNet(
    result.policy.save({ envId: a.env, algo: "dagger", seed: a.seed, steps: 0, evaluation: { deterministic: evaluation.deterministic, stochastic: evaluation.stochastic }, metaFile: metaFile.split(/[\\/]/).pop() }),
  );
  writeFileAtomic(out, compactJson(policyJson) + "\n");
  writeFileAtomic(metaFile, compactJson(meta) + "\n");
  writeFileAtomic(csvFile, roundsCsv(result.rounds));
  result.policy.dispose();
  const summary = { env: a.env, algo: "dagger", rounds: a.rounds, bestRound: result.bestRound, wallSeconds: round6(trainSeconds), oracle: oracle.evaluation.deterministic, deterministic: evaluation.deterministic, stochastic: evaluation.stochastic, out };
  const text = (s: { meanReturn: number; stdReturn: number }) => `${s.meanReturn.toFixed(2)} ± ${s.stdReturn.toFixed(2)}`;
  if (a.json) {
    console.log(JSON.stringify(summary));
  } else {
    console.log(`distilled the minimum-time policy on ${a.env} in ${a.rounds + 1} rounds (best: round ${result.bestRound}), ${formatSeconds(trainSeconds)}`);
    console.log(`evaluation over ${a.evalEpisodes} episodes: oracle ${text(oracle.evaluation.deterministic)}, network deterministic ${text(evaluation.deterministic)}, stochastic ${text(evaluation.stochastic)}`);
    console.log(`wrote ${out}, ${metaFile}, ${csvFile}`);
  }
}
