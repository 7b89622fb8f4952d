/**
 * Generalised advantage estimation, GAE(λ) (Schulman et al. 2016), on plain typed arrays laid
 * out [steps, envs] (index t*nEnvs + e).
 *
 *   δ_t = r_t + γ V_next(t) − V(s_t)
 *   A_t = δ_t + γ λ c_t A_{t+1},        returns R_t = A_t + V(s_t)
 *
 * where c_t = 0 if the episode ended at t (terminated or truncated; the next row belongs to a new
 * episode), else 1, and the value of the next state is
 *   V_next(t) = 0                      if terminated (true terminal: nothing follows),
 *             = bootstrapValues[t]     if truncated (the time limit cut it: V(finalObs), never the reset obs),
 *             = lastValues[e]          at the last step t = T−1 (V(s_T) of the rollout's last obs),
 *             = values[t+1]            otherwise.
 * This is Stable-Baselines3's `rewards += γ V(terminal_obs)` written as a bootstrap, and
 * Spinning Up's `finish_path(last_val)` (0 at a true terminal, V(s_T) at a cut-off).
 * With λ = 1 the returns are discounted Monte-Carlo returns (REINFORCE); with λ = 0, TD(0) targets.
 */
import { ensure } from "../core";

export interface GaeInput {
  nSteps: number;
  nEnvs: number;
  /** r_t, [T*N]. */
  rewards: ArrayLike<number>;
  /** V(s_t), [T*N]. */
  values: ArrayLike<number>;
  /** [T*N], 1 at true terminals. */
  terminated: ArrayLike<number>;
  /** [T*N], 1 at time-limit cut-offs. */
  truncated: ArrayLike<number>;
  /** V(finalObs) at truncated steps (ignored elsewhere), [T*N]. */
  bootstrapValues: ArrayLike<number>;
  /** V(s_T) for each env, [N]. */
  lastValues: ArrayLike<number>;
  /** γ, discount. */
  gamma: number;
  /** λ, GAE trace decay. */
  lambda: number;
}

export function computeGae(
  inp: GaeInput,
  advantages: Float32Array = new Float32Array(inp.nSteps * inp.nEnvs),
  returns: Float32Array = new Float32Array(inp.nSteps * inp.nEnvs),
): { advantages: Float32Array; returns: Float32Array } {
  const { nSteps: T, nEnvs: N, rewards, values, terminated, truncated, bootstrapValues, lastValues, gamma, lambda } = inp;
  ensure(rewards.length === T * N && values.length === T * N, `computeGae: rewards and values need ${T * N} entries`);
  ensure(lastValues.length === N, `computeGae: lastValues needs ${N} entries`);
  for (let e = 0; e < N; e++) {
    let nextAdv = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = t * N + e;
      let nextValue: number;
      let cont: number;
      if (terminated[i]) {
        nextValue = 0;
        cont = 0;
      } else if (truncated[i]) {
        nextValue = bootstrapValues[i];
        cont = 0;
      } else {
        nextValue = t === T - 1 ? lastValues[e] : values[i + N];
        cont = 1;
      }
      // the next two lines implement GAE-Lambda
      const delta = rewards[i] + gamma * nextValue - values[i];
      nextAdv = delta + gamma * lambda * cont * nextAdv;
      advantages[i] = nextAdv;
      returns[i] = nextAdv + values[i];
    }
  }
  return { advantages, returns };
}
