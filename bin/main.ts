/**
 * `npm start`: the main job. Until the GAIL reproduction lands (issue 4), it is a short
 * demonstration of the foundation: the TF.js backend choice, both environments under a
 * random policy and a hand-written controller, and raw stepping speed.
 */
import { initBackend, describeBackend, Rng } from "../lib/core";
import { makeEnv, EnvId, ClassicControlEnv } from "../lib/envs";
import { tableText } from "../lib/viz/table";

type Controller = (obs: Float32Array, rng: Rng, nActions: number) => number;

const random: Controller = (_obs, rng, n) => rng.int(n);
/** CartPole: push towards the side the pole is falling to (θ + 0.5 θ̇ > 0 → push right). */
const cartpoleRule: Controller = (obs) => (obs[2] + 0.5 * obs[3] > 0 ? 1 : 0);
/** Acrobot (v1 observation): pump energy by torquing in the direction the second joint moves. */
const acrobotPump: Controller = (obs) => (obs[5] > 0 ? 2 : 0);

function runEpisodes(env: ClassicControlEnv, controller: Controller, episodes: number, seed: number) {
  const rng = new Rng(seed);
  const returns: number[] = [];
  let steps = 0;
  for (let e = 0; e < episodes; e++) {
    let obs = env.reset(seed + e);
    let ret = 0;
    for (;;) {
      const r = env.step(controller(obs, rng, env.actionSpace.n));
      obs = r.obs;
      ret += r.reward;
      steps++;
      if (r.terminated || r.truncated) break;
    }
    returns.push(ret);
  }
  const mean = returns.reduce((a, b) => a + b, 0) / episodes;
  const std = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / episodes);
  return { mean, std, steps };
}

async function main(): Promise<void> {
  console.log(describeBackend(await initBackend({ quiet: true })));
  const rows: Record<string, unknown>[] = [];
  const cases: [EnvId, string, Controller][] = [
    ["CartPole-v1", "random", random],
    ["CartPole-v1", "θ + 0.5·θ̇ rule", cartpoleRule],
    ["Acrobot-v1", "random", random],
    ["Acrobot-v1", "energy pump", acrobotPump],
  ];
  for (const [id, name, controller] of cases) {
    const env = makeEnv(id, { seed: 0 });
    const t0 = process.hrtime.bigint();
    const { mean, std, steps } = runEpisodes(env, controller, 100, 0);
    const sec = Number(process.hrtime.bigint() - t0) / 1e9;
    rows.push({ env: id, policy: name, episodes: 100, meanReturn: mean, stdReturn: std, "steps/s": Math.round(steps / sec) });
  }
  console.log("\n" + tableText(rows, { caption: "100 episodes each, seeds 0..99", digits: 4 }));
  console.log("\nThe GAIL reproduction will replace this demo as the main job (see README, 'Status').");
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
