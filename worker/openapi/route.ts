import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { buildOpenApiDocument } from "./document.ts";

const DOCUMENT = buildOpenApiDocument();

/** GET /openapi.json: the contract, built from the objects the routes validate with (worker/openapi/document.ts). */
export const openApiRoutes = new Hono<AppEnv>().get("/openapi.json", (c) => c.json(DOCUMENT, 200, { "Cache-Control": "public, max-age=300" }));
