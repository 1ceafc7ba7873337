import { env } from "cloudflare:workers";
import { D1SecretStore } from "./d1-store.ts";
import { storeContract } from "./store-contract.ts";

storeContract("D1 (workerd)", { open: async (observer) => new D1SecretStore(env.DB, observer) });
