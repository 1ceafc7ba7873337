import { Command } from "commander";
import { resolve } from "node:path";
import type { CliContext } from "../context.ts";
import { UserError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { GrafanaError, grafanaTarget } from "../../dashboards/grafana-http.ts";
import { pushDashboards } from "../../dashboards/push.ts";
import { writeObservability } from "../../scripts/build-observability.ts";
import { examples } from "./common.ts";

/** Turns a missing setting or a Grafana refusal into a one-line user error with a hint. */
export async function withGrafana<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof GrafanaError) {
      const hint = err.status === 401 || err.status === 403
        ? "the service account token needs the Editor role (Administration > Users and access > Service accounts)"
        : "check --grafana-url points at the Grafana instance (e.g. https://<stack>.grafana.net)";
      throw new UserError(err.message, { hint, cause: err });
    }
    if (err instanceof Error && /^no Grafana (URL|token)/.test(err.message)) throw new UserError(err.message);
    if (err instanceof TypeError) throw new UserError(`cannot reach Grafana: ${err.message}`, { hint: "check --grafana-url and the network", cause: err });
    throw err;
  }
}

export function makeDashboardsCommand(ctx: CliContext): Command {
  const dashboards = new Command("dashboards").description("Grafana dashboards generated from the catalog: write the JSON, or upload it");

  const build = new Command("build")
    .description("write dashboards/generated/*.json from the TypeScript builders")
    .option("--out <dir>", "repository root to write under", ".")
    .action((opts: { out: string }) => {
      const written = writeObservability(resolve(ctx.cwd, opts.out), "dashboards");
      ctx.stdout.write(`${written.map((f) => `wrote ${f}`).join("\n")}\n`);
      ctx.exitCode = EXIT.ok;
    });

  const push = new Command("push")
    .description("upload every dashboard into a Grafana folder (created if missing), overwriting the same uids")
    .option("--grafana-url <url>", "Grafana base URL (default: $GRAFANA_URL)")
    .option("--token <token>", "service account token (default: $GRAFANA_TOKEN)")
    .option("--folder-uid <uid>", "folder to upload into", undefined)
    .action(async (opts: { grafanaUrl?: string; token?: string; folderUid?: string }) => {
      const pushed = await withGrafana(() => pushDashboards(grafanaTarget({ url: opts.grafanaUrl, token: opts.token }, ctx.env), { folderUid: opts.folderUid }));
      ctx.stdout.write(`${pushed.map((d) => `pushed ${d.title} (uid ${d.uid}, version ${d.version}): ${d.url}`).join("\n")}\n`);
      ctx.exitCode = EXIT.ok;
    });
  push.addHelpText("after", examples(["GRAFANA_URL=https://acme.grafana.net GRAFANA_TOKEN=glsa_... moltsecret dashboards push"]));

  return dashboards.addCommand(build).addCommand(push);
}
