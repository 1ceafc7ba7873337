import { RULE_WINDOWS } from "../catalog/index.ts";
import { ENV_LABEL, type Scope } from "./expr.ts";

/** Rules evaluate every environment at once and keep it as a label, so one rule alerts per environment; the CLI reads the same. */
export const RULE_SCOPE: Scope = { matchers: [], by: [ENV_LABEL], window: RULE_WINDOWS.rate };

export const windowScope = (window: string): Scope => ({ ...RULE_SCOPE, window });
