/**
 * SVG rendering of the environments, and SMIL-animated episodes.
 *
 * `render()` returns a self-contained 600×400 SVG. Its layout is fixed so that
 * `animateEpisode` can merge many frames compactly:
 *
 *     <svg ...><defs>…shared shapes and styles…</defs>…static parts (track, goal line)…
 *     <!--frame-->…per-frame parts (a transform, two lines)…<!--/frame--></svg>
 *
 * `animateEpisode(frames)` keeps ONE copy of `<defs>` and the static parts (from the first frame)
 * and turns each frame's dynamic part into a `<g>` made visible during its time slot by a
 * discrete SMIL `<animate attributeName="visibility">` looping forever. No JavaScript is used,
 * so the animation plays in Jupyter (inline SVG) and on GitHub (SVG outputs shown as `<img>`).
 */
import { GanrlError, describe } from "../core";

const W = 600;
const H = 400;

/** Shortest fixed-point text for a coordinate (1 decimal is plenty at 600 px). */
function f(v: number): string {
  const r = Math.round(v * 10) / 10;
  return Object.is(r, -0) ? "0" : String(r);
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const SVG_OPEN = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">`;

/**
 * CartPole as Gymnasium draws it: world width 2·2.4 m across 600 px (scale 125 px/m), track at
 * 100 px from the bottom, cart 50×30 px, pole 10 px wide and 2·length·scale long, hinged a quarter
 * of the cart height above the cart's centre, tilting right for θ > 0.
 */
export function renderCartPole(s: ArrayLike<number>, info: { id: string; t: number; length: number }): string {
  const scale = W / (2.4 * 2);
  const trackY = H - 100;
  const poleLen = scale * 2 * info.length;
  const cartX = s[0] * scale + W / 2;
  const deg = (s[2] * 180) / Math.PI;
  const defs =
    `<defs><style>.t{font:14px sans-serif;fill:#444}</style>` +
    `<rect id="c" x="-25" y="-15" width="50" height="30" fill="#222"/>` +
    `<g id="p"><rect x="-5" y="${f(-poleLen + 5)}" width="10" height="${f(poleLen)}" fill="#ca9865"/>` +
    `<circle r="5" fill="#8184cb"/></g></defs>`;
  const statics =
    `<rect width="${W}" height="${H}" fill="#fff"/>` +
    `<line x1="0" y1="${trackY}" x2="${W}" y2="${trackY}" stroke="#000"/>` +
    `<line x1="${f(W / 2 - 2.4 * scale)}" y1="${trackY - 6}" x2="${f(W / 2 - 2.4 * scale)}" y2="${trackY + 6}" stroke="#c33"/>` +
    `<line x1="${f(W / 2 + 2.4 * scale)}" y1="${trackY - 6}" x2="${f(W / 2 + 2.4 * scale)}" y2="${trackY + 6}" stroke="#c33"/>`;
  // The pole's hinge is cartheight/4 above the cart centre (Gymnasium's axleoffset).
  const dyn =
    `<g transform="translate(${f(cartX)} ${trackY})"><use xlink:href="#c"/>` +
    `<use xlink:href="#p" transform="translate(0 -7.5) rotate(${f(deg)})"/></g>` +
    `<text class="t" x="10" y="22">${esc(info.id)} t=${info.t}</text>`;
  return `${SVG_OPEN}${defs}${statics}<!--frame-->${dyn}<!--/frame--></svg>`;
}

/**
 * Acrobot: pivot at the centre, both links drawn as thick lines, joints as dots, and the goal line
 * one link length (l1) above the pivot: the episode ends when the free end rises above it.
 * θ1 = 0 hangs straight down; θ2 is relative to link 1.
 */
export function renderAcrobot(
  s: ArrayLike<number>,
  info: { id: string; t: number; linkLength1: number; linkLength2: number },
): string {
  const reach = info.linkLength1 + info.linkLength2 + 0.2;
  const scale = H / (reach * 2);
  const cx = W / 2, cy = H / 2;
  const x1 = cx + info.linkLength1 * Math.sin(s[0]) * scale;
  const y1 = cy + info.linkLength1 * Math.cos(s[0]) * scale;
  const x2 = x1 + info.linkLength2 * Math.sin(s[0] + s[1]) * scale;
  const y2 = y1 + info.linkLength2 * Math.cos(s[0] + s[1]) * scale;
  const goalY = cy - info.linkLength1 * scale;
  const lw = f(0.2 * scale);
  const defs =
    `<defs><style>.l{fill:none;stroke:#0cc;stroke-width:${lw};stroke-linecap:round;stroke-linejoin:round}.j{fill:#cc0}.t{font:14px sans-serif;fill:#444}</style></defs>`;
  const statics =
    `<rect width="${W}" height="${H}" fill="#fff"/>` +
    `<line x1="${f(cx - reach * scale)}" y1="${f(goalY)}" x2="${f(cx + reach * scale)}" y2="${f(goalY)}" stroke="#000" stroke-dasharray="6 4"/>` +
    `<text class="t" x="${f(cx + reach * scale + 4)}" y="${f(goalY + 5)}">goal</text>`;
  const dyn =
    `<path class="l" d="M${cx} ${cy}L${f(x1)} ${f(y1)}L${f(x2)} ${f(y2)}"/>` +
    `<circle class="j" cx="${f(x1)}" cy="${f(y1)}" r="${f(0.1 * scale)}"/>` +
    `<text class="t" x="10" y="22">${esc(info.id)} t=${info.t}</text>`;
  const pivot = `<circle class="j" cx="${cx}" cy="${cy}" r="${f(0.1 * scale)}"/>`;
  return `${SVG_OPEN}${defs}${statics}<!--frame-->${dyn}<!--/frame-->${pivot}</svg>`;
}

/**
 * MountainCar as Gymnasium draws it: positions −1.2..0.6 across 600 px, the hill
 * y = 0.45·sin(3x) + 0.55 (Gymnasium's `_height`, the valley sin(3x) scaled to the screen), the
 * car 40×20 px with two wheels, 10 px above the curve and tilted by cos(3x) rad, and the flag at
 * the goal x = 0.5.
 */
export function renderMountainCar(s: ArrayLike<number>, info: { id: string; t: number }): string {
  const minX = -1.2, maxX = 0.6, goal = 0.5;
  const scale = W / (maxX - minX);
  const height = (x: number) => Math.sin(3 * x) * 0.45 + 0.55;
  // Gymnasium draws with y up; SVG's y points down.
  const px = (x: number) => (x - minX) * scale;
  const py = (y: number) => H - y * scale;
  const pts: string[] = [];
  for (let i = 0; i < 100; i++) {
    const x = minX + ((maxX - minX) * i) / 99;
    pts.push(`${f(px(x))} ${f(py(height(x)))}`);
  }
  const flagX = px(goal), flagY1 = py(height(goal)), flagY2 = flagY1 - 50;
  const defs =
    `<defs><style>.t{font:14px sans-serif;fill:#444}</style>` +
    `<g id="car"><rect x="-20" y="-20" width="40" height="20" fill="#222"/>` +
    `<circle cx="10" r="8" fill="#808080"/><circle cx="-10" r="8" fill="#808080"/></g></defs>`;
  const statics =
    `<rect width="${W}" height="${H}" fill="#fff"/>` +
    `<path d="M${pts.join("L")}" fill="none" stroke="#000" stroke-width="2"/>` +
    `<line x1="${f(flagX)}" y1="${f(flagY1)}" x2="${f(flagX)}" y2="${f(flagY2)}" stroke="#000"/>` +
    `<path d="M${f(flagX)} ${f(flagY2)}L${f(flagX)} ${f(flagY2 + 10)}L${f(flagX + 25)} ${f(flagY2 + 5)}Z" fill="#cccc00"/>`;
  // The wheels' centres sit on the car's bottom edge, 10 px (Gymnasium's clearance) above the curve;
  // the car turns about that point.
  const deg = (Math.cos(3 * s[0]) * 180) / Math.PI;
  const dyn =
    `<use xlink:href="#car" transform="translate(${f(px(s[0]))} ${f(py(height(s[0])) - 10)}) rotate(${f(-deg)})"/>` +
    `<text class="t" x="10" y="22">${esc(info.id)} t=${info.t}</text>`;
  return `${SVG_OPEN}${defs}${statics}<!--frame-->${dyn}<!--/frame--></svg>`;
}

export interface AnimateOptions {
  /** Frames per second (default 50, CartPole's render_fps; Acrobot's is 15). */
  fps?: number;
  /** Displayed width in px (height follows the 3:2 aspect). Default 600. */
  width?: number;
}

const FRAME_RE = /<!--frame-->([\s\S]*?)<!--\/frame-->/;

/**
 * Merges SVG frames into ONE looping SVG animation (SMIL, discrete timing, no JavaScript).
 * Frames made by `env.render()` share their `<defs>` and static parts, so each frame adds only
 * its dynamic part and its `<animate>` (about 300 bytes): a 500-frame episode is about 150 KB.
 * Frames without the `<!--frame-->` markers are embedded whole (inner content of each `<svg>`).
 */
export function animateEpisode(frames: string[], opts: AnimateOptions = {}): string {
  if (!Array.isArray(frames) || frames.length === 0) {
    throw new GanrlError(`animateEpisode needs a non-empty array of SVG frames (e.g. from recordEpisode), got ${describe(frames)}`);
  }
  for (const k of Object.keys(opts)) {
    if (k !== "fps" && k !== "width") throw new GanrlError(`unknown option '${k}' for animateEpisode; valid options: fps, width`);
  }
  const fps = opts.fps ?? 50;
  const width = opts.width ?? W;
  if (typeof fps !== "number" || !(fps > 0) || !Number.isFinite(fps)) {
    throw new GanrlError(`animateEpisode fps must be a positive number, got ${describe(fps)}`);
  }
  if (typeof width !== "number" || !(width > 0) || !Number.isFinite(width)) {
    throw new GanrlError(`animateEpisode width must be a positive number of pixels, got ${describe(width)}`);
  }
  const n = frames.length;
  const dur = n / fps;
  const first = frames[0];
  const m0 = FRAME_RE.exec(first);
  const inner = (svg: string) => svg.replace(/^[\s\S]*?<svg[^>]*>/, "").replace(/<\/svg>\s*$/, "");
  // Shared parts: everything of the first frame except its dynamic part.
  let head = "";
  let tail = "";
  if (m0) {
    const body = inner(first);
    const parts = body.split(FRAME_RE);
    head = parts[0];
    tail = parts[2] ?? "";
  }
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 ${W} ${H}" ` +
      `width="${f(width)}" height="${f((width * H) / W)}">`,
  );
  out.push(head);
  const kt = (i: number) => String(Math.round((i / n) * 1e5) / 1e5);
  for (let i = 0; i < n; i++) {
    const m = m0 ? FRAME_RE.exec(frames[i]) : null;
    const content = m ? m[1] : inner(frames[i]);
    let anim: string;
    if (n === 1) {
      anim = "";
    } else if (i === 0) {
      anim = `<animate attributeName="visibility" values="visible;hidden" keyTimes="0;${kt(1)}" dur="${dur}s" calcMode="discrete" repeatCount="indefinite"/>`;
    } else if (i === n - 1) {
      anim = `<animate attributeName="visibility" values="hidden;visible" keyTimes="0;${kt(i)}" dur="${dur}s" calcMode="discrete" repeatCount="indefinite"/>`;
    } else {
      anim = `<animate attributeName="visibility" values="hidden;visible;hidden" keyTimes="0;${kt(i)};${kt(i + 1)}" dur="${dur}s" calcMode="discrete" repeatCount="indefinite"/>`;
    }
    // Frame 0 is visible without SMIL (a static viewer shows the first frame).
    out.push(`<g${i === 0 ? "" : ' visibility="hidden"'}>${anim}${content}</g>`);
  }
  out.push(tail);
  out.push("</svg>");
  return out.join("");
}

