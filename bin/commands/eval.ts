/**
 * `ganrl eval`: runs a saved policy for N episodes (episode i resets with seed S + i) and prints
 * the mean and standard deviation of the return. Deterministic (argmax) by default, the way the
 * GAIL paper and SB3's zoo evaluate policies; `--stochastic` samples a ~ π(·|s) as the experts'
 * demonstrations do (ε-greedy for a DQN expert). With `--json` the LAST line of stdout is exactly
 * `{"env": ..., "episodes": ..., "meanReturn": ..., "stdReturn": ..., "meanLength": ...}`.
 */
import { GanrlError, initBackend, describeBackend } from "../../lib/core";
import { EnvId } from "../../lib/envs";
import { evaluateActor, formatSeconds, jsonLine, loadActorFor, readPolicyJson } from "./common";

export interface EvalArgs {
  policy: string;
  env: EnvId;
  episodes: number;
  seed: number;
  deterministic?: boolean;
  stochastic?: boolean;
  json: boolean;
}

export async function evalCommand(a: EvalArgs): Promise<void> {
  if (a.deterministic && a.stochastic) throw new GanrlError("--deterministic and --stochastic exclude each other; pass one (deterministic is the default)");
  const deterministic = !a.stochastic;
  readPolicyJson(a.policy, a.env); // fail on a bad file before starting TF.js
  const backend = await initBackend({ quiet: true });
  const { actor } = loadActorFor(a.policy, a.env);
  if (!a.json) process.stderr.write(describeBackend(backend) + "\n");
  const t0 = Date.now();
  const s = evaluateActor(actor, a.env, a.episodes, a.seed, deterministic);
  actor.dispose();
  if (a.json) {
    // critical: the contract is this exact key order on the last line.
    console.log(jsonLine({ env: s.env, episodes: s.episodes, meanReturn: s.meanReturn, stdReturn: s.stdReturn, meanLength: s.meanLength }));
  } else {
    console.log(
      `${a.policy} on ${a.env}, ${a.episodes} episodes (seeds ${a.seed}..${a.seed + a.episodes - 1}, ${deterministic ? "deterministic" : "stochastic"}): ` +
        `return ${s.meanReturn.toFixed(2)} ± ${s.stdReturn.toFixed(2)}, length ${s.meanLength.toFixed(1)} (${formatSeconds((Date.now() - t0) / 1000)})`,
    );
  }
}
