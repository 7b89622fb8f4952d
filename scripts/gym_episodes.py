"""Records fresh Gymnasium episodes for the live differential test (npm run test:gymnasium).

Usage: python scripts/gym_episodes.py SPECS_JSON OUT_JSON [--seed N] [--episodes N]

SPECS_JSON is a list of {"id", "gym_id", "max_episode_steps", "family"} (family: cartpole,
acrobot or mountaincar); one file per run holds, per id, episodes in the layout of the golden
files (shared/golden/README.md): initial_state / initial_obs, then per step the action, obs,
reward, terminated, truncated and the internal float64 state (env.unwrapped.state).

Episodes mix the golden files' flavours and policies: `reset` (reset(seed=...)) and `state`
(reset, then env.unwrapped.state overwritten with a state drawn over the whole region the task
visits, edges included); actions `random` (numpy default_rng(action_seed)), `stabilizing`
(CartPole), `pump` (Acrobot, MountainCar) or `constant0` / `constant1`; some episodes go on for
a few steps after the first terminated/truncated. Every seed is drawn from one master seed,
printed to stderr and stored in the file, so a failure can be replayed with --seed.

Run with NPY_DISABLE_CPU_FEATURES set to the AVX512 features (as the golden files were): NumPy's
AVX512 sin/cos differ from the C library's in the last bit.
"""

import json
import math
import secrets
import sys
import warnings

import gymnasium as gym
import numpy as np
import seals  # noqa: F401  (registers the seals/* ids)

warnings.filterwarnings("ignore")
gym.logger.min_level = 50  # stepping after done warns once per episode: expected here


def policy_fn(name, family, rng):
    """Returns obs -> action for a policy name (obs is the float32 observation Gymnasium returned)."""
    if name == "random":
        n = {"cartpole": 2, "acrobot": 3, "mountaincar": 3}[family]
        return lambda obs: int(rng.integers(0, n))
    if name == "constant0":
        return lambda obs: 0
    if name == "constant1":
        return lambda obs: 1
    if name == "stabilizing":  # CartPole: push towards the side the pole falls to
        return lambda obs: 1 if float(obs[2]) + 0.5 * float(obs[3]) > 0 else 0
    if name == "pump":
        if family == "acrobot":  # torque with the second joint's velocity (obs[5] is dtheta2)
            return lambda obs: 2 if float(obs[5]) > 0 else 0
        return lambda obs: 2 if float(obs[1]) >= 0 else 0  # MountainCar: push along the velocity
    raise ValueError(f"unknown policy {name}")


STRUCTURED = {"cartpole": "stabilizing", "acrobot": "pump", "mountaincar": "pump"}


def draw_state(family, rng):
    """A start state anywhere the task goes, edges included (float64)."""
    u = lambda lo, hi: float(rng.uniform(lo, hi))
    edge = rng.random() < 0.4
    if family == "cartpole":
        x_lim, th_lim = 2.4, 12 * 2 * math.pi / 360
        if edge:  # near or exactly at a termination limit
            x = float(rng.choice([-1, 1])) * (x_lim if rng.random() < 0.3 else u(0.95, 1.0) * x_lim)
            th = float(rng.choice([-1, 1])) * (th_lim if rng.random() < 0.3 else u(0.9, 1.0) * th_lim)
            return [x, u(-2, 2), th, u(-2, 2)]
        return [u(-2, 2), u(-1.5, 1.5), u(-0.15, 0.15), u(-1.5, 1.5)]
    if family == "acrobot":
        v1, v2 = 4 * math.pi, 9 * math.pi
        if edge:  # velocities beyond the limits, angles near +-pi
            return [u(-math.pi, math.pi), float(rng.choice([-1, 1])) * u(math.pi - 0.05, math.pi + 0.05),
                    u(-1.2 * v1, 1.2 * v1), u(-1.2 * v2, 1.2 * v2)]
        # free end below the line at the start (-cos t1 - cos(t1 + t2) <= 1 when |t1| <= pi/2)
        return [u(-math.pi / 2, math.pi / 2), u(-math.pi, math.pi), u(-v1, v1), u(-v2, v2)]
    if family == "mountaincar":
        if edge:  # at the left wall moving left, or just below the goal
            return [-1.2, u(-0.07, 0)] if rng.random() < 0.5 else [u(0.45, 0.5), u(-0.07, 0.07)]
        return [u(-1.2, 0.6), u(-0.07, 0.07)]
    raise ValueError(f"unknown family {family}")


def record(env, spec, ep_index, rng):
    family = spec["family"]
    seed = int(rng.integers(0, 2**31 - 1))
    action_seed = int(rng.integers(0, 2**31 - 1))
    flavour = "reset" if ep_index % 2 == 0 else "state"
    k = ep_index // 2 % 4
    policy = ["random", STRUCTURED[family], "random", "constant0" if ep_index // 8 % 2 == 0 else "constant1"][k]
    steps_after_done = int(rng.integers(1, 6)) if ep_index % 3 == 2 else 0

    obs, _ = env.reset(seed=seed)
    if flavour == "state":
        env.unwrapped.state = np.array(draw_state(family, rng), dtype=np.float64)
        u = env.unwrapped
        obs = u._get_ob() if hasattr(u, "_get_ob") else np.array(u.state, dtype=np.float32)
    initial_state = [float(v) for v in env.unwrapped.state]
    act = policy_fn(policy, family, np.random.default_rng(action_seed))
    steps, first_done, total, extra = [], None, 0.0, 0
    initial_obs = [float(v) for v in np.asarray(obs, dtype=np.float32)]
    t = 0
    while True:
        a = act(obs)
        obs, reward, terminated, truncated, _ = env.step(a)
        t += 1
        steps.append({
            "t": t, "action": a, "obs": [float(v) for v in np.asarray(obs, dtype=np.float32)],
            "reward": float(reward), "terminated": bool(terminated), "truncated": bool(truncated),
            "state": [float(v) for v in env.unwrapped.state],
        })
        if first_done is None:
            total += float(reward)
            if terminated or truncated:
                first_done = t
        else:
            extra += 1
        if first_done is not None and extra >= steps_after_done:
            break
    return {
        "id": f"{flavour}-{ep_index}-{policy}", "flavour": flavour, "seed": seed, "policy": policy,
        "action_seed": action_seed if policy == "random" else None, "steps_after_done": steps_after_done,
        "initial_state": initial_state, "initial_obs": initial_obs, "num_steps": len(steps),
        "first_done_step": first_done, "total_reward": total, "steps": steps,
    }


def main(argv):
    specs_file, out_file = argv[1], argv[2]
    master = secrets.randbits(31)
    episodes = 24
    rest = argv[3:]
    for i in range(0, len(rest), 2):
        if rest[i] == "--seed":
            master = int(rest[i + 1])
        elif rest[i] == "--episodes":
            episodes = int(rest[i + 1])
        else:
            sys.exit(f"gym_episodes.py: unknown option {rest[i]}")
    print(f"gym_episodes: master seed {master}", file=sys.stderr)
    specs = json.load(open(specs_file))
    out = {"master_seed": master, "gymnasium_version": gym.__version__, "seals_version": seals.__version__,
           "numpy_version": np.__version__, "envs": []}
    for n, spec in enumerate(specs):
        env = gym.make(spec["gym_id"], max_episode_steps=spec["max_episode_steps"])
        rng = np.random.default_rng([master, n])
        out["envs"].append({**spec, "episodes": [record(env, spec, i, rng) for i in range(episodes)]})
        env.close()
    with open(out_file, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main(sys.argv)