/** Anything `recordEpisode` can drive: an environment with reset, step and render. */
export interface RenderableEnv {
  reset(seed?: number): Float32Array;
  step(action: number): { obs: Float32Array; reward: number; terminated: boolean; truncated: boolean };
  render(): string;
}

export interface RecordedEpisode {
  /** One SVG per state, starting with the reset state (so `frames.length = steps + 1`). */
  frames: string[];
  /** Sum of rewards. */
  totalReward: number;
  /** Steps taken. */
  steps: number;
  /** Whether the episode ended by termination or truncation (else `maxSteps` was hit). */
  done: boolean;
}

/**
 * Runs `policy` for one episode (at most `maxSteps` steps, stopping at terminated/truncated) and
 * returns the rendered frames; pass them to `animateEpisode`. `seed` is passed to `reset`.
 */
export function recordEpisode(
  env: RenderableEnv,
  policy: (obs: Float32Array) => number,
  maxSteps = 500,
  seed?: number,
): RecordedEpisode {
  if (!Number.isSafeInteger(maxSteps) || maxSteps < 0) {
    throw new GanrlError(`recordEpisode maxSteps must be a non-negative integer, got ${describe(maxSteps)}`);
  }
  let obs = env.reset(seed);
  const frames = [env.render()];
  let totalReward = 0;
  let steps = 0;
  let done = false;
  while (steps < maxSteps && !done) {
    const r = env.step(policy(obs));
    obs = r.obs.slice();
    totalReward += r.reward;
    steps++;
    done = r.terminated || r.truncated;
    frames.push(env.render());
  }
  return { frames, totalReward, steps, done };
}
