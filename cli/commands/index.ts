import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { makeCapacityCommand } from "./capacity.ts";
import { makeCostCommand } from "./cost.ts";
import { makeMigrateCommand } from "./migrate.ts";
import { makeDashboardsCommand } from "./dashboards.ts";
import { makeAlertsCommand } from "./alerts.ts";
import { makeUptimeCommand } from "./uptime.ts";

export type CommandFactory = (ctx: CliContext) => Command;

/**
 * Every top-level command, in --help order. To add one (e.g. `dashboards build|push`, `alerts build|push`),
 * write a factory in cli/commands/<name>.ts and append it here; main.ts needs no change.
 */
export const COMMANDS: readonly CommandFactory[] = [makeCapacityCommand, makeCostCommand, makeMigrateCommand, makeDashboardsCommand, makeAlertsCommand, makeUptimeCommand];
