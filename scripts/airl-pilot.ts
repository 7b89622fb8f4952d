/**
 * The IRL pilots of `IRL_CONFIGS` (lib/irl/experiment.ts) and the README's inverse-RL section:
 * AIRL as the study trains it (its demonstrations, PPO generator and seed), with a budget and AIRL
 * options of your choice, then g(s_a) beside g's mean on expert and random states, and fresh PPO
 * learners trained on g (no floor) and/or the true reward. Nothing is written.
 *
 *   npx tsx scripts/airl-pilot.ts '{"envId":"CartPole-v1","seed":0,"advSteps":150000,"trSteps":100000,"rewards":["g","true"],"airl":{"absorbingScale":10}}'
 *
 * Fields (all optional): envId, seed, advSteps, trSteps (default: the study's), rewards ("g",
 * "true"), dyn ("original", "changed"), airl (AIRL options), genPpo (generator PPO overrides).
 */
import { GanrlError } from "../lib/core";
import { initBackend } from "../lib/core";
import { recordDemos } from "../lib/imitation";
import { AIRL } from "../lib/irl/airl";
import { IRL_PPO, loadExpert, irlConfig } from "../lib/irl/experiment";
import { airlRewardModel, trainOnReward, evaluateIn, collectTransitions, rewardOnTransitions, trueRewardModel, pearson } from "../lib/irl/evaluate";
async function main() {
  let a: Record<string, any>;
  try {
    a = JSON.parse(process.argv[2] ?? "{}");
  } catch {
    throw new GanrlError(`the argument must be a JSON object, e.g. '{"envId":"CartPole-v1","seed":0}', got ${JSON.stringify(process.argv[2])}`);
  }
  if (a === null || typeof a !== "object" || Array.isArray(a)) throw new GanrlError(`the argument must be a JSON object, e.g. '{"envId":"CartPole-v1","seed":0}'`);
  await initBackend({ quiet: true });
  const envId: string = a.envId ?? "CartPole-v1";
  const cfg = irlConfig(envId);
  const seed: number = a.seed ?? 0;
  const expert = loadExpert(envId);
  const demos = recordDemos(expert.actor, envId, { episodes: cfg.demoEpisodes, seed: 1000 + 100 * seed, source: { expert: expert.name } });
  const evalOpts = { episodes: 10, seed: 50_000 + 1000 * seed };
  const std = cfg.standardiseInputs === true;
  const airl = new AIRL({ envId, demos, generator: "ppo", generatorOptions: { ...IRL_PPO, ...(a.genPpo ?? {}) }, discBatchSize: 256, discSteps: 5, seed, ...(std ? { policyNormFromExpert: true } : {}), ...(a.airl ?? {}) });
  const t0 = Date.now();
  await airl.learn(a.advSteps ?? cfg.adversarialSteps);
  const imit = evaluateIn(airl.policy, envId, evalOpts).mean;
  const gsa = airl.absorbingReward();
  const m = airlRewardModel(airl, "g");
  const ex = collectTransitions(expert.actor, envId, { episodes: 3, seed: 70_000 + seed, deterministic: true });
  const rnd = collectTransitions(null, envId, { episodes: 20, seed: 71_000 + seed });
  const gEx = rewardOnTransitions(m, ex, 0.99), gR = rewardOnTransitions(m, rnd, 0.99);
  const mean = (x: ArrayLike<number>) => Array.from(x).reduce((u, v) => u + v, 0) / x.length;
  const tr = rewardOnTransitions(trueRewardModel(envId), rnd, 0.99);
  console.log(`${JSON.stringify(a)} AIRL ${(Date.now() - t0) / 1000}s imitation ${imit.toFixed(1)} g(s_a) ${gsa.toFixed(3)} mean g expert ${mean(gEx).toFixed(3)} random ${mean(gR).toFixed(3)} pearson(random) ${pearson(gR, tr).toFixed(3)}`);
  const transferPpo = { ...IRL_PPO, ...(std ? { normalizeObs: true } : {}) };
  for (const name of a.rewards ?? ["g", "true"]) {
    for (const dyn of a.dyn ?? ["original"]) {
      const t1 = Date.now();
      const r = await trainOnReward({ envId, params: dyn === "changed" ? cfg.changed : null, model: name === "true" ? null : m, steps: a.trSteps ?? cfg.transferSteps, ppo: { ...transferPpo }, seed: 500 + seed, evalEpisodes: 10, evalSeed: evalOpts.seed });
      console.log(`  transfer ${name} ${dyn} ${a.trSteps ?? cfg.transferSteps}: ${r.mean.toFixed(1)} (${((Date.now() - t1) / 1000).toFixed(0)} s)`);
    }
  }
  airl.dispose();
}
main().catch((e) => {
  console.error(e instanceof GanrlError ? `airl-pilot: ${e.message}` : e);
  process.exit(e instanceof GanrlError ? 2 : 1);
});
