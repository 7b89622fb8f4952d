/**
 * The one budget knob of notebooks and demos: `GANRL_QUICK=1` shrinks budgets so that
 * tests can execute every notebook; without it, a notebook runs its real budgets.
 */
export function isQuick(): boolean {
  const v = process.env.GANRL_QUICK;
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/** `budget(full, quick)`: `quick` under GANRL_QUICK=1, else `full`. */
export function budget<T>(full: T, quick: T): T {
  return isQuick() ? quick : full;
}
