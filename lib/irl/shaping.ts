/**
 * Potential-based shaping (Ng, Harada & Russell 1999) as AIRL uses it, in plain JS.
 *
 * AIRL's disentangled reward (Fu, Luo & Levine 2018, §5) is
 *
 *     f(s, a, s') = g(s) + γ h(s') − h(s)
 *
 * with g a state-only reward and h a potential. **Terminal states.** When s' is terminal the
 * episode ends and nothing follows, so its potential is 0: h(s') := 0. With that convention the
 * shaping of a whole episode s_0 … s_T telescopes to
 *
 *     Σ_{t<T} γ^t (γ h(s_{t+1}) − h(s_t)) = γ^T h(s_T) − h(s_0) = −h(s_0)   (s_T terminal),
 *
 * a function of the start state only, so it cannot change which policy is optimal. (Were h(s_T)
 * left free, an agent could be paid γ^T h(s_T) for *where* it ends: a reward for termination
 * smuggled in through the potential.) For a truncated episode (time limit) s_T is not terminal
 * and the last term γ^T h(s_T) stays; bootstrapping handles it as for any reward. Over a closed
 * loop of states with γ = 1 the shaping sums to 0 exactly.
 *
 * With DAC's absorbing state s_a (the `absorbing` option), the terminal s_T is replaced by s_a
 * looping forever; its potential is likewise 0, so the loop's own shaping γ h(s_a) − h(s_a) is 0
 * and the absorbing state's reward is g(s_a) alone.
 *
 * Derivation and the numerical checks: notebooks/11_adversarial_inverse_rl.ipynb, "Shaping".
 */
import { GanrlError, checkNumber, describe } from "../core";

/**
 * f = g + γ (1 − done) h' − h per transition. `g`, `h`, `hNext`, `done` are [n].
 * `done[i]` = 1 when s'_i is terminal (its potential counts as 0).
 */
export function shapedReward(g: ArrayLike<number>, h: ArrayLike<number>, hNext: ArrayLike<number>, done: ArrayLike<number>, gamma: number): Float32Array {
  checkNumber(gamma, "shaping gamma", 0, 1);
  const n = g.length;
  if (h.length !== n || hNext.length !== n || done.length !== n) {
    throw new GanrlError(`shapedReward: g, h, hNext and done must have one entry per transition, got lengths ${n}, ${h.length}, ${hNext.length}, ${done.length}`);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = g[i] + (done[i] ? 0 : gamma * hNext[i]) - h[i];
  return out;
}

/**
 * The discounted shaping of one path of states s_0 … s_T with potentials `h` [T+1]:
 * Σ_{t<T} γ^t (γ h(s_{t+1}) − h(s_t)). With `terminalAtEnd`, s_T is terminal and h(s_T) counts as 0.
 * Equals γ^T h(s_T) − h(s_0) (telescoping); for a cycle (s_T = s_0) with γ = 1 it is 0.
 */
export function pathShaping(h: ArrayLike<number>, gamma: number, terminalAtEnd = false): number {
  checkNumber(gamma, "shaping gamma", 0, 1);
  if (h.length < 1) throw new GanrlError(`pathShaping needs the potentials of at least one state, got ${describe(h)}`);
  const T = h.length - 1;
  let sum = 0;
  let disc = 1;
  for (let t = 0; t < T; t++) {
    const next = terminalAtEnd && t + 1 === T ? 0 : h[t + 1];
    sum += disc * (gamma * next - h[t]);
    disc *= gamma;
  }
  return sum;
}
