/**
 * Exercises of notebook 07 (policy gradients and the experts): returns and advantages from
 * `computeGae`, and PPO's clipped surrogate from `ppoLossTerms`. Expected values are computed
 * here, at check time, with the library (see check.ts).
 */
import type { Exercise } from "./check";
import type * as RL from "../rl";
import type * as Core from "../core";
import type * as Data from "../data";

/** lib/rl, loaded on first use (it pulls in TF.js, which the tabular notebooks do not need). */
const rl = (): typeof RL => require("../rl");
const core = (): typeof Core => require("../core");
const data = (): typeof Data => require("../data");

/** γ-discounted returns of one episode with GAE at λ = 1 and V ≡ 0 (the Monte-Carlo returns REINFORCE uses). */
export function episodeReturns(rewards: number[], gamma: number, ended: "terminated" | "truncated"): Float32Array {
  const T = rewards.length;
  const flag = (which: string) => rewards.map((_, t) => (t === T - 1 && ended === which ? 1 : 0));
  return rl().computeGae({
    nSteps: T, nEnvs: 1, rewards, values: new Array(T).fill(0), terminated: flag("terminated"), truncated: flag("truncated"),
    bootstrapValues: new Array(T).fill(0), lastValues: [0], gamma, lambda: 1,
  }).returns;
}

export const EXERCISES_07: readonly Exercise[] = Object.freeze([
  {
    id: "07.1",
    task: "the discounted return G_0 of the first CartPole-v1 demonstration (+1 for each of its steps, cut by the time limit) at PPO_CARTPOLE_ZOO's γ",
    expected: () => {
      const set = data().loadDemos(require("path").join(core().repoRoot, "data", "demos", "CartPole-v1", "traj-1.json"), "CartPole-v1");
      const T = set.trajectories[0].actions.length;
      return episodeReturns(new Array(T).fill(1), rl().PPO_CARTPOLE_ZOO.gamma as number, "truncated")[0];
    },
    relTol: 1e-5,
    hint: "G_0 = Σ_{t<T} γ^t = (1 − γ^T)/(1 − γ) with T the demonstration's length and γ = PPO_CARTPOLE_ZOO.gamma; compare with 1/(1 − γ), the effective horizon",
  },
  {
    id: "07.2",
    task: "the GAE advantage Â_0 (γ = 0.99, λ = 0.95) of a 3-step episode that terminates, with rewards 1, 1, 1 and values V(s_0..s_2) = 2, 1.5, 1",
    expected: () => rl().computeGae({
      nSteps: 3, nEnvs: 1, rewards: [1, 1, 1], values: [2, 1.5, 1], terminated: [0, 0, 1], truncated: [0, 0, 0],
      bootstrapValues: [0, 0, 0], lastValues: [0], gamma: 0.99, lambda: 0.95,
    }).advantages[0],
    relTol: 1e-5,
    hint: "δ_t = r_t + γ V(s_{t+1}) − V(s_t) with V = 0 after the terminal step; Â_0 = δ_0 + γλ δ_1 + (γλ)² δ_2 (computeGae does this)",
  },
  {
    id: "07.3",
    task: "PPO's per-sample objective min(w Â, clip(w, 1 − ε, 1 + ε) Â) for w = 0.5, Â = −2, ε = 0.2",
    expected: () => {
      const { tf } = core();
      return tf.tidy(() => {
        const s = (x: number) => tf.tensor1d([x]);
        const t = rl().ppoLossTerms({ newLogProb: s(Math.log(0.5)), oldLogProb: s(0), adv: s(-2), value: s(0), oldValue: s(0), ret: s(0) }, 0.2, false);
        return -t.pgLoss.dataSync()[0]; // pgLoss is −L^CLIP
      });
    },
    relTol: 1e-5,
    hint: "w Â = −1 and clip(0.5, 0.8, 1.2) Â = −1.6; the min keeps the more pessimistic one, so a ratio pushed below 1 − ε on a negative advantage is not rewarded further",
  },
]);
