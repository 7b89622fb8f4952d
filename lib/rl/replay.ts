/** Uniform experience replay in preallocated typed arrays (a ring buffer). */
import { Rng, checkPositiveInt } from "../core";

export class ReplayBuffer {
  readonly capacity: number;
  readonly obsDim: number;
  readonly obs: Float32Array;
  readonly nextObs: Float32Array;
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  /** 1 where s' is terminal (no bootstrap). Truncated transitions are stored with 0: they bootstrap from s'. */
  readonly terminated: Uint8Array;
  size = 0;
  private pos = 0;

  constructor(capacity: number, obsDim: number) {
    checkPositiveInt(capacity, "replay capacity");
    this.capacity = capacity;
    this.obsDim = obsDim;
    this.obs = new Float32Array(capacity * obsDim);
    this.nextObs = new Float32Array(capacity * obsDim);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.terminated = new Uint8Array(capacity);
  }

  add(obs: ArrayLike<number>, obsOffset: number, action: number, reward: number, nextObs: ArrayLike<number>, nextOffset: number, terminated: boolean): void {
    const D = this.obsDim, p = this.pos;
    for (let j = 0; j < D; j++) {
      this.obs[p * D + j] = obs[obsOffset + j];
      this.nextObs[p * D + j] = nextObs[nextOffset + j];
    }
    this.actions[p] = action;
    this.rewards[p] = reward;
    this.terminated[p] = terminated ? 1 : 0;
    this.pos = (p + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** Draws `n` indices uniformly (with replacement) and gathers them into fresh arrays. */
  sample(n: number, rng: Rng): { obs: Float32Array; nextObs: Float32Array; actions: Int32Array; rewards: Float32Array; terminated: Float32Array } {
    const D = this.obsDim;
    const out = { obs: new Float32Array(n * D), nextObs: new Float32Array(n * D), actions: new Int32Array(n), rewards: new Float32Array(n), terminated: new Float32Array(n) };
    for (let k = 0; k < n; k++) {
      const i = rng.int(this.size);
      out.obs.set(this.obs.subarray(i * D, (i + 1) * D), k * D);
      out.nextObs.set(this.nextObs.subarray(i * D, (i + 1) * D), k * D);
      out.actions[k] = this.actions[i];
      out.rewards[k] = this.rewards[i];
      out.terminated[k] = this.terminated[i];
    }
    return out;
  }
}
