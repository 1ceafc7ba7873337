/** A known mix of API requests against a running Worker, remembering every sensitive value it used or received. */
export interface Drive {
  /** Requests sent per "METHOD route status". */
  sent: Map<string, number>;
  /** Secret ids, ciphertexts, delete tokens and client IPs used: none may appear in telemetry. */
  sensitive: Set<string>;
  total: number;
}

const IP_V4 = (i: number) => `198.51.100.${(i % 250) + 1}`;
const IP_V6 = (i: number) => `2001:db8:7a3:${(i % 9000).toString(16)}::${(i % 250) + 17}`;

/** `already`: requests the Worker has counted before the drive (e.g. the harness's readiness probes). */
export function newDrive(already: ReadonlyMap<string, number> = new Map()): Drive {
  return { sent: new Map(already), sensitive: new Set(), total: [...already.values()].reduce((a, b) => a + b, 0) };
}

export async function send(drive: Drive, base: string, method: string, route: string, path: string, init: { body?: unknown; headers?: Record<string, string>; ip?: string } = {}): Promise<Response> {
  const ip = init.ip ?? (drive.total % 2 ? IP_V6(drive.total) : IP_V4(drive.total));
  drive.sensitive.add(ip);
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", "cf-connecting-ip": ip, ...init.headers },
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
  const key = `${method} ${route} ${res.status}`;
  drive.sent.set(key, (drive.sent.get(key) ?? 0) + 1);
  drive.total++;
  return res;
}

const ciphertext = (i: number) => `pipelineCiphertext${i}x${crypto.randomUUID().replaceAll("-", "")}`;

/**
 * Creates, reads, reveals (burning one-time secrets), deletes, and a few client errors:
 * every status the API answers in normal operation, with known counts.
 */
export async function driveMix(drive: Drive, base: string, scale = 1): Promise<void> {
  const created: Array<{ id: string; deleteToken: string }> = [];
  for (let i = 0; i < 24 * scale; i++) {
    const body = { ciphertext: ciphertext(i), ttlSeconds: 3600, maxViews: 1 };
    drive.sensitive.add(body.ciphertext);
    const res = await send(drive, base, "POST", "/api/secrets", "/api/secrets", { body });
    const json = (await res.json()) as { id: string; deleteToken: string };
    drive.sensitive.add(json.id);
    drive.sensitive.add(json.deleteToken);
    created.push(json);
  }
  for (let i = 0; i < 4 * scale; i++) await (await send(drive, base, "POST", "/api/secrets", "/api/secrets", { body: "{not json" })).arrayBuffer();
  for (const s of created.slice(0, 16 * scale)) await (await send(drive, base, "GET", "/api/secrets/:id", `/api/secrets/${s.id}`)).arrayBuffer();
  for (const s of created.slice(0, 10 * scale)) await (await send(drive, base, "POST", "/api/secrets/:id/reveal", `/api/secrets/${s.id}/reveal`)).arrayBuffer();
  for (const s of created.slice(0, 3 * scale)) await (await send(drive, base, "POST", "/api/secrets/:id/reveal", `/api/secrets/${s.id}/reveal`)).arrayBuffer();
  for (const s of created.slice(20 * scale, 24 * scale)) {
    await (await send(drive, base, "DELETE", "/api/secrets/:id", `/api/secrets/${s.id}`, { headers: { "x-delete-token": s.deleteToken } })).arrayBuffer();
  }
  const unknownId = created[0]!.id.replace(/^./, (c) => (c === "A" ? "B" : "A"));
  drive.sensitive.add(unknownId);
  for (let i = 0; i < 5 * scale; i++) await (await send(drive, base, "GET", "/api/secrets/:id", `/api/secrets/${unknownId}`)).arrayBuffer();
  for (let i = 0; i < 3 * scale; i++) await (await send(drive, base, "GET", "(unmatched)", `/nowhere/${unknownId}`)).arrayBuffer();
}
