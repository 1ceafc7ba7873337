import { getTableName } from "drizzle-orm";
import { secrets } from "../../worker/db/schema.ts";
import { UserError } from "../errors.ts";
import type { Progress } from "../io/progress.ts";
import { openLocalD1, type LocalD1 } from "../sources/local-d1.ts";
import type { WranglerInfo } from "../sources/wrangler-config.ts";
import { copySecrets, type CopyResult } from "./copy.ts";

/** Never print credentials that may be embedded in a URL. */
export const redactUrl = (url: string) => url.replace(/\/\/[^@/]*@/, "//***@").replace(/([?&](?:authToken|token)=)[^&]*/gi, "$1***");

export interface LocalCopyOptions {
  info: WranglerInfo;
  persistTo?: string;
  url: string;
  authToken?: string;
  chunkRows: number;
  restart: boolean;
  progress: Progress;
}

/** `migrate run`: the local D1 (through wrangler) copied into libSQL through the store layer, resumably, then verified. */
export async function copyLocalD1ToLibsql(o: LocalCopyOptions): Promise<CopyResult> {
  o.progress.step("local D1: starting workerd through wrangler");
  try {
    return await copyFrom(await openLocalD1(o.info, o.persistTo), o);
  } finally {
    o.progress.done();
  }
}

async function copyFrom(local: LocalD1, o: LocalCopyOptions): Promise<CopyResult> {
  try {
    const [{ D1SecretStore }, { createLibsqlStore }] = await Promise.all([import("../../worker/store/d1-store.ts"), import("../../libsql/libsql-store.ts")]);
    const source = new D1SecretStore(local.db);
    o.progress.step(`libSQL: opening ${redactUrl(o.url)} and applying migrations`);
    let target;
    try {
      target = await createLibsqlStore(o.url, { authToken: o.authToken });
    } catch (err) {
      throw new UserError(`cannot open libSQL target ${redactUrl(o.url)}: ${(err as Error).message}`, { hint: "use file:path or libsql://host with LIBSQL_AUTH_TOKEN", cause: err });
    }
    try {
      const count = await local.db.prepare(`SELECT count(*) AS n FROM "${getTableName(secrets)}"`).first<{ n: number }>();
      return await copySecrets(source, target, target.client, {
        checkpointKey: `${o.info.d1.databaseName}:${o.info.d1.databaseId}`,
        chunkRows: o.chunkRows, restart: o.restart, total: Number(count?.n ?? 0),
        onProgress: (done, total, phase) => o.progress.update(done, total, phase),
      });
    } finally {
      target.close();
    }
  } finally {
    await local.dispose();
  }
}
